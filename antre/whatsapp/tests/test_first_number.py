"""WhatsApp answers out of the box: a number not yet mapped in the admin becomes the general desk."""

from __future__ import annotations

import threading

import pytest
from django.db import connections
from django.test import Client

from antre.whatsapp import webhook
from antre.whatsapp.models import BusinessNumber, Desk, InboundMessage, OutboxMessage
from antre.whatsapp.tests.test_whatsapp import SECRET, delivery, post


@pytest.fixture(autouse=True)
def whatsapp_settings(settings):
    settings.WHATSAPP = {
        "api_base": "http://127.0.0.1:9/none",
        "token": "tok",
        "app_secret": SECRET,
        "verify_token": "v",
    }


def first_delivery(message_id="wamid.FIRST", sender="6281234567890"):
    body = delivery(message_id=message_id, sender=sender)
    body["entry"][0]["changes"][0]["value"]["metadata"] = {
        "phone_number_id": "1100",
        "display_phone_number": "6281139001000",
    }
    return body


def test_a_halo_to_a_number_not_in_the_admin_yet_is_answered_by_the_general_desk(client, office):
    assert not BusinessNumber.objects.exists()
    assert post(client, first_delivery()).status_code == 200
    number = BusinessNumber.objects.get()
    assert (number.office, number.desk, number.phone_number_id, number.display_number) == (
        office,
        Desk.GENERAL,
        "1100",
        "6281139001000",
    )
    assert number.added_automatically
    reply = OutboxMessage.objects.get()
    assert (reply.phone_number_id, reply.to) == ("1100", "6281234567890")
    assert "Om Swastiastu" in str(reply.body)
    # The next message finds the number; nothing is added twice.
    post(client, first_delivery(message_id="wamid.SECOND"))
    assert BusinessNumber.objects.count() == 1 and OutboxMessage.objects.count() == 2


def test_a_delivery_with_only_statuses_adds_no_number(client, office):
    body = first_delivery()
    value = body["entry"][0]["changes"][0]["value"]
    del value["messages"]
    value["statuses"] = [{"id": "wamid.OUT1", "status": "delivered"}]
    assert post(client, body).status_code == 200
    assert not BusinessNumber.objects.exists()


def test_the_admin_lists_numbers_added_automatically_with_the_flag(client, office, staff):
    post(client, first_delivery())
    BusinessNumber.objects.create(office=office, phone_number_id="2200", display_number="0811-3900-200")
    admin = Client()
    staff["admin"].is_staff = staff["admin"].is_superuser = True
    staff["admin"].save()
    admin.force_login(staff["admin"])
    page = admin.get("/admin/whatsapp/businessnumber/").content.decode()
    assert "Ditambahkan otomatis" in page and "6281139001000" in page and "0811-3900-200" in page
    flagged = admin.get("/admin/whatsapp/businessnumber/?added_automatically__exact=1").content.decode()
    assert "6281139001000" in flagged and "0811-3900-200" not in flagged


@pytest.mark.django_db(transaction=True)
def test_two_first_messages_at_once_make_one_number_and_both_are_answered(office, monkeypatch):
    # Both requests have looked for the number and not found it before either adds it.
    both_looked = threading.Barrier(2, timeout=20)
    first_office = webhook._first_office

    def after_both_looked():
        both_looked.wait()
        return first_office()

    monkeypatch.setattr(webhook, "_first_office", after_both_looked)
    statuses = []

    def citizen(i: int) -> None:
        try:
            response = post(Client(), first_delivery(message_id=f"wamid.RACE{i}", sender=f"62812345678{i}0"))
            statuses.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=citizen, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert statuses == [200, 200]
    assert BusinessNumber.objects.count() == 1
    assert InboundMessage.objects.filter(number__isnull=False).count() == 2
    assert set(OutboxMessage.objects.values_list("to", flat=True)) == {"6281234567800", "6281234567810"}
