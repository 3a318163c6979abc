"""What the privacy notice promises to forget, and when (#18): `antre purge` and the worker daily."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone

from antre import worker
from antre.cli import main
from antre.queueing.models import Ticket
from antre.queueing.tests.factories import book
from antre.reports import stats
from antre.whatsapp.models import BusinessNumber, Conversation, InboundMessage, OutboxMessage


def test_a_ticket_forgets_its_citizen_after_the_offices_period_and_keeps_what_reports_need(office, capsys):
    ticket = book(office, 1, phone="0812 3456 7890")
    fresh = book(office, 2)
    long_ago = office.local_today() - dt.timedelta(days=91)
    Ticket.objects.filter(pk=ticket.pk).update(day=long_ago)
    before = stats.stats(office, long_ago, long_ago, now=timezone.now())

    assert main(["purge"]) == 0
    assert "1 nomor antrean dianonimkan" in capsys.readouterr().out
    old = Ticket.objects.get(pk=ticket.pk)
    assert (old.name, old.nik, old.phone, old.nik_hash, old.phone_hash) == ("", "", "", "", "")
    assert (old.service, old.kecamatan, old.issued_at) == (ticket.service, "51.02.05", ticket.issued_at)
    assert Ticket.objects.get(pk=fresh.pk).nik == fresh.nik  # within the period: kept
    after = stats.stats(office, long_ago, long_ago, now=timezone.now())
    assert before.total.booked == 1 and before.by_kecamatan
    assert after == before  # the figures do not change
    assert worker.purge()["tickets"] == 0  # done once


def test_the_office_sets_its_own_period(office):
    ticket = book(office, 1)
    Ticket.objects.filter(pk=ticket.pk).update(day=office.local_today() - dt.timedelta(days=31))
    assert worker.purge()["tickets"] == 0
    office.personal_data_days = 30
    office.save()
    assert worker.purge()["tickets"] == 1


def test_whatsapp_messages_are_kept_ninety_days(office):
    number = BusinessNumber.objects.create(office=office, phone_number_id="1100", display_number="0811")
    chat = Conversation.objects.create(number=number, citizen="6281234567890", phone="+6281234567890")
    InboundMessage.objects.create(
        message_id="wamid.1", number=number, wa_id="6281234567890", kind="text", payload={}, conversation=chat
    )
    OutboxMessage.objects.create(dedupe_key="k1", phone_number_id="1100", to="6281234567890", body={})
    chat.last_inbound_at = timezone.now()
    chat.save()
    with time_machine.travel(timezone.now() + dt.timedelta(days=89), tick=False):
        assert worker.purge()["whatsapp"] == 0
    with time_machine.travel(timezone.now() + dt.timedelta(days=91), tick=False):
        assert worker.purge()["whatsapp"] == 3  # the two messages and the conversation
    assert not Conversation.objects.exists()
