"""Opening, pausing and closing a counter from the console (plain forms) and the staff API."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from antre.conftest import MONDAY, SATURDAY, at, wita
from antre.offices.models import Counter
from antre.offices.shifts import CounterShift
from antre.offices.tests.factories import another_office
from antre.people.models import ApiToken, Role
from antre.people.tests.factories import officer
from antre.queueing import calling
from antre.queueing.tests.factories import book

# Calling without a door check; the gate has its own tests.
pytestmark = pytest.mark.usefixtures("gate_off")


@pytest.fixture
def loket1(office):
    return Counter.objects.get(office=office, number=1)


@pytest.fixture
def wall():
    """The clock at the office's opening on Monday, standing still until the test moves it."""
    with time_machine.travel(at(0), tick=False) as traveller:
        yield traveller


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def press(client, counter, action: str) -> str:
    return text(client.post(f"/loket/{counter.pk}/", {"action": action}, follow=True).content.decode())


def shifts(counter) -> list[tuple]:
    return [(s.started_at, s.ended_at, s.closed_reason) for s in CounterShift.objects.filter(counter=counter)]


def test_the_officer_opens_pauses_opens_and_closes_the_counter_from_the_console(client, loket1, staff, wall):
    client.force_login(staff["petugas"])
    page = text(client.get(f"/loket/{loket1.pk}/").content.decode())
    assert " Tutup " in page and "Buka loket" in page and "Istirahat" not in page
    wall.move_to(wita(MONDAY, 8, 2))
    page = press(client, loket1, "open_counter")
    assert "Loket 1 buka." in page and "Loket buka sejak 08.02" in page
    assert "Istirahat" in page and "Tutup loket" in page and "Buka loket" not in page
    wall.move_to(wita(MONDAY, 12))
    page = press(client, loket1, "pause_counter")
    assert "Loket 1 istirahat." in page and "Istirahat sejak 12.00" in page and "Buka loket" in page
    wall.move_to(wita(MONDAY, 13))
    assert "Loket buka sejak 13.00" in press(client, loket1, "open_counter")
    wall.move_to(wita(MONDAY, 15))
    page = press(client, loket1, "close_counter")
    assert "Loket 1 tutup." in page and " Tutup " in page and "Buka loket" in page
    assert shifts(loket1) == [
        (wita(MONDAY, 8, 2), wita(MONDAY, 12), "pause"),
        (wita(MONDAY, 13), wita(MONDAY, 15), "close"),
    ]


def test_in_english(client, loket1, staff, wall):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.force_login(staff["petugas"])
    assert "Open the counter" in text(client.get(f"/loket/{loket1.pk}/").content.decode())
    wall.move_to(wita(MONDAY, 8, 2))
    page = press(client, loket1, "open_counter")
    assert "Counter 1 is open." in page and "Counter open since 08.02" in page and "Close the counter" in page


def test_calling_from_the_console_opens_the_counter(client, loket1, staff, wall):
    ticket = book(loket1.office, 1)
    client.force_login(staff["petugas"])
    wall.move_to(wita(MONDAY, 8, 14))
    page = press(client, loket1, "call_next")
    assert f"{ticket.number} dipanggil." in page and "Loket buka sejak 08.14" in page


def test_calling_on_a_saturday_says_the_office_is_closed_and_leaves_the_counter_closed(
    client, loket1, staff, wall
):
    wall.move_to(wita(SATURDAY, 9))
    client.force_login(staff["petugas"])  # a session ends with its working day
    page = press(client, loket1, "call_next")
    assert "Kantor tutup hari ini. Tidak ada nomor antrean yang dipanggil dan loket tidak dibuka." in page
    assert "Loket buka sejak" not in page and shifts(loket1) == []


def test_a_refusal_is_explained_on_the_console(client, loket1, staff, wall):
    client.force_login(staff["petugas"])
    assert "Loket 1 sedang tutup. Buka loket dahulu." in press(client, loket1, "pause_counter")
    book(loket1.office, 1)
    calling.call_next(counter=loket1, officer=staff["petugas"])
    page = press(client, loket1, "close_counter")
    assert "Loket ini masih melayani A-001. Selesaikan atau tandai tidak hadir dahulu." in page


