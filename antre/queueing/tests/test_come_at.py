"""Come-at times: citizens who book from home are told when to come, the time moves with the day
within the office's margin, and once inside there is none."""

from __future__ import annotations

import datetime as dt

from antre.clock import now
from antre.conftest import MONDAY, TUESDAY, wita
from antre.gate.tests.factories import enter
from antre.queueing import arrivals
from antre.queueing.models import Channel, Ticket
from antre.queueing.services import cancel_ticket
from antre.queueing.tests.factories import book


def told(ticket: Ticket) -> dt.datetime:
    ticket.refresh_from_db()
    assert ticket.come_at is not None
    return ticket.come_at.astimezone(wita(MONDAY, 0).tzinfo)


def test_bookings_from_home_are_told_to_come_in_turn_from_the_door_s_opening(office, clock):
    # Booked on Monday for Tuesday: KTP is served at counters 1 and 3, ten minutes a visit.
    tickets = [book(office, i, day=TUESDAY) for i in range(12)]
    times = [told(t) for t in tickets]
    assert times == sorted(times)
    assert times[0] == wita(TUESDAY, 8)  # the door and the counters open at 08.00
    # Twelve at two counters, ten minutes each, nine in ten coming: the last called near 08.50,
    # asked to come a quarter of an hour before.
    assert wita(TUESDAY, 8, 20) <= times[-1] <= wita(TUESDAY, 8, 35)
    assert len(set(times)) >= 4  # spread over the morning, not all at the door together
    assert all(t.minute % 5 == 0 for t in times)  # a time a person remembers
    walk_in = book(office, 20, day=TUESDAY, channel=Channel.KIOSK)
    assert walk_in.come_at is None  # at the door already


def test_nobody_is_asked_before_the_counters_open_even_where_the_door_opens_earlier(office, clock):
    """Where the door lets people in half an hour before the counters start, the first bookings
    are still asked for 08.00: those who come early anyway find the door open (asking them for the
    door's opening made the crowd outside larger in `antre simulate`)."""
    office.invite_minutes_before_opening = 30
    office.save(update_fields=["invite_minutes_before_opening"])
    first = book(office, 0, day=TUESDAY)
    assert told(first) == wita(TUESDAY, 8)


def test_the_api_shows_the_time_and_a_session_s_citizen_is_not_asked_before_it(client, office, clock):
    late = book(office, 1, day=TUESDAY, session="10:00")
    answer = client.get(f"/api/v1/tickets/{late.token}").json()
    come = dt.datetime.fromisoformat(answer["come_at"])
    assert come >= wita(TUESDAY, 9, 45)
    assert come == told(late)


def test_a_time_moves_earlier_by_at_most_the_margin(office, clock):
    tickets = [book(office, i, day=TUESDAY) for i in range(12)]
    last = tickets[-1]
    first_told = told(last)
    for t in tickets[:-1]:
        cancel_ticket(token=t.token)
    arrivals.clear()  # the plan kept by this process is made again, as after its half minute
    shown = arrivals.current(Ticket.objects.select_related("office", "session").get(pk=last.pk), now())
    assert shown == first_told - dt.timedelta(minutes=office.come_at_margin_minutes)


def test_once_inside_there_is_no_time_to_come(client, office, clock, staff):
    clock.move_to(wita(MONDAY, 8, 5))
    ticket = book(office, 1)
    assert client.get(f"/api/v1/tickets/{ticket.token}").json()["come_at"] is not None
    enter(office, ticket, staff["satpam"])
    assert client.get(f"/api/v1/tickets/{ticket.token}").json()["come_at"] is None
