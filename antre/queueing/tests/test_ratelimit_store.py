"""The rate-limit counts: exact under concurrency, and a broken counter file never blocks a booking."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from django.test import RequestFactory

from antre import ratelimit


@pytest.fixture(autouse=True)
def the_machines_file(monkeypatch):
    """These are the file's tests (SQLite's counter); on PostgreSQL the counts are shared
    (test_ratelimit_shared.py)."""
    monkeypatch.setattr(ratelimit, "shared", lambda: False)


def test_counts_are_exact_when_many_threads_count_at_once(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    expires = int(time.time()) + 60
    results: list[int] = []

    def hammer() -> None:
        results.extend(ratelimit._count("book:10.0.0.1:0", expires=expires) for _ in range(50))

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == list(range(1, 201))  # every hit counted once, none lost


def test_a_damaged_counter_file_lets_requests_through_and_is_replaced(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.RATELIMIT_ENABLED = True
    store = Path(tmp_path) / "run" / "ratelimit.sqlite3"
    store.parent.mkdir(parents=True)
    store.write_bytes(b"this is not a database" * 100)
    request = RequestFactory().post("/api/v1/offices/tabanan/tickets", REMOTE_ADDR="10.0.0.2")
    ratelimit.check(request, scope="book", limit=1)  # no exception: let through
    ratelimit.check(request, scope="book", limit=1)  # a fresh file counts again from here
    try:
        ratelimit.check(request, scope="book", limit=1)
    except ratelimit.Refusal as refusal:
        assert refusal.code == "rate_limited"
    else:
        raise AssertionError("the replaced file does not count")


def test_a_data_dir_it_cannot_write_lets_requests_through(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.RATELIMIT_ENABLED = True
    (tmp_path / "run").write_text("a file where the folder should be")
    request = RequestFactory().post("/api/v1/offices/tabanan/tickets", REMOTE_ADDR="10.0.0.3")
    for _ in range(3):
        ratelimit.check(request, scope="book", limit=1)  # let through every time, never a 500


def test_a_count_that_cannot_get_its_turn_lets_the_request_through(settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path
    settings.RATELIMIT_ENABLED = True
    monkeypatch.setattr(ratelimit, "WAIT", 0.05)
    request = RequestFactory().post("/api/v1/offices/tabanan/tickets", REMOTE_ADDR="10.0.0.4")
    with ratelimit._turn:  # another thread stuck at the counter
        done = threading.Event()
        threading.Thread(target=lambda: (ratelimit.check(request, scope="book", limit=1), done.set())).start()
        assert done.wait(timeout=5)
