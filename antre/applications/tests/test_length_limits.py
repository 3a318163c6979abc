"""Every text of an application has a length limit: in the form, the API (and its OpenAPI), the back office."""

from __future__ import annotations

import pytest

from antre.applications import review
from antre.applications.models import Application, AppStatus, StatusChange
from antre.applications.tests.factories import URL, apply, form, step
from antre.queueing.models import Ticket

API = "/api/v1/offices/tabanan/applications"


def test_the_form_refuses_an_address_over_300_characters_and_stores_nothing(client, office):
    page = client.get(URL).content.decode()
    assert 'name="address" maxlength="300"' in page and 'name="name" maxlength="100"' in page
    response = client.post(URL, form() | {"address": "Jl. Gunung Agung " + "x" * 290})  # 307 characters
    assert response.status_code == 422
    assert "Terlalu panjang: paling banyak 300 karakter." in response.content.decode()
    assert Application.objects.count() == 0


def test_the_form_takes_an_address_of_exactly_300_characters(client, office):
    address = "Jl. Gunung Agung " + "x" * 283
    assert len(address) == 300
    assert client.post(URL, form() | {"address": address}).status_code == 302
    assert Application.objects.get().address == address


@pytest.mark.parametrize(
    ("field", "value", "limit"),
    [
        ("address", "x" * 1_000_000, 300),
        ("address", "Jl. " + "x" * 297, 300),
        ("name", "Ni Made " + "a" * 93, 100),
        ("phone", "0812" + "3" * 17, 20),
        ("nik", "5102054507900002" + " " * 9, 24),
    ],
)
def test_the_api_refuses_a_text_over_its_limit_by_name(client, office, field, value, limit):
    data = form() | {"kind": "KK-TAMBAH", "consent": "true", field: value}
    response = client.post(API, data)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_fields"
    assert error["fields"][field] == f"Terlalu panjang: paling banyak {limit} karakter."
    assert Application.objects.count() == 0


def test_the_openapi_says_the_limits(client):
    schema = client.get("/api/v1/openapi.json").json()
    body = schema["paths"]["/api/v1/offices/{office}/applications"]["post"]["requestBody"]["content"]
    fields = body["multipart/form-data"]["schema"]["properties"]
    assert fields["address"]["maxLength"] == 300
    assert fields["name"]["maxLength"] == 100
    assert fields["nik"]["maxLength"] == 24


@pytest.fixture
def in_review(client, office, staff):
    application = apply(client)
    step(application, staff["verifikator"], "claim")
    return application


def test_a_note_over_2000_characters_is_refused_and_kept_on_the_page(client, in_review, staff):
    verifier = client.__class__()
    verifier.force_login(staff["verifikator"])
    url = f"/kantor/permohonan/{in_review.code}/"
    assert 'maxlength="2000"' in verifier.get(url).content.decode()
    note = "Foto akta buram. " * 120  # 2,040 characters
    response = verifier.post(url, {"action": "reject", "note": note})
    page = response.content.decode()
    assert response.status_code == 422
    assert "Terlalu panjang: paling banyak 2000 karakter." in page
    assert note.strip() in page  # what the officer typed is still there to shorten
    in_review.refresh_from_db()
    assert in_review.status == AppStatus.IN_REVIEW
    assert StatusChange.objects.filter(application=in_review).count() == 2  # submitted, claimed


def test_a_delivery_address_over_300_characters_is_refused_and_nothing_is_written(in_review, staff):
    from antre.errors import Refusal

    review.approve_application(code=in_review.code, officer=staff["verifikator"])
    with pytest.raises(Refusal) as refused:
        review.publish(
            code=in_review.code, officer=staff["verifikator"], result="delivery", delivery_address="x" * 301
        )
    assert refused.value.status == 422 and "delivery_address" in refused.value.fields
    in_review.refresh_from_db()
    assert in_review.status == AppStatus.APPROVED and in_review.delivery_address == ""
    assert not Ticket.objects.exists()
