"""The ticket and service predicates: each says one thing about the queue, once, for every caller."""

import datetime as dt

import pytest

from antre.conftest import book_today
from antre.offices.models import Counter, Service
from antre.queueing.models import Status, Ticket


@pytest.fixture
def loket1(open_all_day):
    return Counter.objects.get(office=open_all_day, number=1)  # serves KTP and AMBIL


def numbers(tickets) -> list[str]:
    return [t.number for t in tickets]


def set_status(ticket, status, **fields):
    Ticket.objects.filter(pk=ticket.pk).update(status=status, **fields)


def test_waiting_is_booked_or_waiting_inside(open_all_day):
    booked, inside, called, cancelled = (book_today(open_all_day, "KTP", i) for i in range(4))
    set_status(inside, Status.WAITING_INSIDE)
    set_status(called, Status.CALLED)
    set_status(cancelled, Status.CANCELLED)
    assert set(numbers(Ticket.objects.waiting())) == {booked.number, inside.number}


@pytest.mark.parametrize("gate", [True, False], ids=["behind a gate", "without a gate"])
def test_a_counter_calls_those_inside_behind_a_gate_and_every_waiting_ticket_without_one(open_all_day, gate):
    outside, inside, called = (book_today(open_all_day, "KTP", i) for i in range(3))
    set_status(inside, Status.WAITING_INSIDE)
    set_status(called, Status.CALLED)
    expected = {inside.number} if gate else {outside.number, inside.number}
    assert set(numbers(Ticket.objects.callable(gate=gate))) == expected


def test_a_counters_tickets_are_of_the_active_services_it_serves_at_its_office(loket1):
    office = loket1.office
    ktp, pickup, capil = (book_today(office, code, i) for i, code in enumerate(("KTP", "AMBIL", "CAPIL")))
    assert set(numbers(Ticket.objects.for_counter(loket1))) == {ktp.number, pickup.number}
    Service.objects.filter(pk=pickup.service_id).update(active=False)
    assert numbers(Ticket.objects.for_counter(loket1)) == [ktp.number]
    assert capil.number not in numbers(
        Ticket.objects.for_counter(Counter.objects.get(office=office, number=3))
    )


@pytest.mark.usefixtures("gate_off")
def test_a_counters_queue_is_todays_callable_tickets_priority_first_then_the_longest_waiting(loket1):
    office = loket1.office
    first = book_today(office, "KTP", 1)
    pickup = book_today(office, "AMBIL", 2)
    elderly = book_today(office, "KTP", 3, priority="elderly")
    called = book_today(office, "KTP", 4)
    set_status(called, Status.CALLED)
    queue = Ticket.objects.queue_of(loket1, first.day)
    assert numbers(queue) == [elderly.number, first.number, pickup.number]
    assert list(Ticket.objects.queue_of(loket1, first.day + dt.timedelta(days=1))) == []


def test_a_bookable_service_is_active_and_served_face_to_face(office):
    Service.objects.filter(office=office, code="LEGAL").update(active=False)
    services = list(Service.objects.filter(office=office))
    bookable = {s.code for s in services if s.is_bookable}
    assert {s.code for s in office.services.bookable()} == bookable
    assert "KK" not in bookable and "LEGAL" not in bookable  # online only; switched off
    assert {"KTP", "CAPIL", "AMBIL"} <= bookable
    for service in services:
        assert service.is_bookable == (service.active and service.mode != "online")
