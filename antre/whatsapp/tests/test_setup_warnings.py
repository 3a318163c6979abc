"""WhatsApp half set up: nothing is sent without a token, nothing is lost, and the admin says why."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from antre.queueing.tests.factories import book
from antre.whatsapp import outbox
from antre.whatsapp.models import OutboxMessage, OutboxStatus
from antre.whatsapp.tests.test_whatsapp import SECRET

NO_TOKEN = "ANTRE_WHATSAPP_TOKEN belum diatur, jadi tidak ada pesan WhatsApp yang dikirim."


@pytest.fixture
def admin_client(staff):
    staff["admin"].is_staff = staff["admin"].is_superuser = True
    staff["admin"].save()
    client = Client()
    client.force_login(staff["admin"])
    return client


def test_without_a_token_nothing_is_posted_and_the_messages_wait_for_one(graph, desk, settings):
    settings.WHATSAPP = settings.WHATSAPP | {"token": ""}
    book(desk.office, phone="081234567890")
    later = timezone.now() + dt.timedelta(minutes=5)
    assert outbox.deliver_due(now=later) == 0
    assert graph.received == []  # no request with an empty bearer token
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts, message.last_error) == (OutboxStatus.PENDING, 0, "")
    settings.WHATSAPP = settings.WHATSAPP | {"token": "tok"}
    assert outbox.deliver_due(now=later) == 1
    assert graph.accepted[0]["auth"] == "Bearer tok"


def test_the_whatsapp_admin_pages_say_why_nothing_is_sent(admin_client, desk, settings):
    settings.WHATSAPP = {
        "api_base": "http://127.0.0.1:9/none",
        "token": "",
        "app_secret": SECRET,
        "verify_token": "",
    }
    for page in (
        "/admin/whatsapp/outboxmessage/",
        "/admin/whatsapp/businessnumber/",
        f"/admin/whatsapp/businessnumber/{desk.pk}/change/",
    ):
        assert NO_TOKEN in admin_client.get(page).content.decode(), page
    admin_client.cookies["django_language"] = "en"
    english = admin_client.get("/admin/whatsapp/outboxmessage/").content.decode()
    assert "ANTRE_WHATSAPP_TOKEN is not set, so no WhatsApp message is sent." in english
    settings.WHATSAPP = settings.WHATSAPP | {"token": "tok"}
    admin_client.cookies["django_language"] = "id"
    assert NO_TOKEN not in admin_client.get("/admin/whatsapp/outboxmessage/").content.decode()


def test_the_whatsapp_admin_pages_say_when_links_would_point_nowhere(admin_client, desk, settings):
    settings.WHATSAPP = {
        "api_base": "http://127.0.0.1:9/none",
        "token": "tok",
        "app_secret": SECRET,
        "verify_token": "",
    }
    settings.PUBLIC_URL = ""
    assert (
        "ANTRE_PUBLIC_URL belum diatur"
        in admin_client.get("/admin/whatsapp/businessnumber/").content.decode()
    )
    settings.PUBLIC_URL = "https://antrean.tabanankab.go.id"
    assert (
        "ANTRE_PUBLIC_URL belum diatur"
        not in admin_client.get("/admin/whatsapp/businessnumber/").content.decode()
    )


def test_news_of_a_day_gone_by_is_not_sent_when_the_token_comes_late(graph, desk, settings):
    """Set up days later, the office must not tell citizens to come in by 08.10 yesterday."""
    settings.WHATSAPP = settings.WHATSAPP | {"token": ""}
    book(desk.office, phone="081234567890")
    settings.WHATSAPP = settings.WHATSAPP | {"token": "tok"}
    days_later = timezone.now() + dt.timedelta(days=3)
    assert outbox.deliver_due(now=days_later) == 0
    assert graph.received == []
    message = OutboxMessage.objects.get()
    assert message.status == OutboxStatus.FAILED and "kedaluwarsa" in message.last_error
