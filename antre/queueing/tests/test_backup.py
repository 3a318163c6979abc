"""`antre backup` while the office keeps booking, and `antre restore`."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from django.db import connection, connections

from antre.backup import BackupError, backup, restore
from antre.queueing.models import Ticket
from antre.queueing.tests.factories import book

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="PostgreSQL: pg_dump, tested below")
def test_a_backup_taken_during_bookings_is_whole_and_restores(open_all_day, tmp_path):
    # Room for as many as the thread books while a slow machine copies: a full day would stop it.
    open_all_day.services.filter(code="KTP").update(daily_quota=1_000_000)
    for i in range(50):
        book(open_all_day, i)
    stop = threading.Event()

    def keep_booking():
        i = 1000
        try:
            while not stop.is_set():
                book(open_all_day, i)
                i += 1
        finally:
            connections.close_all()

    booker = threading.Thread(target=keep_booking)
    booker.start()
    try:
        copy = backup(tmp_path / "copy.sqlite3")
    finally:
        stop.set()
        booker.join(timeout=30)
    with sqlite3.connect(copy) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        in_copy = db.execute("SELECT count(*) FROM queueing_ticket").fetchone()[0]
    assert in_copy >= 50
    assert Ticket.objects.count() >= in_copy  # bookings went on while the copy was made

    Ticket.objects.all().delete()  # a disaster
    restore(copy)
    assert Ticket.objects.count() == in_copy


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite only")
def test_a_damaged_backup_is_refused_and_nothing_is_replaced(open_all_day, tmp_path):
    book(open_all_day)
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    with pytest.raises((BackupError, sqlite3.DatabaseError)):
        restore(broken)
    assert Ticket.objects.count() == 1


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL only")
def test_on_postgresql_the_backup_points_to_pg_dump(open_all_day):
    assert connection.vendor == "postgresql"
    with pytest.raises(BackupError) as refused:
        backup()
    assert "pg_dump" in str(refused.value)
