"""The staff API: call-next, ticket actions, counters and the board, with token authentication."""

import pytest

from antre.offices.models import Counter
from antre.people.models import ApiToken
from antre.queueing.models import Ticket
from antre.queueing.tests.factories import book

# Calling without a door check; the gate has its own tests.
pytestmark = pytest.mark.usefixtures("gate_off")


@pytest.fixture
def petugas_token(staff):
    return {"Authorization": f"Token {ApiToken.for_user(staff['petugas']).key}"}


@pytest.fixture
def loket1(open_all_day):
    return Counter.objects.get(office=open_all_day, number=1)


def test_call_next_returns_the_called_ticket_with_the_full_name(client, loket1, petugas_token):
    ticket = book(loket1.office, name="Ni Made Sari Dewi")
    response = client.post(f"/api/v1/counters/{loket1.pk}/call-next", headers=petugas_token)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == ticket.token and body["status"] == "called" and body["counter"] == 1
    assert body["name"] == "Ni Made Sari Dewi"  # the officer calls and checks the person by full name
    assert client.get(f"/api/v1/tickets/{ticket.token}").json()["counter"] == 1


def test_call_next_with_nobody_waiting_is_204(client, loket1, petugas_token):
    assert client.post(f"/api/v1/counters/{loket1.pk}/call-next", headers=petugas_token).status_code == 204


def test_a_busy_counter_is_409(client, loket1, petugas_token):
    book(loket1.office, 1)
    book(loket1.office, 2)
    client.post(f"/api/v1/counters/{loket1.pk}/call-next", headers=petugas_token)
    response = client.post(f"/api/v1/counters/{loket1.pk}/call-next", headers=petugas_token)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "counter_busy"


def test_actions_follow_the_ticket_life(client, loket1, petugas_token):
    ticket = book(loket1.office)
    client.post(f"/api/v1/counters/{loket1.pk}/call-next", headers=petugas_token)
    url = f"/api/v1/tickets/{ticket.token}"
    recalled = client.post(f"{url}/recall", headers=petugas_token)
    assert recalled.json().get("recalls") == 1, recalled.content
    assert client.post(f"{url}/start", headers=petugas_token).json()["status"] == "serving"
    refused = client.post(f"{url}/no-show", headers=petugas_token)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "invalid_transition"
    moved = client.post(
        f"{url}/transfer", {"service": "LEGAL"}, content_type="application/json", headers=petugas_token
    )
    assert moved.json()["service"] == "LEGAL" and moved.json()["status"] == "waiting_inside"
    assert client.post(f"{url}/dance", headers=petugas_token).status_code == 404


def test_citizens_and_other_roles_cannot_call(client, loket1, staff):
    book(loket1.office)
    assert client.post(f"/api/v1/counters/{loket1.pk}/call-next").status_code == 401
    satpam = {"Authorization": f"Token {ApiToken.for_user(staff['satpam']).key}"}
    response = client.post(f"/api/v1/counters/{loket1.pk}/call-next", headers=satpam)
    assert response.status_code == 403
    assert not Ticket.objects.filter(status="called").exists()


def test_an_inactive_users_token_is_refused(client, loket1, staff):
    key = ApiToken.for_user(staff["petugas"]).key
    staff["petugas"].is_active = False
    staff["petugas"].save()
    response = client.post(
        f"/api/v1/counters/{loket1.pk}/call-next", headers={"Authorization": f"Token {key}"}
    )
    assert response.status_code == 401


def test_the_board_shows_calls_and_waiting_without_personal_data(client, loket1, petugas_token):
    called = book(loket1.office, 1, name="Ni Made Sari Dewi")
    book(loket1.office, 2, service="CAPIL")
    client.post(f"/api/v1/counters/{loket1.pk}/call-next", headers=petugas_token)
    board = client.get("/api/v1/offices/tabanan/board").json()
    assert board["calls"][0] == {
        "number": called.number,
        "counter": 1,
        "name": "Ni Made S.",
        "service": "KTP",
        "status": "called",
        "at": board["calls"][0]["at"],
    }
    assert board["waiting"] == {"CAPIL": 1}
    assert board["capacity"] == 13
    assert called.nik not in str(board) and called.token not in str(board)


def test_without_a_token_or_session_a_real_browser_post_is_401_not_a_csrf_403(loket1):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    response = browser.post(f"/api/v1/counters/{loket1.pk}/call-next")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
