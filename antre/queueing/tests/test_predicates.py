"""The ticket and service predicates: each says one thing about the queue, once, for every caller."""

import datetime as dt

import pytest

from antre.conftest import MONDAY, wita
from antre.offices.models import Counter, Service
from antre.queueing.models import DailySequence, Status, Ticket
from antre.queueing.tests.factories import book


@pytest.fixture
def loket1(open_all_day):
    return Counter.objects.get(office=open_all_day, number=1)  # serves KTP and AMBIL


def numbers(tickets) -> list[str]:
    return [t.number for t in tickets]


def set_status(ticket, status, **fields):
    Ticket.objects.filter(pk=ticket.pk).update(status=status, **fields)


def test_waiting_is_booked_or_waiting_inside(open_all_day):
    booked, inside, called, cancelled = (book(open_all_day, i, service="KTP") for i in range(4))
    set_status(inside, Status.WAITING_INSIDE)
    set_status(called, Status.CALLED)
    set_status(cancelled, Status.CANCELLED)
    assert set(numbers(Ticket.objects.waiting())) == {booked.number, inside.number}


@pytest.mark.parametrize("gate", [True, False], ids=["behind a gate", "without a gate"])
def test_a_counter_calls_those_inside_behind_a_gate_and_every_waiting_ticket_without_one(open_all_day, gate):
    outside, inside, called = (book(open_all_day, i, service="KTP") for i in range(3))
    set_status(inside, Status.WAITING_INSIDE)
    set_status(called, Status.CALLED)
    expected = {inside.number} if gate else {outside.number, inside.number}
    assert set(numbers(Ticket.objects.callable(gate=gate))) == expected


def test_a_counters_tickets_are_of_the_active_services_it_serves_at_its_office(loket1):
    office = loket1.office
    ktp, pickup, capil = (book(office, i, service=code) for i, code in enumerate(("KTP", "AMBIL", "CAPIL")))
    assert set(numbers(Ticket.objects.for_counter(loket1))) == {ktp.number, pickup.number}
    Service.objects.filter(pk=pickup.service_id).update(active=False)
    assert numbers(Ticket.objects.for_counter(loket1)) == [ktp.number]
    assert capil.number not in numbers(
        Ticket.objects.for_counter(Counter.objects.get(office=office, number=3))
    )


@pytest.mark.usefixtures("gate_off")
def test_a_counters_queue_is_todays_callable_tickets_priority_first_then_the_longest_waiting(loket1):
    office = loket1.office
    first = book(office, 1, service="KTP")
    pickup = book(office, 2, service="AMBIL")
    elderly = book(office, 3, service="KTP", priority="elderly")
    called = book(office, 4, service="KTP")
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


def states_of_a_morning(office) -> dict[str, Ticket]:
    """Tickets of one Monday in every state the door and the counters leave them in."""
    at = {"now": wita(MONDAY, 7)}
    tickets = {name: book(office, i, service="KTP", **at) for i, name in enumerate(STATES)}
    for name, fields in STATES.items():
        Ticket.objects.filter(pk=tickets[name].pk).update(**fields)
    return {name: Ticket.objects.select_related("office").get(pk=t.pk) for name, t in tickets.items()}


STATES = {
    "outside": {},
    "invited": {"invited_at": wita(MONDAY, 8, 0)},
    "inside": {"status": Status.WAITING_INSIDE, "arrived_at": wita(MONDAY, 8, 5)},
    "stepped_out": {"arrived_at": wita(MONDAY, 8, 5), "left_at": wita(MONDAY, 8, 20)},
    "called": {"status": Status.CALLED, "arrived_at": wita(MONDAY, 8, 5)},
    "served_and_gone": {"status": Status.DONE, "arrived_at": wita(MONDAY, 8, 5), "left_at": wita(MONDAY, 9)},
    "cancelled": {"status": Status.CANCELLED, "invited_at": wita(MONDAY, 8, 0)},
}


def names(tickets, queryset) -> set[str]:
    pks = set(queryset.values_list("pk", flat=True))
    return {name for name, t in tickets.items() if t.pk in pks}


def test_inside_is_through_the_door_and_not_out_again_for_a_query_and_for_one_ticket(office):
    tickets = states_of_a_morning(office)
    assert names(tickets, Ticket.objects.inside()) == {"inside", "called"}
    assert {name for name, t in tickets.items() if t.is_inside} == {"inside", "called"}


def test_stepped_out_is_the_same_for_a_query_and_for_one_ticket(office):
    tickets = states_of_a_morning(office)
    assert names(tickets, Ticket.objects.stepped_out()) == {"stepped_out"}
    assert {name for name, t in tickets.items() if t.has_stepped_out} == {"stepped_out"}


def test_counted_against_the_quota_is_what_the_database_keeps_as_taken(office):
    tickets = states_of_a_morning(office)
    counted = Ticket.objects.counted()
    assert names(tickets, counted) == set(STATES) - {"cancelled"}
    kept = DailySequence.objects.get(service__office=office, service__code="KTP", day=MONDAY)
    assert kept.taken == counted.filter(service__code="KTP", day=MONDAY).count()


def test_an_invitation_stands_for_its_minutes_of_the_doors_open_time(office):
    tickets = states_of_a_morning(office)
    assert names(tickets, Ticket.objects.invited()) == {"invited"}  # a cancelled ticket's is void
    ticket = tickets["invited"]
    minutes = dt.timedelta(minutes=office.invitation_minutes)
    deadline = wita(MONDAY, 8, 0) + minutes
    assert ticket.invited_until(wita(MONDAY, 8, 1)) == deadline
    assert ticket.invited_until(deadline - dt.timedelta(seconds=1)) == deadline
    assert ticket.invited_until(deadline) is None  # lapsed
    assert all(
        t.invited_until(wita(MONDAY, 8, 1)) is None for name, t in tickets.items() if name != "invited"
    )
