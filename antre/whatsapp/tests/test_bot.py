"""Conversations with the bot over the real webhook: from "halo" to a ticket, and to an application."""

from __future__ import annotations

import itertools
import json

from antre.applications.models import Application
from antre.applications.tests.factories import jpeg, pdf
from antre.conftest import NIK_MADE
from antre.offices.models import SessionQuota
from antre.queueing.models import Ticket
from antre.queueing.tests.factories import book
from antre.whatsapp import answering
from antre.whatsapp.models import BusinessNumber, Conversation, OutboxMessage
from antre.whatsapp.tests.test_whatsapp import post

CITIZEN = "6281234567890"
ids = itertools.count(1)


def say(client, text=None, *, reply_id=None, media=None):
    """The citizen sends a message; returns the bot's replies to it, as queued for WhatsApp."""
    message_id = f"wamid.T{next(ids)}"
    message = {"id": message_id, "from": CITIZEN}
    if reply_id:
        message |= {
            "type": "interactive",
            "interactive": {"type": "list_reply", "list_reply": {"id": reply_id, "title": "x"}},
        }
    elif media:
        kind, media_id, filename = media
        message |= {
            "type": kind,
            kind: {"id": media_id, "mime_type": "x", **({"filename": filename} if filename else {})},
        }
    else:
        message |= {"type": "text", "text": {"body": text}}
    payload = {
        "entry": [
            {
                "changes": [
                    {
                        "value": {
                            "metadata": {"phone_number_id": "1100"},
                            "contacts": [{"wa_id": CITIZEN}],
                            "messages": [message],
                        }
                    }
                ]
            }
        ]
    }
    assert post(client, payload).status_code == 200
    return [
        m.body
        for m in OutboxMessage.objects.filter(dedupe_key__startswith=f"reply:{message_id}:").order_by("pk")
    ]


def texts(replies) -> str:
    return json.dumps(replies, ensure_ascii=False)


def row_ids(replies) -> list[str]:
    return [
        row["id"]
        for r in replies
        if r["type"] == "interactive" and r["interactive"]["type"] == "list"
        for row in r["interactive"]["action"]["sections"][0]["rows"]
    ]


def test_from_halo_to_a_booked_ticket(client, desk, graph):
    menu = say(client, "halo")
    assert "menu:antre" in row_ids(menu) and "Om Swastiastu" in texts(menu)
    for reply in menu:  # WhatsApp's limits for lists
        rows = reply["interactive"]["action"]["sections"][0]["rows"]
        assert len(rows) <= 10 and all(len(r["title"]) <= 24 for r in rows)
    services = say(client, reply_id="menu:antre")
    assert "svc:CAPIL" in row_ids(services) and "svc:KK" not in row_ids(
        services
    )  # online-only is not offered
    days = say(client, reply_id="svc:CAPIL")
    say(client, reply_id=row_ids(days)[0])
    say(client, "ni made sari dewi")
    booked = say(client, NIK_MADE)
    ticket = Ticket.objects.get()
    assert (
        ticket.channel == "whatsapp" and ticket.phone == f"+{CITIZEN}" and ticket.name == "Ni Made Sari Dewi"
    )
    assert ticket.number in texts(booked) and f"/tiket/{ticket.token}/" in texts(booked)
    assert Conversation.objects.get().ticket == ticket
    # The chat's answer is the one message about the booking: the booked template is not sent too.
    assert not OutboxMessage.objects.filter(template="antre_tiket").exists()


def test_a_bad_nik_is_explained_and_can_be_typed_again(client, desk, graph):
    say(client, "halo")
    say(client, reply_id="menu:antre")
    days = say(client, reply_id="svc:LEGAL")
    say(client, reply_id=row_ids(days)[0])
    say(client, "Budi Santoso")
    refused = say(client, "1234")
    assert "NIK harus 16 digit angka." in texts(refused)
    say(client, NIK_MADE)
    assert Ticket.objects.count() == 1


