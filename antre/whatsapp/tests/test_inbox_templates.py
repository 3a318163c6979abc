"""Outside the 24-hour window an officer sends an approved template, its parameters filled in from
the linked ticket, checked before it is queued."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from antre.queueing.tests.factories import book
from antre.whatsapp import outbox
from antre.whatsapp.models import Conversation, OutboxMessage
from antre.whatsapp.tests.test_bot import say


def quiet_chat(client, desk):
    """A citizen who wrote 25 hours ago, their chat linked to today's ticket."""
    say(client, "halo")
    chat = Conversation.objects.get()
    chat.ticket = book(desk.office, 3, phone="081234567890")
    chat.last_inbound_at = timezone.now() - dt.timedelta(hours=25)
    chat.save()
    return chat


def officer_of(client, staff):
    officer = client.__class__()
    officer.force_login(staff["verifikator"])
    return officer


def test_outside_24_hours_an_officer_sends_the_ticket_link_template_filled_in(client, desk, graph, staff):
    chat = quiet_chat(client, desk)
    officer = officer_of(client, staff)
    page = officer.get(f"/kantor/whatsapp/{chat.pk}/").content.decode()
    assert "Kirim templat resmi" in page and f'value="{chat.ticket.number}"' in page
    assert f"/tiket/{chat.ticket.token}/" in page  # the ticket's link, filled in
    link = f"https://antre.example/tiket/{chat.ticket.token}/"
    officer.post(
        f"/kantor/whatsapp/{chat.pk}/",
        {
            "action": "template",
            "template": "antre_tautan_tiket",
            "p-number": chat.ticket.number,
            "p-day": "Senin, 7 Desember 2026",
            "p-link": link,
        },
    )
    queued = OutboxMessage.objects.get(conversation=chat, by=staff["verifikator"])
    assert queued.template == "antre_tautan_tiket"
    assert outbox.deliver_due(now=timezone.now() + dt.timedelta(seconds=1)) >= 1
    sent = next(
        r["body"] for r in graph.accepted if r["body"].get("template", {}).get("name") == "antre_tautan_tiket"
    )
    assert sent["to"] == "6281234567890"
    params = [p["text"] for p in sent["template"]["components"][0]["parameters"]]
    assert params == [chat.ticket.number, "Senin, 7 Desember 2026", link]


def test_a_template_with_an_empty_or_multi_line_parameter_is_refused_and_kept(client, desk, graph, staff):
    chat = quiet_chat(client, desk)
    officer = officer_of(client, staff)
    before = OutboxMessage.objects.count()
    response = officer.post(
        f"/kantor/whatsapp/{chat.pk}/",
        {"action": "template", "template": "antre_permohonan", "p-code": "", "p-status": "Selesai\ndiambil"},
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "Wajib diisi." in page and "Satu baris saja" in page
    assert OutboxMessage.objects.count() == before
    unknown = officer.post(f"/kantor/whatsapp/{chat.pk}/", {"action": "template", "template": "promo"})
    assert "Pilih templat dari daftar." in unknown.content.decode()
    assert OutboxMessage.objects.count() == before


def test_only_back_office_staff_send_templates(client, desk, graph, staff):
    chat = quiet_chat(client, desk)
    guard = client.__class__()
    guard.force_login(staff["satpam"])
    answer = guard.post(
        f"/kantor/whatsapp/{chat.pk}/",
        {
            "action": "template",
            "template": "antre_tiket",
            "p-number": "A-001",
            "p-service": "x",
            "p-when": "y",
        },
    )
    assert answer.status_code == 403
    assert not OutboxMessage.objects.filter(template="antre_tiket", conversation=chat).exists()
