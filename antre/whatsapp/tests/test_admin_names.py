"""The WhatsApp tables in the admin speak Indonesian first, like the rest of it."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from antre.queueing.tests.factories import book


@pytest.fixture
def admin_client(staff):
    staff["admin"].is_staff = staff["admin"].is_superuser = True
    staff["admin"].save()
    client = Client()
    client.force_login(staff["admin"])
    return client


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_admin_names_the_outbox_and_its_columns_in_indonesian(admin_client, desk):
    book(desk.office, phone="081234567890")  # a message waits in the outbox
    index = text(admin_client.get("/admin/").content.decode())
    assert "Pesan keluar" in index
    assert "Outbox messages" not in index
    outbox = text(admin_client.get("/admin/whatsapp/outboxmessage/").content.decode())
    assert "Pilih pesan keluar untuk diubah" in outbox or "Pilih pesan keluar untuk dilihat" in outbox
    for column in ("Kunci pemberitahuan", "Status", "Jumlah percobaan", "Percobaan berikutnya", "Terkirim"):
        assert column in outbox
    assert "Dedupe key" not in outbox and "Next attempt at" not in outbox


def test_every_field_of_the_message_tables_is_named_for_translation():
    from django.utils.functional import Promise

    from antre.whatsapp.models import InboundMessage, OutboxMessage

    for model in (InboundMessage, OutboxMessage):
        assert isinstance(model._meta.verbose_name_plural, Promise)
        for field in model._meta.fields:
            # Without a name of its own, Django shows the English attribute ("next attempt at").
            assert field.name == "id" or isinstance(field.verbose_name, Promise), (
                f"{model.__name__}.{field.name}"
            )


def test_in_english_they_are_outbox_and_inbound_messages(admin_client, desk):
    book(desk.office, phone="081234567890")
    admin_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    index = text(admin_client.get("/admin/").content.decode())
    assert "Outbox messages" in index and "Pesan keluar" not in index
    outbox = text(admin_client.get("/admin/whatsapp/outboxmessage/").content.decode())
    assert "Next attempt" in outbox
