"""No NIK, KK number, phone or address in clear at rest (#18): after a day's booking on the web and by
chat, an application and the WhatsApp conversation, none of them is in any table, in the SQLite file,
in a backup (SQLite's copy, PostgreSQL's pg_dump) or in the logs. The code still reads them back."""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from antre import backup, crypto
from antre.applications.models import Application
from antre.applications.tests.factories import ADDRESS, apply
from antre.conftest import NIK_MADE, nik_for
from antre.queueing.models import Ticket
from antre.queueing.tests.factories import book
from antre.whatsapp.models import Conversation, InboundMessage, OutboxMessage
from antre.whatsapp.tests.test_bot import CITIZEN, row_ids, say

pytestmark = pytest.mark.django_db(transaction=True)

KK = "5102050101900001"  # Made's family card, as factories.form() types it
WEB_NIK = nik_for(7)
WEB_PHONE = "0813 9988 7766"
# Each number as digits only, without the country or trunk prefix: it matches 0812…, +62812… and 62812….
IN_CLEAR = {
    "the chat's NIK": NIK_MADE,
    "the web booking's NIK": WEB_NIK,
    "the KK number": KK,
    "the chat's phone": CITIZEN.removeprefix("62"),
    "the web booking's phone": "81399887766",
    "the application's address": ADDRESS,
}


def _a_day(client, office) -> None:
    """Made books by chat and sends an application on the web; Ketut books on the web with a phone."""
    say(client, "halo")
    say(client, reply_id="menu:antre")
    days = say(client, reply_id="svc:CAPIL")
    say(client, reply_id=row_ids(days)[0])
    say(client, "ni made sari dewi")
    say(client, NIK_MADE)
    book(office, 7, service="LEGAL", phone=WEB_PHONE)
    apply(client)


def _every_row() -> list[tuple[str, str]]:
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (introspected)
            rows += [(table, repr(row)) for row in cursor.fetchall()]
    return rows


def _found(text: str) -> list[str]:
    return [what for what, value in IN_CLEAR.items() if value in text]


def test_a_day_leaves_no_number_or_address_in_clear(client, desk, graph, caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    _a_day(client, desk.office)

    # The code reads them back as they were given.
    chat_ticket = Ticket.objects.with_nik(NIK_MADE).get()
    assert chat_ticket.phone == f"+{CITIZEN}" and chat_ticket.kecamatan == "51.02.05"
    assert Ticket.objects.with_phone("+6281399887766").get().nik == WEB_NIK
    application = Application.objects.get()
    assert (application.nik, application.kk_number, application.address) == (NIK_MADE, KK, ADDRESS)
    conversation = Conversation.objects.get()
    assert conversation.citizen == CITIZEN and conversation.phone == f"+{CITIZEN}"
    assert any(m.text == NIK_MADE for m in InboundMessage.objects.all())
    assert {m.to for m in OutboxMessage.objects.all()} == {CITIZEN, "6281399887766"}

    # At rest, none of them is in clear: not in a table,
    assert [(table, _found(row)) for table, row in _every_row() if _found(row)] == []
    # nor in the logs,
    assert _found(caplog.text) == []
    # nor in the database's files, nor in a backup of them.
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        live = Path(django_settings.DATABASES["default"]["NAME"])
        copy = backup.backup(tmp_path / "antre.sqlite3")
        for path in (live, Path(f"{live}-wal"), copy):
            if path.exists():
                assert _found(path.read_bytes().decode("latin-1")) == [], path
    elif shutil.which("pg_dump"):
        params = connection.get_connection_params()
        dump = subprocess.run(
            ["pg_dump", "-h", params.get("host") or "127.0.0.1", "-p", str(params.get("port") or 5432)]
            + ["-U", params.get("user") or "postgres", "--data-only", params["dbname"]],
            capture_output=True,
            check=True,
            text=True,
        ).stdout
        assert "queueing_ticket" in dump and _found(dump) == []


def test_the_sealed_values_open_only_with_the_key_file(desk):
    sealed = crypto.seal(NIK_MADE)
    assert sealed.startswith(crypto.PREFIX) and NIK_MADE not in sealed
    assert crypto.seal(NIK_MADE) != sealed  # a fresh nonce each time: equal NIKs do not look equal
    assert crypto.unseal(sealed) == NIK_MADE
    tampered = sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]
    with pytest.raises(crypto.SealError):
        crypto.unseal(tampered)
    assert crypto.lookup_hash(NIK_MADE) == crypto.lookup_hash(NIK_MADE) != crypto.lookup_hash(WEB_NIK)