def test_from_halo_to_a_submitted_application_with_documents(client, desk, graph, settings):
    graph.media["MEDIA-KK"] = pdf()
    graph.media["MEDIA-POLISI"] = jpeg()
    say(client, "halo")
    groups = say(client, reply_id="menu:ajukan")
    assert "grp:KTP" in row_ids(groups)
    kinds = say(client, reply_id="grp:KTP")
    assert "kind:KTP-HILANG" in row_ids(kinds)
    say(client, reply_id="kind:KTP-HILANG")
    say(client, NIK_MADE)
    say(client, "Ni Made Sari Dewi")
    say(client, "Jl. Gunung Agung No. 5, Banjar Delod Peken")
    ask_kk = say(client, "Sudimara")
    assert "Kartu Keluarga" in texts(ask_kk)
    ask_police = say(client, media=("document", "MEDIA-KK", "kk.pdf"))
    assert "kepolisian" in texts(ask_police)
    consent = say(client, media=("image", "MEDIA-POLISI", None))
    assert consent[0]["interactive"]["type"] == "button" and "UU 27/2022" in texts(consent)
    done = say(client, "setuju")
    application = Application.objects.get()
    assert application.channel == "whatsapp" and application.kind.code == "KTP-HILANG"
    assert sorted(application.documents.values_list("requirement__code", flat=True)) == ["kk", "polisi"]
    assert application.code in texts(done)
    from antre.applications.storage import transit

    assert transit().names() == []  # the received copies are gone


def test_an_application_by_chat_goes_on_through_another_machine(client, desk, graph, settings, tmp_path):
    # PostgreSQL, several machines: each message may reach another one (its own data dir); the
    # documents received so far wait in the database, not on the machine that took them.
    import shutil

    import pytest
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("one machine on SQLite: its folder")
    graph.media["MEDIA-KK"] = pdf()
    graph.media["MEDIA-POLISI"] = jpeg()
    settings.DATA_DIR = tmp_path / "machine-a"
    say(client, "halo")
    say(client, reply_id="menu:ajukan")
    say(client, reply_id="grp:KTP")
    say(client, reply_id="kind:KTP-HILANG")
    for text in (NIK_MADE, "Ni Made Sari Dewi", "Jl. Gunung Agung No. 5, Banjar Delod Peken", "Sudimara"):
        say(client, text)
    say(client, media=("document", "MEDIA-KK", "kk.pdf"))
    settings.DATA_DIR = tmp_path / "machine-b"  # the next messages reach machine B
    say(client, media=("image", "MEDIA-POLISI", None))
    shutil.rmtree(tmp_path / "machine-b", ignore_errors=True)  # machine A never sees B's disk
    settings.DATA_DIR = tmp_path / "machine-a"
    say(client, "setuju")
    application = Application.objects.get()
    assert sorted(application.documents.values_list("requirement__code", flat=True)) == ["kk", "polisi"]


def test_talk_to_an_officer_stops_the_bot(client, desk, graph):
    say(client, "halo")
    say(client, reply_id="menu:petugas")
    assert say(client, "Saya ingin bertanya soal akta") == []  # the bot keeps quiet; the inbox shows it
    assert Conversation.objects.get().needs_officer


def test_a_message_whose_answer_failed_is_acknowledged_and_answered_on_the_next_turn(client, desk, graph):
    from unittest import mock

    from antre.whatsapp import bot

    message_id = "wamid.CRASH"
    payload = {
        "entry": [
            {
                "changes": [
                    {
                        "value": {
                            "metadata": {"phone_number_id": "1100"},
                            "contacts": [{"wa_id": CITIZEN}],
                            "messages": [
                                {"id": message_id, "from": CITIZEN, "type": "text", "text": {"body": "halo"}}
                            ],
                        }
                    }
                ]
            }
        ]
    }
    with mock.patch.object(bot, "handle", side_effect=RuntimeError("bug")):
        assert post(client, payload).status_code == 200  # stored: Meta need not wait or retry
    assert not OutboxMessage.objects.filter(dedupe_key__startswith=f"reply:{message_id}:").exists()
    assert post(client, payload).status_code == 200  # Meta's repeat is stored once, not answered twice
    assert answering.answer_waiting() == 0  # answered on the answerer's turn within the repeat
    assert OutboxMessage.objects.filter(dedupe_key__startswith=f"reply:{message_id}:").count() == 1


def test_a_message_the_bot_keeps_failing_on_is_left_and_the_chat_goes_on(client, desk, graph):
    from unittest import mock

    from antre.whatsapp import bot

    with mock.patch.object(bot, "handle", side_effect=RuntimeError("bug")):
        for _turn in range(answering.TRIES):
            assert not say(client, "halo")
    assert say(client, "halo")  # the next message is answered: the failing one no longer holds the chat


