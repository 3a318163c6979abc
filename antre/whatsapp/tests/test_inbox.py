"""The officer inbox: the conversation, replies with text and documents, links, and the 24-hour window."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from antre.applications.storage import transit
from antre.applications.tests.factories import pdf
from antre.whatsapp import outbox
from antre.whatsapp.models import Conversation, OutboxMessage
from antre.whatsapp.tests.test_bot import say


def test_an_officer_answers_with_text_and_a_document(
    client, desk, graph, staff, django_capture_on_commit_callbacks
):
    say(client, "halo")
    say(client, reply_id="menu:petugas")
    say(client, "Bagaimana cara mengurus akta kematian?")
    chat = Conversation.objects.get()
    officer = client.__class__()
    officer.force_login(staff["verifikator"])
    listing = officer.get("/kantor/whatsapp/").content.decode()
    assert "minta petugas" in listing and "+6281234567890" in listing
    page = officer.get(f"/kantor/whatsapp/{chat.pk}/").content.decode()
    assert "Bagaimana cara mengurus akta kematian?" in page
    officer.post(f"/kantor/whatsapp/{chat.pk}/", {"action": "assign"})
    officer.post(
        f"/kantor/whatsapp/{chat.pk}/",
        {
            "action": "reply",
            "text": "Silakan ajukan lewat menu Permohonan daring.",
            "document": SimpleUploadedFile("syarat-akta.pdf", pdf()),
        },
    )
    chat.refresh_from_db()
    assert chat.assigned_to == staff["verifikator"]
    sent = OutboxMessage.objects.filter(conversation=chat, by=staff["verifikator"])
    assert sent.count() == 2
    # The file waits in the storage every machine shares (the database on PostgreSQL): the worker
    # that sends it may run elsewhere. Once WhatsApp has it, it is gone.
    stored = next(m.body["document"]["stored"] for m in sent if m.body["type"] == "document")
    assert transit().exists(stored)
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.deliver_due(now=timezone.now() + dt.timedelta(seconds=1)) >= 2
    document = next(r for r in graph.accepted if r["body"].get("type") == "document")
    assert document["body"]["document"]["id"].startswith("media.") and graph.uploads[0].count(b"%PDF") == 1
    assert not transit().exists(stored)
    assert any(r["body"].get("text", {}).get("body", "").startswith("Silakan ajukan") for r in graph.accepted)


def test_outside_24_hours_only_templates_are_allowed(client, desk, graph, staff):
    say(client, "halo")
    chat = Conversation.objects.get()
    Conversation.objects.filter(pk=chat.pk).update(last_inbound_at=timezone.now() - dt.timedelta(hours=25))
    officer = client.__class__()
    officer.force_login(staff["verifikator"])
    assert "hanya mengizinkan templat resmi" in officer.get(f"/kantor/whatsapp/{chat.pk}/").content.decode()
    before = OutboxMessage.objects.count()
    response = officer.post(f"/kantor/whatsapp/{chat.pk}/", {"action": "reply", "text": "Halo?"}, follow=True)
    assert "hanya mengizinkan templat resmi" in response.content.decode()
    assert OutboxMessage.objects.count() == before


def test_a_conversation_is_linked_to_an_application_or_a_ticket(client, desk, graph, staff):
    from antre.queueing.tests.factories import book

    say(client, "halo")
    chat = Conversation.objects.get()
    ticket = book(desk.office, 3)
    officer = client.__class__()
    officer.force_login(staff["verifikator"])
    officer.post(f"/kantor/whatsapp/{chat.pk}/", {"action": "link", "ref": ticket.number})
    chat.refresh_from_db()
    assert chat.ticket == ticket
    wrong = officer.post(f"/kantor/whatsapp/{chat.pk}/", {"action": "link", "ref": "ZZZZ9999"}, follow=True)
    assert "tidak ditemukan" in wrong.content.decode()


def test_the_inbox_is_for_back_office_staff(client, desk, graph, staff):
    say(client, "halo")
    chat = Conversation.objects.get()
    for who in ("petugas", "satpam"):
        other = client.__class__()
        other.force_login(staff[who])
        assert other.get("/kantor/whatsapp/").status_code == 403
        assert other.get(f"/kantor/whatsapp/{chat.pk}/").status_code == 403
    assert client.__class__().get("/kantor/whatsapp/").status_code == 302


def test_a_reply_too_long_for_whatsapp_is_refused_and_kept_to_split(client, desk, graph, staff):
    say(client, "halo")
    chat = Conversation.objects.get()
    officer = client.__class__()
    officer.force_login(staff["verifikator"])
    before = OutboxMessage.objects.count()
    text = "Persyaratan akta kelahiran: " + "surat keterangan lahir dari bidan; " * 120
    assert len(text) > 4096
    response = officer.post(f"/kantor/whatsapp/{chat.pk}/", {"action": "reply", "text": text})
    page = response.content.decode()
    assert response.status_code == 422
    assert "Terlalu panjang: paling banyak 4096 karakter." in page and 'maxlength="4096"' in page
    assert text.strip() in page  # what the officer wrote is still there
    assert OutboxMessage.objects.count() == before
    link = officer.post(f"/kantor/whatsapp/{chat.pk}/", {"action": "link", "ref": "A-001" * 10})
    assert link.status_code == 422 and "Terlalu panjang: paling banyak 20 karakter." in link.content.decode()
