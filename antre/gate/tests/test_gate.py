"""The entrance: screening, the capacity limit, exits, invitations and walk-in tickets."""

from __future__ import annotations

from decimal import Decimal

import pytest

from antre.conftest import TUESDAY, at
from antre.errors import Refusal
from antre.gate import lookup
from antre.gate import services as gate
from antre.gate.models import Outcome, Screening
from antre.gate.tests.factories import enter
from antre.offices.models import Counter
from antre.offices.tests.factories import another_office
from antre.people.models import Role
from antre.people.tests.factories import officer
from antre.queueing import calling
from antre.queueing.models import Status, Ticket
from antre.queueing.tests.factories import book


def test_a_healthy_citizen_is_admitted_and_counted_inside(office, staff):
    ticket = book(office, 1, now=at(0))
    entry = enter(office, ticket, staff["satpam"], now=at(5))
    assert entry.admitted and (entry.inside, entry.capacity) == (1, 13)
    ticket.refresh_from_db()
    assert ticket.status == Status.WAITING_INSIDE and ticket.arrived_at == at(5)
    assert Screening.objects.get().outcome == Outcome.ADMITTED


def test_a_fever_turns_the_citizen_away_and_the_screening_is_kept(office, staff):
    ticket = book(office, 1, now=at(0))
    entry = enter(office, ticket, staff["satpam"], temperature="38,0", now=at(5))
    assert not entry.admitted and entry.reason == "fever" and entry.inside == 0
    ticket.refresh_from_db()
    assert ticket.status == Status.TURNED_AWAY
    screening = Screening.objects.get()
    assert (screening.temperature_c, screening.outcome) == (Decimal("38.0"), Outcome.TURNED_AWAY)
    with pytest.raises(Refusal) as refused:
        enter(office, ticket, staff["satpam"], now=at(5))
    assert refused.value.code == "invalid_transition"


def test_the_threshold_is_the_offices(office, staff):
    office.fever_threshold_c = Decimal("38.0")
    office.save()
    assert enter(office, book(office, 1, now=at(0)), staff["satpam"], temperature="37.8", now=at(5)).admitted
    assert not enter(
        office, book(office, 2, now=at(0)), staff["satpam"], temperature="38.0", now=at(5)
    ).admitted


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"mask": False}, "screening_incomplete"),
        ({"hands_washed": False}, "screening_incomplete"),
        ({"temperature": "3.65"}, "invalid_fields"),
        ({"temperature": "panas"}, "invalid_fields"),
    ],
)
def test_an_incomplete_screening_writes_nothing(office, staff, fields, code):
    ticket = book(office, 1, now=at(0))
    with pytest.raises(Refusal) as refused:
        enter(office, ticket, staff["satpam"], now=at(5), **fields)
    assert refused.value.code == code
    assert not Screening.objects.exists()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.BOOKED


def test_tickets_are_found_by_number_url_or_id(office, staff):
    ticket = book(office, 1, now=at(0))
    today = ticket.day
    assert lookup.find_ticket(office, "a-001", today=today) == ticket
    assert lookup.find_ticket(office, f"http://antre.local/tiket/{ticket.token}/", today=today) == ticket
    assert lookup.find_ticket(office, ticket.token, today=today) == ticket
    with pytest.raises(Refusal) as refused:
        lookup.find_ticket(office, "A-999", today=today)
    assert refused.value.code == "not_found"


def test_wrong_day_and_twice_are_refused(office, staff):
    tomorrow = book(office, 1, now=at(0), day=TUESDAY)
    with pytest.raises(Refusal) as refused:
        enter(office, tomorrow, staff["satpam"], now=at(5))
    assert refused.value.code == "wrong_day"
    today = book(office, 2, now=at(0))
    enter(office, today, staff["satpam"], now=at(5))
    with pytest.raises(Refusal) as refused:
        enter(office, today, staff["satpam"], now=at(5))
    assert refused.value.code == "already_inside"
    assert Screening.objects.count() == 1


def test_at_capacity_the_next_waits_and_an_exit_lets_them_in(office, staff):
    office.capacity = 2
    office.save()
    first, second, third = (book(office, i, now=at(0)) for i in range(3))
    enter(office, first, staff["satpam"], now=at(5))
    enter(office, second, staff["satpam"], now=at(5))
    with pytest.raises(Refusal) as refused:
        enter(office, third, staff["satpam"], now=at(5))
    assert refused.value.code == "capacity_full"
    assert Ticket.objects.get(pk=third.pk).status == Status.BOOKED
    exit_ = gate.record_exit(
        office=office, ticket_ref=first.number, officer=staff["satpam"], going_home=True, now=at(20)
    )
    assert exit_.inside == 1
    assert enter(office, third, staff["satpam"], now=at(21)).admitted


