"""Sessions in the HTTP API: asked for by their start, shown on the ticket, listed with the places
left today, refused with the next place with room."""

from __future__ import annotations

import datetime as dt

import pytest

from antre.conftest import MONDAY, NIK_KETUT, NIK_MADE, nik_for, wita
from antre.offices.models import Session, SessionQuota

pytestmark = pytest.mark.usefixtures("monday")  # the clock on Monday morning (09.00) of the test week

CAPIL_SESSIONS = [
    {"starts": "08:00", "ends": "10:00", "name": "Pagi I"},
    {"starts": "10:00", "ends": "12:00", "name": "Pagi II"},
    {"starts": "13:00", "ends": "15:00", "name": "Siang"},
]


def post_ticket(client, body, **headers):
    return client.post(
        "/api/v1/offices/tabanan/tickets", body, content_type="application/json", headers=headers
    )


def services(client) -> dict[str, dict]:
    return {s["code"]: s for s in client.get("/api/v1/offices/tabanan/services").json()}


def test_the_booking_answer_and_the_ticket_name_the_session(client, office):
    response = post_ticket(client, {"service": "CAPIL", "name": "Ni Made Sari Dewi", "nik": NIK_MADE})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["session"] == {"name": "Pagi I", "starts": "08:00", "ends": "10:00"}  # 09.00: running now
    assert client.get(f"/api/v1/tickets/{body['id']}").json()["session"] == body["session"]
    asked = post_ticket(
        client, {"service": "CAPIL", "name": "I Ketut Arsana", "nik": NIK_KETUT, "session": "13:00"}
    ).json()
    assert asked["session"] == {"name": "Siang", "starts": "13:00", "ends": "15:00"}


def test_a_full_session_is_a_409_naming_the_next_one(client, office):
    SessionQuota.objects.filter(session__starts=dt.time(8), service__code="CAPIL").update(quota=1)
    post_ticket(
        client, {"service": "CAPIL", "name": "Ni Made Sari Dewi", "nik": NIK_MADE, "session": "08:00"}
    )
    response = post_ticket(
        client, {"service": "CAPIL", "name": "I Ketut Arsana", "nik": NIK_KETUT, "session": "08:00"}
    )
    assert response.status_code == 409
    message = "Sesi 08.00–10.00 sudah penuh. Sesi berikutnya yang masih ada tempat: 10.00–12.00."
    assert response.json() == {
        "error": {
            "code": "session_full",
            "message": message,
            "fields": {"session": message},
            "next_available_session": "10:00",
            "next_available_date": MONDAY.isoformat(),
        }
    }


def test_a_session_that_is_not_the_days_is_a_422(client, office):
    response = post_ticket(
        client, {"service": "CAPIL", "name": "Ni Made", "nik": NIK_MADE, "session": "09:00"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"session": "Pilih sesi dari daftar sesi hari itu."}
    too_long = post_ticket(
        client, {"service": "CAPIL", "name": "Ni Made", "nik": NIK_MADE, "session": "08:00:00"}
    )
    assert too_long.status_code == 422 and "session" in too_long.json()["error"]["fields"]


def test_services_list_todays_sessions_with_their_places_left(client, office):
    for i in range(2):
        post_ticket(client, {"service": "CAPIL", "name": "Warga", "nik": nik_for(i), "session": "10:00"})
    post_ticket(client, {"service": "KTP", "name": "Warga", "nik": nik_for(9)})
    listed = services(client)
    capil, ktp = listed["CAPIL"], listed["KTP"]
    assert capil["quota_left_today"] == 38  # the daily quota, as before sessions
    assert capil["sessions"] == [
        session | {"quota_left": left} for session, left in zip(CAPIL_SESSIONS, [15, 13, 10], strict=True)
    ]
    assert ktp["quota_left_today"] == 59
    assert [s["quota_left"] for s in ktp["sessions"]] == [59, 59, 59]  # no session quota: the day's places


def test_an_ended_session_has_no_places_left(client, office, clock):
    clock.move_to(wita(MONDAY, 10, 30))
    assert [s["quota_left"] for s in services(client)["CAPIL"]["sessions"]] == [0, 15, 10]


def test_an_office_without_sessions_answers_null_and_an_empty_list(client, office):
    Session.objects.filter(office=office).delete()
    body = post_ticket(client, {"service": "CAPIL", "name": "Ni Made Sari Dewi", "nik": NIK_MADE}).json()
    assert body["session"] is None and body["number"] == "D-001"
    assert services(client)["CAPIL"]["sessions"] == []
    assert client.get(f"/api/v1/tickets/{body['id']}").json()["session"] is None


def test_the_openapi_document_describes_the_session_fields(client, office):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "session" in schemas["TicketIn"]["properties"]
    assert "session" in schemas["TicketOut"]["properties"]
    assert set(schemas["SessionOut"]["properties"]) == {"name", "starts", "ends"}
    assert set(schemas["SessionToday"]["properties"]) == {"starts", "ends", "name", "quota_left"}
    assert "sessions" in schemas["ServiceOut"]["properties"]
