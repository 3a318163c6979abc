"""`antre restore` never pulls the data from under a running server or worker, and a file that is not
a whole Antre backup is refused in Indonesian, with the current data untouched."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import django.db  # noqa: F401 (read by the skip condition)
import pytest

from antre import testing
from antre.backup import BackupError, backup, restore
from antre.queueing.models import Ticket
from antre.queueing.tests.factories import book
from antre.testing import Server, free_port

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "django.db.connection.vendor != 'sqlite'", reason="PostgreSQL is restored with pg_restore"
    ),
]


def antre(*args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "antre.cli", *args],
        env=dict(os.environ, ANTRE_DATABASE_URL=testing.test_database_url(), **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def copy(open_all_day, tmp_path):
    book(open_all_day, 1)
    taken = backup(tmp_path / "copy.sqlite3")
    book(open_all_day, 2)  # booked after the backup: a restore would lose it
    return taken


def test_restore_is_refused_while_the_server_runs_and_goes_ahead_once_it_stopped(copy):
    server = Server(port=free_port()).start(
        timeout=120, ANTRE_RATELIMIT="off"
    )  # a busy machine starts slowly
    try:
        with pytest.raises(BackupError) as refused:
            restore(copy)
        assert "masih berjalan" in str(refused.value)
        assert Ticket.objects.count() == 2
    finally:
        server.stop()
    restore(copy)
    assert Ticket.objects.count() == 1


def test_restore_is_refused_while_the_worker_runs(copy):
    worker = antre("worker")
    try:
        assert worker.stdout is not None
        assert "berjalan" in worker.stdout.readline()  # migrated, holding the data
        command = antre("restore", str(copy), "--yes")
        out, err = command.communicate(timeout=60)
        assert command.returncode == 2
        assert "Antre masih berjalan pada data ini" in err and "Traceback" not in err
    finally:
        worker.terminate()
        worker.communicate(timeout=30)
    assert Ticket.objects.count() == 2


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty database", "missing"])
def test_a_file_that_is_not_a_whole_backup_is_refused_in_indonesian(copy, tmp_path, damage):
    bad = tmp_path / "bad.sqlite3"
    if damage == "garbage":
        bad.write_bytes(os.urandom(5000))
    elif damage == "truncated":
        bad.write_bytes(copy.read_bytes()[: copy.stat().st_size // 2])
    elif damage == "empty database":
        sqlite3.connect(bad).close()
        with sqlite3.connect(bad) as db:
            db.execute("CREATE TABLE notes (text TEXT)")
    command = antre("restore", str(bad), "--yes")
    out, err = command.communicate(timeout=60)
    assert command.returncode == 2, (out, err)
    assert "Traceback" not in err
    assert any(word in err for word in ("bukan cadangan Antre", "rusak", "tidak ada")), err
    assert Ticket.objects.count() == 2  # the current data untouched
