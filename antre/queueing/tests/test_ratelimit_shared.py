"""On PostgreSQL the rate-limit counts live in the database, so every machine counts the same hits."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections
from django.test import RequestFactory

from antre import ratelimit

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite keeps the machine's own counter file"
)


@pytest.mark.django_db(transaction=True)
def test_hits_from_many_connections_are_counted_once_each():
    # Each thread has its own database connection, as each machine's processes do.
    expires = int(time.time()) + 60
    results: list[int] = []

    def hammer() -> None:
        try:
            results.extend(ratelimit.count("test-shared:10.0.0.1", expires=expires) for _ in range(50))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == list(range(1, 201))
    assert ratelimit.peek("test-shared:10.0.0.1") == 200
    with connection.cursor() as cursor:  # in the shared table, not in a file of this machine
        cursor.execute("SELECT n FROM antre_ratelimit WHERE key = %s", ["test-shared:10.0.0.1"])
        assert cursor.fetchone() == (200,)


@pytest.mark.django_db
def test_a_key_whose_window_ended_counts_again_from_one():
    now = int(time.time())
    assert ratelimit.count("test-shared:alarm", expires=now - 1) == 1  # an ended window, not swept yet
    assert ratelimit.peek("test-shared:alarm") == 0
    assert ratelimit.count("test-shared:alarm", expires=now + 60) == 1
    assert ratelimit.count("test-shared:alarm", expires=now + 60) == 2


@pytest.mark.django_db
def test_the_limit_refuses_past_it_from_the_shared_count(settings):
    settings.RATELIMIT_ENABLED = True
    request = RequestFactory().post("/", REMOTE_ADDR="10.9.9.9")
    ratelimit.check(request, scope="test-book", limit=2)
    ratelimit.check(request, scope="test-book", limit=2)
    with pytest.raises(ratelimit.Refusal) as refused:
        ratelimit.check(request, scope="test-book", limit=2)
    assert refused.value.status == 429


@pytest.mark.django_db
def test_a_broken_counter_lets_the_request_through(settings):
    settings.RATELIMIT_ENABLED = True
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE antre_ratelimit RENAME TO antre_ratelimit_gone")
    request = RequestFactory().post("/", REMOTE_ADDR="10.9.9.8")
    for _ in range(3):
        ratelimit.check(request, scope="test-book", limit=1)  # let through, never a 500


@pytest.mark.django_db(transaction=True)
def test_several_keys_are_counted_in_one_round_trip():
    from django.test.utils import CaptureQueriesContext

    expires = int(time.time()) + 60
    ratelimit.count("test-many:alarm", expires=expires)
    with CaptureQueriesContext(connection) as queries:
        hits, looks = ratelimit.count_many(
            [("test-many:b", expires), ("test-many:a", expires)], ["test-many:alarm", "test-many:none"]
        )
    assert (hits, looks) == ([1, 1], [1, 0])
    assert len(queries) == 1
    hits, looks = ratelimit.count_many([("test-many:b", expires), ("test-many:a", expires)], ["test-many:b"])
    assert (hits, looks) == ([2, 2], [1])  # a look sees the count before this statement's hits
