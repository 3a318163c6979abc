"""The counter console pages, as plain forms."""

import pytest

from antre.offices.models import Counter, Service
from antre.queueing.models import Status, Ticket
from antre.queueing.tests.factories import book

# Calling without a door check; the gate has its own tests.
pytestmark = pytest.mark.usefixtures("gate_off")


@pytest.fixture
def loket1(open_all_day):
    return Counter.objects.get(office=open_all_day, number=1)


def test_the_console_needs_a_login(client, loket1):
    response = client.get("/loket/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/masuk/")


def test_a_gate_officer_is_kept_out(client, loket1, staff):
    client.force_login(staff["satpam"])
    assert client.get(f"/loket/{loket1.pk}/").status_code == 403
    client.post(f"/loket/{loket1.pk}/", {"action": "call_next"})
    assert not Ticket.objects.filter(status=Status.CALLED).exists()


def test_the_officer_logs_in_picks_a_counter_and_calls(client, loket1, staff):
    ticket = book(loket1.office, name="Ni Made Sari Dewi")
    login = client.post("/masuk/", {"username": "petugas", "password": "rahasia-123"})
    assert login.headers["Location"] == "/loket/"
    assert "Loket 1" in client.get("/loket/").content.decode()
    page = client.get(f"/loket/{loket1.pk}/").content.decode()
    assert "Panggil berikutnya" in page and ticket.number in page
    response = client.post(f"/loket/{loket1.pk}/", {"action": "call_next"}, follow=True)
    page = response.content.decode()
    assert f"{ticket.number} dipanggil." in page
    assert "Ni Made Sari Dewi" in page  # the officer sees the full name
    assert "Kartu Keluarga (asli atau fotokopi)" in page  # the requirements checklist
    client.post(f"/loket/{loket1.pk}/", {"action": "start", "ticket": ticket.token})
    assert Ticket.objects.get(pk=ticket.pk).status == Status.SERVING


def test_a_refused_action_is_explained(client, loket1, staff):
    ticket = book(loket1.office)
    client.force_login(staff["petugas"])
    response = client.post(f"/loket/{loket1.pk}/", {"action": "finish", "ticket": ticket.token}, follow=True)
    assert "aksi ini tidak dapat dilakukan" in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.BOOKED


def test_the_partial_refresh_has_the_waiting_list(client, loket1, staff):
    ticket = book(loket1.office)
    client.force_login(staff["petugas"])
    partial = client.get(f"/loket/{loket1.pk}/?partial=1").content.decode()
    assert ticket.number in partial and "<html" not in partial


def test_the_console_lists_exactly_whom_call_next_calls_and_in_that_order(client, loket1, staff):
    office = loket1.office
    book(office, 1, service="KTP")
    pickup = book(office, 2, service="AMBIL")
    book(office, 3, service="KTP", priority="elderly")
    book(office, 4, service="CAPIL")  # a service loket 1 does not serve
    # A service switched off after its tickets were booked: no counter calls them any more.
    Service.objects.filter(pk=pickup.service_id).update(active=False)
    client.force_login(staff["petugas"])
    listed = [t.number for t in client.get(f"/loket/{loket1.pk}/").context["waiting"]]
    called = []
    while client.post(f"/loket/{loket1.pk}/", {"action": "call_next"}).status_code == 302:
        ticket = Ticket.objects.filter(counter=loket1, status=Status.CALLED).first()
        if ticket is None:
            break
        called.append(ticket.number)
        client.post(f"/loket/{loket1.pk}/", {"action": "no_show", "ticket": ticket.token})
    assert listed == called
    assert pickup.number not in listed
