"""The admin's ticket page: a ticket to look up, in Indonesian like the rest of the admin, showing no
whole NIK and no whole phone number."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from antre.conftest import MADE, NIK_MADE
from antre.queueing.tests.factories import book

PHONE = "081234567890"


@pytest.fixture
def admin_client(staff, monday):
    staff["admin"].is_staff = staff["admin"].is_superuser = True
    staff["admin"].save()
    client = Client()
    client.force_login(staff["admin"])
    return client


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def made_ticket(office, monday):
    return book(office, MADE, phone=PHONE)


def test_the_ticket_page_shows_the_nik_and_phone_masked(admin_client, made_ticket):
    page = admin_client.get(f"/admin/queueing/ticket/{made_ticket.pk}/change/").content.decode()
    assert "5102**********02" in page and "+6281******890" in page  # stored as +62…
    assert NIK_MADE not in page and PHONE[1:] not in page
    assert MADE.name in page and made_ticket.number in page


def test_the_ticket_page_names_every_field_in_indonesian(admin_client, made_ticket):
    page = text(admin_client.get(f"/admin/queueing/ticket/{made_ticket.pk}/change/").content.decode())
    for label in ("Kantor:", "Layanan:", "Nomor HP:", "Dibuat oleh petugas:", "Dipindahkan dari layanan:"):
        assert label in page
    for english in ("Office:", "Service:", "Seq:", "Is priority:", "Transferred from:", "Issued by:"):
        assert english not in page


def test_in_english_the_labels_are_english(admin_client, made_ticket):
    admin_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = text(admin_client.get(f"/admin/queueing/ticket/{made_ticket.pk}/change/").content.decode())
    assert "Office:" in page and "Mobile number:" in page and "Kantor:" not in page