def test_a_gate_officer_cannot_open_a_counter_from_the_console(client, loket1, staff, wall):
    client.force_login(staff["satpam"])
    assert client.post(f"/loket/{loket1.pk}/", {"action": "open_counter"}).status_code == 403
    assert not CounterShift.objects.exists()


def token(user) -> dict:
    return {"Authorization": f"Token {ApiToken.for_user(user).key}"}


def test_the_api_opens_pauses_and_closes_and_lists_each_counters_state(client, loket1, staff, wall):
    headers = token(staff["petugas"])
    listed = client.get("/api/v1/offices/tabanan/counters", headers=headers).json()
    assert {c["number"]: c["state"] for c in listed} == {1: "closed", 2: "closed", 3: "closed", 4: "closed"}
    url = f"/api/v1/counters/{loket1.pk}"
    opened = client.post(f"{url}/open", headers=headers)
    assert opened.status_code == 200, opened.content
    body = opened.json()
    assert dt.datetime.fromisoformat(body.pop("since")) == at(0)
    assert body == {
        "id": loket1.pk,
        "number": 1,
        "name": loket1.name,
        "services": ["KTP", "AMBIL"],
        "state": "open",
    }
    listed = client.get("/api/v1/offices/tabanan/counters", headers=headers).json()
    assert [(c["number"], c["state"]) for c in listed][:2] == [(1, "open"), (2, "closed")]
    wall.move_to(at(240))
    assert client.post(f"{url}/pause", headers=headers).json()["state"] == "paused"
    assert client.get("/api/v1/offices/tabanan/counters", headers=headers).json()[0]["state"] == "paused"
    wall.move_to(at(250))
    assert client.post(f"{url}/close", headers=headers).json() == body | {"state": "closed", "since": None}
    assert shifts(loket1) == [(at(0), at(240), "close")]


def test_the_api_refuses_in_the_house_format(client, loket1, staff, wall):
    url = f"/api/v1/counters/{loket1.pk}"
    anonymous = client.post(f"{url}/open")
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "unauthorized"
    gate = client.post(f"{url}/open", headers=token(staff["satpam"]))
    assert gate.status_code == 403
    assert gate.json()["error"] == {
        "code": "forbidden",
        "message": "Hanya petugas loket kantor ini yang dapat membuka, mengistirahatkan atau menutup loket.",
    }
    stranger = officer(Role.PETUGAS_LOKET, another_office())
    assert client.post(f"{url}/open", headers=token(stranger)).status_code == 403
    assert client.post("/api/v1/counters/9999/open", headers=token(staff["petugas"])).status_code == 404
    closed = client.post(f"{url}/pause", headers=token(staff["petugas"]))
    assert closed.status_code == 409
    assert closed.json()["error"] == {
        "code": "counter_closed",
        "message": "Loket 1 sedang tutup. Buka loket dahulu.",
    }
    book(loket1.office, 1)
    client.post(f"{url}/call-next", headers=token(staff["petugas"]))
    busy = client.post(f"{url}/close", headers=token(staff["petugas"]))
    assert busy.status_code == 409 and busy.json()["error"]["code"] == "counter_busy"
    assert not CounterShift.objects.exclude(closed_reason="").exists()


def test_the_openapi_document_describes_the_counter_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()
    for action in ("open", "pause", "close"):
        operation = schema["paths"][f"/api/v1/counters/{{counter_id}}/{action}"]["post"]
        assert set(operation["responses"]) >= {"200", "401", "403", "404", "409"}
    counter = schema["components"]["schemas"]["CounterOut"]["properties"]
    assert counter["state"]["enum"] == ["open", "paused", "closed"]


def test_the_admin_lists_the_counters_open_periods_read_only(wall, admin_client, loket1):
    # The clock first, then the login: logged in on the real day, a session would have expired by a
    # test Monday more than two weeks ahead (after Christmas and New Year).
    CounterShift.objects.create(counter=loket1, office=loket1.office, started_at=at(0), services="AMBIL|KTP")
    page = admin_client.get("/admin/offices/countershift/")
    assert page.status_code == 200 and "Loket 1" in page.content.decode()
    shift = CounterShift.objects.get()
    assert admin_client.get(f"/admin/offices/countershift/{shift.pk}/change/").status_code == 200
    assert (
        admin_client.post(f"/admin/offices/countershift/{shift.pk}/change/", {"ended_at_0": ""}).status_code
        == 403
    )