def test_finishing_at_the_counter_counts_the_citizen_out(office, staff):
    office.capacity = 1
    office.save()
    ticket = book(office, 1, now=at(0))
    waiting = book(office, 2, now=at(0))
    enter(office, ticket, staff["satpam"], now=at(5))
    loket = Counter.objects.get(office=office, number=1)
    assert calling.call_next(counter=loket, officer=staff["petugas"], now=at(6)).pk == ticket.pk
    calling.start_service(token=ticket.token, officer=staff["petugas"], now=at(7))
    calling.finish_service(token=ticket.token, officer=staff["petugas"], now=at(15))
    assert Ticket.objects.get(pk=ticket.pk).left_at == at(15)
    assert Ticket.objects.get(pk=waiting.pk).invited_at == at(15)  # the freed place is offered at once


def test_without_automatic_exits_the_gate_records_them(office, staff):
    office.exit_on_finish = False
    office.save()
    ticket = book(office, 1, now=at(0))
    enter(office, ticket, staff["satpam"], now=at(5))
    calling.call_next(
        counter=Counter.objects.get(office=office, number=1), officer=staff["petugas"], now=at(6)
    )
    calling.start_service(token=ticket.token, officer=staff["petugas"], now=at(7))
    calling.finish_service(token=ticket.token, officer=staff["petugas"], now=at(15))
    assert Ticket.objects.get(pk=ticket.pk).left_at is None
    assert (
        gate.record_exit(office=office, ticket_ref=ticket.token, officer=staff["satpam"], now=at(16)).inside
        == 0
    )


def test_only_gate_officers_of_this_office_screen(office, staff):
    ticket = book(office, 1, now=at(0))
    for who in ("petugas", "verifikator", "kepala"):
        with pytest.raises(Refusal) as refused:
            enter(office, ticket, staff[who], temperature="36.5", now=at(5))
        assert refused.value.code == "forbidden"
    satpam_badung = officer(Role.PETUGAS_PINTU, another_office())
    with pytest.raises(Refusal):
        enter(office, ticket, satpam_badung, temperature="36.5", now=at(5))
    assert not Screening.objects.exists()


def test_invitations_lapse_to_the_next_citizen(office, staff):
    office.capacity = 1
    office.invitation_minutes = 10
    office.save()
    inside, t2, t3 = book(office, 1, now=at(0)), book(office, 2, now=at(1)), book(office, 3, now=at(2))
    enter(office, inside, staff["satpam"], now=at(3))
    assert gate.refresh_invitations(office, now=at(4)) == []  # full: nobody is invited

    gate.record_exit(
        office=office, ticket_ref=inside.token, officer=staff["satpam"], going_home=True, now=at(30)
    )
    assert _invited(office) == [t2.number]  # room freed: the next one in order is invited

    assert gate.refresh_invitations(office, now=at(39)) == []  # still within ten minutes
    assert [t.number for t in gate.refresh_invitations(office, now=at(40))] == [t3.number]  # t2 lapsed
    assert _invited(office) == [t3.number]

    assert [t.number for t in gate.refresh_invitations(office, now=at(50))] == [
        t2.number
    ]  # t2's second chance
    assert [t.number for t in gate.refresh_invitations(office, now=at(60))] == [t3.number]
    assert gate.refresh_invitations(office, now=at(70)) == []  # both had their two invitations
    assert Ticket.objects.get(pk=t2.pk).invitations == 2


def test_places_held_for_invited_citizens_are_not_given_to_others(office, staff):
    office.capacity = 2
    office.save()
    first, invited, walk_up = (
        book(office, 1, now=at(0)),
        book(office, 2, now=at(0)),
        book(office, 3, now=at(0)),
    )
    enter(office, first, staff["satpam"], now=at(1))
    assert [t.pk for t in gate.refresh_invitations(office, now=at(2))] == [invited.pk]
    with pytest.raises(Refusal) as refused:
        enter(office, walk_up, staff["satpam"], now=at(3))
    assert refused.value.code == "capacity_full"
    assert enter(office, invited, staff["satpam"], now=at(4)).admitted


def _invited(office):
    return list(
        Ticket.objects.filter(office=office, invited_at__isnull=False).values_list("number", flat=True)
    )