def test_a_typed_day_that_was_not_offered_is_refused_without_breaking_the_chat(client, desk, graph):
    say(client, "halo")
    say(client, reply_id="menu:antre")
    say(client, reply_id="svc:CAPIL")
    assert "Pilih tanggal dari daftar" in texts(say(client, "day:2026-02-31"))
    assert "Om Swastiastu" in texts(say(client, "menu"))


def test_menu_brings_the_bot_back_after_asking_for_an_officer(client, desk, graph):
    say(client, "halo")
    say(client, reply_id="menu:petugas")
    say(client, "menu")
    assert "Jam layanan" in texts(say(client, reply_id="menu:jam"))


def test_a_document_that_cannot_be_fetched_is_asked_for_again(client, desk, graph):
    graph.media["MEDIA-KK"] = pdf()
    say(client, "halo")
    say(client, reply_id="menu:ajukan")
    say(client, reply_id="grp:KTP")
    say(client, reply_id="kind:KTP-HILANG")
    for answer in (NIK_MADE, "Ni Made Sari Dewi", "Banjar Delod Peken", "Sudimara"):
        say(client, answer)
    missing = say(client, media=("document", "MEDIA-GONE", "kk.pdf"))  # Meta no longer has it
    assert "tidak dapat diambil" in texts(missing)
    assert "kepolisian" in texts(say(client, media=("document", "MEDIA-KK", "kk.pdf")))  # the chat goes on


def test_the_ticket_link_sent_after_booking_by_chat_is_public(client, desk, graph, settings):
    public = "https://antrean.tabanankab.go.id"
    settings.PUBLIC_URL = public
    say(client, "halo")
    say(client, reply_id="menu:antre")
    days = say(client, reply_id="svc:CAPIL")
    say(client, reply_id=row_ids(days)[0])
    say(client, "ni made sari dewi")
    booked = say(client, NIK_MADE)
    ticket = Ticket.objects.get()
    assert f"{public}/tiket/{ticket.token}/" in texts(booked)
    listed = say(client, reply_id="menu:cek_tiket")
    assert f"{public}/tiket/{ticket.token}/" in texts(listed) and "localhost" not in texts(listed)


def test_a_booking_by_chat_takes_the_first_session_with_room_and_says_which(client, office, monday, graph):
    """At the demo office on office hours: its morning session is full, so the chat's booking (which
    asks for no session) lands in the next one, and the confirmation names it."""
    BusinessNumber.objects.create(office=office, phone_number_id="1100", display_number="0811-3900-100")
    morning = SessionQuota.objects.get(session__name="Pagi I", service__code="CAPIL")
    morning.quota = 1
    morning.save()
    book(office, 1, service="CAPIL", now=monday)
    say(client, "halo")
    say(client, reply_id="menu:antre")
    days = say(client, reply_id="svc:CAPIL")
    assert row_ids(days)[0] == f"day:{monday.date().isoformat()}"
    say(client, reply_id=row_ids(days)[0])
    say(client, "ni made sari dewi")
    booked = texts(say(client, NIK_MADE))
    ticket = Ticket.objects.with_nik(NIK_MADE).get()
    assert ticket.session.starts.hour == 10
    assert f"Nomor antrean Anda *{ticket.number}* untuk " in booked
    assert ", sesi 10.00–12.00 WITA." in booked
    # A web booking with a phone is told by the booked template, which carries the session too.
    web = book(office, 2, service="CAPIL", now=monday, phone="081234567890")
    (message,) = OutboxMessage.objects.filter(dedupe_key=f"ticket:{web.token}:booked")
    parameters = [p["text"] for p in message.body["template"]["components"][0]["parameters"]]
    assert parameters[2].endswith(", sesi 10.00–12.00 WITA")


def test_a_posters_prefilled_message_tags_the_ticket_booked_in_that_conversation(client, desk, graph):
    menu = say(client, "ANTRE desa-5102052001")  # from the wa.me link on Sudimara's poster
    assert "menu:antre" in row_ids(menu)
    say(client, reply_id="menu:antre")
    days = say(client, reply_id="svc:CAPIL")
    say(client, reply_id=row_ids(days)[0])
    say(client, "ni made sari dewi")
    say(client, NIK_MADE)
    assert Ticket.objects.get().source == "desa-5102052001"


def test_a_strange_tag_in_the_first_message_is_ignored(client, desk, graph):
    say(client, "ANTRE <b>x</b>")
    assert Conversation.objects.get().source == ""
