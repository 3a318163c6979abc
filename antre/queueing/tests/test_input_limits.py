"""Every text field of a booking has a length limit: in the form, in the API schema (so the OpenAPI
says it) and below the column; too long is a 422 naming the field, and nothing is written."""

from __future__ import annotations

import re

import pytest

from antre.conftest import MONDAY, NIK_MADE
from antre.queueing.models import IdempotencyKey, Ticket

pytestmark = pytest.mark.usefixtures("monday")

BOOK = "/api/v1/offices/tabanan/tickets"
FORM = "/k/tabanan/layanan/CAPIL/"
LIMITS = {"service": 20, "name": 100, "nik": 24, "phone": 20, "channel": 10, "priority": 10}


@pytest.mark.parametrize(("field", "limit"), LIMITS.items())
def test_a_booking_field_over_its_limit_is_a_422_that_names_it(client, office, field, limit):
    body = {"service": "CAPIL", "name": "Ni Made Sari Dewi", "nik": NIK_MADE} | {field: "9" * (limit + 1)}
    response = client.post(BOOK, body, content_type="application/json")
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid_fields"
    assert error["fields"] == {field: f"Terlalu panjang: paling banyak {limit} karakter."}
    assert Ticket.objects.count() == 0


def test_a_field_at_its_limit_is_still_read(client, office):
    name = "I Gusti Ayu " + "Sari " * 17 + "Dwi"  # 100 characters: long, but a name
    assert len(name) == 100
    nik = "51.02.05.450790.0002"  # the 16 digits with dots, as some people type them
    body = {"service": "CAPIL", "name": name, "nik": nik, "phone": "+62 812-3456-7890"}
    assert client.post(BOOK, body, content_type="application/json").status_code == 201


def test_the_openapi_document_states_the_limits(client, office):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    ticket_in = schemas["TicketIn"]["properties"]
    assert ticket_in["name"]["maxLength"] == 100 and ticket_in["service"]["maxLength"] == 20
    assert ticket_in["nik"]["maxLength"] == 24
    phone = ticket_in["phone"].get("maxLength") or ticket_in["phone"]["anyOf"][0]["maxLength"]
    assert phone == 20
    assert schemas["EntryIn"]["properties"]["ticket"]["maxLength"] == 200


def test_the_booking_form_stops_typing_at_the_limits(client, office):
    page = client.get(FORM).content.decode()
    limits = dict(re.findall(r'name="(name|nik|phone)"[^>]*maxlength="(\d+)"', page))
    assert limits == {"name": "100", "nik": "24", "phone": "20"}


def test_the_booking_form_refuses_a_name_too_long_and_keeps_what_was_typed(client, office):
    response = client.post(
        FORM, {"date": MONDAY.isoformat(), "name": "A" * 101, "nik": NIK_MADE, "form_id": "form-long"}
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "Terlalu panjang: paling banyak 100 karakter." in page
    assert f'value="{NIK_MADE}"' in page
    assert Ticket.objects.count() == 0


def test_a_form_key_longer_than_its_column_still_books_once(client, office):
    """The form's hidden key is the booking's Idempotency-Key; edited to 500 characters, it no
    longer fits its column (a 500 on PostgreSQL), yet a double tap must still book once."""
    data = {"date": MONDAY.isoformat(), "name": "Ni Made Sari Dewi", "nik": NIK_MADE, "form_id": "f" * 500}
    first, second = client.post(FORM, data), client.post(FORM, data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert Ticket.objects.count() == 1
    assert len(IdempotencyKey.objects.get().key) <= IdempotencyKey._meta.get_field("key").max_length
