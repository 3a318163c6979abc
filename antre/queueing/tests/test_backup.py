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
def test_on_postgresql_a_backup_with_its_documents_is_restored_onto_a_new_empty_database(
    open_all_day, client, tmp_path, settings
):
    import psycopg

    from antre.applications.models import StoredFile
    from antre.applications.tests.factories import apply

    booked = book(open_all_day, 1)
    application = apply(client)
    document = application.documents.get(requirement__code="kk")
    dump = backup(tmp_path / "antre.dump")  # what `antre backup` writes on PostgreSQL: pg_dump
    assert dump.stat().st_mode & 0o077 == 0  # personal data: the owner's only

    new = {**settings.DATABASES["default"], "NAME": f"{connection.settings_dict['NAME']}_restored"}
    admin = psycopg.connect(
        f"host={new['HOST']} port={new['PORT'] or 5432} user={new['USER']} dbname=postgres"
    )
    admin.autocommit = True
    admin.execute(f'DROP DATABASE IF EXISTS "{new["NAME"]}"')
    admin.execute(f'CREATE DATABASE "{new["NAME"]}"')
    try:
        restore(dump, new)  # the new machine's empty database
        with psycopg.connect(
            f"host={new['HOST']} port={new['PORT'] or 5432} user={new['USER']} dbname={new['NAME']}"
        ) as db:
            assert db.execute("SELECT number FROM queueing_ticket").fetchall() == [(booked.number,)]
            assert db.execute("SELECT code FROM applications_application").fetchall() == [(application.code,)]
            (content,) = db.execute(
                "SELECT content FROM applications_storedfile WHERE name = %s", [f"documents/{document.path}"]
            ).fetchone()
        assert bytes(content) == bytes(StoredFile.objects.get(name=f"documents/{document.path}").content)
        with pytest.raises(BackupError) as refused:  # never over a database in use
            restore(dump, new)
        assert "tidak kosong" in str(refused.value)
        with pytest.raises(BackupError):
            restore(tmp_path / "nothing.dump", new)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{new["NAME"]}" WITH (FORCE)')
        admin.close()
