"""The bot speaks Indonesian whatever language is active where it runs, and its texts have their
English in the catalogue."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext

from antre.whatsapp import bot
from antre.whatsapp.bot.conversation import MENU
from antre.whatsapp.bot.replies import ROW_DESCRIPTION_MAX, ROW_TITLE_MAX
from antre.whatsapp.models import InboundMessage, OutboxMessage
from antre.whatsapp.tests.test_bot import CITIZEN, row_ids, say, texts


def row_titles(replies) -> list[str]:
    return [
        row["title"]
        for r in replies
        if r["type"] == "interactive" and r["interactive"]["type"] == "list"
        for row in r["interactive"]["action"]["sections"][0]["rows"]
    ]


def test_a_citizen_whose_request_carries_the_english_cookie_is_answered_in_indonesian(
    client, desk, graph, settings
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    menu = say(client, "halo")
    assert "Ambil nomor antrean" in row_titles(menu) and "Take a queue number" not in texts(menu)
    hours = say(client, reply_id="menu:jam")
    assert "Senin" in texts(hours) and "Monday" not in texts(hours)
    say(client, reply_id="menu:antre")
    refused = say(client, reply_id="svc:NOPE")  # a service's refusal, made while answering
    assert "Layanan tidak ditemukan" in texts(refused)


def test_a_reply_made_while_english_is_active_is_indonesian(desk, graph):
    inbound = InboundMessage.objects.create(
        message_id="wamid.EN1", number=desk, wa_id=CITIZEN, kind="text", text="halo", payload={}
    )
    with translation.override("en"):
        assert gettext("Ambil nomor antrean") == "Take a queue number"  # English is really active
        bot.handle(inbound)
    menu = [m.body for m in OutboxMessage.objects.filter(dedupe_key__startswith="reply:wamid.EN1:")]
    assert "Om Swastiastu, selamat datang di" in texts(menu)
    with translation.override("id"):
        assert row_titles(menu) == [str(title) for _key, title, _description in MENU]
    assert "Ambil nomor antrean" in row_titles(menu) and "menu:antre" in row_ids(menu)


def test_the_menu_has_its_english_within_whatsapps_limits():
    with translation.override("en"):
        english = [(str(title), str(description)) for _key, title, description in MENU]
    with translation.override("id"):
        indonesian = [(str(title), str(description)) for _key, title, description in MENU]
    for (title, description), (judul, keterangan) in zip(english, indonesian, strict=True):
        assert title != judul and description != keterangan, f"no English for {judul!r}"
        assert len(title) <= ROW_TITLE_MAX and len(description) <= ROW_DESCRIPTION_MAX
