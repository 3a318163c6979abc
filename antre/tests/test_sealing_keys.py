"""The keys of personal data (#18): rows written before sealing are sealed by the migration, and
`antre rotate-key` seals everything again under a new key while what the old one sealed still opens."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from antre import crypto
from antre.cli import main
from antre.conftest import NIK_MADE
from antre.queueing.models import Ticket
from antre.queueing.tests.factories import book
from antre.whatsapp.models import Conversation, InboundMessage

BEFORE = [("queueing", "0014_ticket_source"), ("whatsapp", "0007_conversation_source")]
AFTER = [("queueing", "0015_sealed_personal_data"), ("whatsapp", "0008_sealed_personal_data")]


def _raw(table: str, column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {connection.ops.quote_name(column)} FROM {table} ORDER BY id")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_sealing_are_sealed_by_the_migration(office):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    service = old.get_model("offices", "Service").objects.get(office_id=office.pk, code="CAPIL")
    old.get_model("queueing", "Ticket").objects.create(
        token="t" * 32, office_id=office.pk, service_id=service.pk, day=office.local_today(), seq=1,
        number="D-001", name="Ni Made Sari Dewi", nik=NIK_MADE, phone="+6281234567890",
    )  # fmt: skip
    number = old.get_model("whatsapp", "BusinessNumber").objects.create(
        office_id=office.pk, phone_number_id="1100", display_number="0811"
    )
    chat = old.get_model("whatsapp", "Conversation").objects.create(
        number=number, citizen="6281234567890", phone="+6281234567890", state={"nik": NIK_MADE}
    )
    old.get_model("whatsapp", "InboundMessage").objects.create(
        message_id="wamid.1", number=number, wa_id="6281234567890", kind="text", text=NIK_MADE,
        conversation=chat, payload={"from": "6281234567890", "text": {"body": NIK_MADE}, "type": "text"},
    )  # fmt: skip

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    for table, column in [
        ("queueing_ticket", "nik"), ("queueing_ticket", "phone"), ("whatsapp_conversation", "citizen"),
        ("whatsapp_conversation", "state"), ("whatsapp_inboundmessage", "text"),
        ("whatsapp_inboundmessage", "payload"), ("whatsapp_inboundmessage", "wa_id"),
    ]:  # fmt: skip
        (value,) = _raw(table, column)
        assert crypto.is_sealed(value) and "81234567890" not in value and NIK_MADE not in value, (
            table,
            column,
        )
    ticket = Ticket.objects.with_nik(NIK_MADE).get()
    assert (ticket.phone, ticket.kecamatan) == ("+6281234567890", "51.02.05")
    assert Ticket.objects.with_phone("+6281234567890").get() == ticket
    conversation = Conversation.objects.get(citizen_hash=crypto.lookup_hash("6281234567890"))
    assert conversation.state == {"nik": NIK_MADE}
    # Of the message's payload only what a conversation reads back is kept.
    assert InboundMessage.objects.get().payload == {"type": "text"}


def test_rotating_the_key_seals_everything_again_and_old_values_still_open(db, office, capsys):
    ticket = book(office, 1, phone="0812 3456 7890")
    (before,) = _raw("queueing_ticket", "phone")
    old_key = crypto.primary_name()
    sealed_before = crypto.seal("51020")  # what an old backup holds

    assert main(["rotate-key"]) == 0
    assert "disegel ulang" in capsys.readouterr().out
    new_key = crypto.primary_name()
    assert new_key != old_key
    (after,) = _raw("queueing_ticket", "phone")
    assert after != before and after.startswith(f"{crypto.PREFIX}{new_key}:")
    assert Ticket.objects.get(pk=ticket.pk).phone == "+6281234567890"
    assert Ticket.objects.with_nik(ticket.nik).get() == ticket  # the look-up hashes do not change
    assert crypto.unseal(sealed_before) == "51020"
    assert set(json.loads(crypto.keys_file().read_text())["keys"]) >= {old_key, new_key}
