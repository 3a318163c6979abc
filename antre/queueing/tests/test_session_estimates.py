"""A ticket of a later session is never expected to be called before its session begins, and its
page's two times agree: come at, then called (the walk found "called about 08.00, come at 09.45")."""

from __future__ import annotations

import datetime as dt

import pytest

from antre.conftest import MONDAY, TUESDAY, wita
from antre.offices.models import Service
from antre.queueing import arrivals, forecasting, rules
from antre.queueing.models import Priority, Ticket
from antre.queueing.tests.factories import book


@pytest.fixture(autouse=True)
def nothing_kept():
    forecasting.clear()
    arrivals.clear()
    yield
    forecasting.clear()
    arrivals.clear()


def times(client, ticket) -> tuple[dt.datetime, dt.datetime | None]:
    answer = client.get(f"/api/v1/tickets/{ticket.token}").json()
    come = answer["come_at"]
    return dt.datetime.fromisoformat(answer["estimated_call_at"]), come and dt.datetime.fromisoformat(come)


def test_a_booking_for_a_later_session_of_a_day_ahead_is_called_after_it_begins(client, office, clock):
    ticket = book(office, 1, day=TUESDAY, session="10:00")  # nobody else booked: counters idle from 08.00
    called, come = times(client, ticket)
    assert called >= wita(TUESDAY, 10)
    assert come is not None and come <= called
    page = client.get(f"/tiket/{ticket.token}/").content.decode()
    assert "sekitar pukul 08.00" not in page


def test_without_a_come_at_time_the_pace_estimate_waits_for_the_session_too(client, office, clock):
    office.come_at_lead_minutes = 0  # this office tells no come-at time
    office.save(update_fields=["come_at_lead_minutes"])
    ticket = book(office, 1, day=TUESDAY, session="13:00")
    called, come = times(client, ticket)
    assert come is None and called == wita(TUESDAY, 13)


def test_today_before_opening_the_live_projection_waits_for_the_session(client, office, clock):
    clock.move_to(wita(MONDAY, 7, 30))
    early = book(office, 1, session="08:00")
    later = book(office, 2, session="10:00")
    called, come = times(client, later)
    assert called >= wita(MONDAY, 10)
    assert come is not None and come <= called
    assert times(client, early)[0] < wita(MONDAY, 10)  # the first session's citizen is not held back


def test_the_pace_rule_never_answers_before_not_before():
    periods = [(wita(TUESDAY, 8), wita(TUESDAY, 12)), (wita(TUESDAY, 13), wita(TUESDAY, 15))]
    ask = {"ahead": 0, "minutes_per_visit": 10, "counters": 2, "now": wita(MONDAY, 9), "periods": periods}
    assert rules.estimate_call_at(**ask) == wita(TUESDAY, 8)
    assert rules.estimate_call_at(**ask, not_before=wita(TUESDAY, 10)) == wita(TUESDAY, 10)
    # Behind a long line the session's start is no longer what holds the ticket back:
    assert rules.estimate_call_at(**(ask | {"ahead": 30}), not_before=wita(TUESDAY, 9)) == wita(
        TUESDAY, 10, 30
    )


def test_the_booking_answer_itself_says_the_same_as_the_ticket_page(client, office, clock):
    # A kiosk prints the 201 answer: it must not promise 08.00 for the 10.00 session either.
    body = {"service": "KTP", "name": "Ni Made Sari Dewi", "nik": "5102054507900002"}
    answer = client.post(
        "/api/v1/offices/tabanan/tickets",
        body | {"date": TUESDAY.isoformat(), "session": "10:00"},
        content_type="application/json",
    ).json()
    assert dt.datetime.fromisoformat(answer["estimated_call_at"]) >= wita(TUESDAY, 10)
    assert dt.datetime.fromisoformat(answer["come_at"]) <= dt.datetime.fromisoformat(
        answer["estimated_call_at"]
    )


def book_tuesday_from_the_web(client) -> dict:
    """A citizen books KTP for Tuesday through the API, as the web form does: the 201 answer."""
    body = {"service": "KTP", "name": "Ni Made Sari Dewi", "nik": "5102054507900002", "channel": "web"}
    return client.post(
        "/api/v1/offices/tabanan/tickets",
        body | {"date": TUESDAY.isoformat()},
        content_type="application/json",
    ).json()


def test_a_booking_for_a_day_ahead_is_told_a_call_its_come_at_time_leads_by_the_office_s_minutes(
    client, office, clock
):
    """Behind twelve bookings of its service, the 201 answer and the ticket page give the same call,
    and the come-at time is the office's lead before it (rounded down to the five minutes): both from
    the day's plan, not one from the plan and the other from a rule of thumb (which said 09.00 for a
    come-at time of 08.35)."""
    for i in range(1, 13):
        book(office, i, day=TUESDAY, channel="web")
    answer = book_tuesday_from_the_web(client)
    called = dt.datetime.fromisoformat(answer["estimated_call_at"])
    come = dt.datetime.fromisoformat(answer["come_at"])
    lead = dt.timedelta(minutes=office.come_at_lead_minutes)
    assert lead <= called - come < lead + dt.timedelta(minutes=5)  # come-at times are on the five minutes
    ticket = Ticket.objects.get(token=answer["id"])
    assert times(client, ticket) == (called, come)


def test_a_booking_for_a_day_ahead_beyond_what_its_counters_serve_is_told_no_time_not_midnight(
    client, office, clock
):
    Service.objects.filter(office=office, code="KTP").update(minutes_per_visit=240)
    tickets = [book(office, i, day=TUESDAY, channel="web") for i in range(1, 7)]
    called = [client.get(f"/api/v1/tickets/{t.token}").json()["estimated_call_at"] for t in tickets]
    assert all(c is None or dt.datetime.fromisoformat(c) < wita(TUESDAY, 16) for c in called)
    assert None in called  # four-hour visits: not all of them on Tuesday


@pytest.mark.parametrize("before", [4, 5])
def test_the_booking_s_answer_is_what_its_page_says_once_the_day_s_plan_holds_it(
    client, office, clock, before
):
    """The 201 answer places a booking after those in the day's plan (kept a moment, made before
    it); once the plan is made again with it, its page says the same time, whether it is the first
    or the second of a pair the counters call together."""
    for i in range(1, before + 1):
        book(office, i, day=TUESDAY, channel="web")
    answer = book_tuesday_from_the_web(client)
    arrivals.clear()
    page = client.get(f"/api/v1/tickets/{answer['id']}").json()
    told, settled = (
        dt.datetime.fromisoformat(answer["estimated_call_at"]),
        dt.datetime.fromisoformat(page["estimated_call_at"]),
    )
    assert abs(told - settled) <= dt.timedelta(minutes=1)
    assert page["come_at"] == answer["come_at"]


def test_a_ticket_page_shows_the_day_ahead_as_it_is_now_not_as_a_plan_kept_from_before(client, office, clock):
    """A page reads the day's plan again once the day's bookings changed (each server process keeps
    its own for a moment: kept, two processes told one citizen two times in turn)."""
    for i in range(1, 5):
        book(office, i, day=TUESDAY, channel="web")
    ticket = book(office, 5, day=TUESDAY, channel="web")
    arrivals.clear()
    first = times(client, ticket)[0]  # from a plan made with it in
    for i in range(6, 10):  # four elderly citizens book: they are called first
        book(office, i, day=TUESDAY, channel="web", priority=Priority.ELDERLY)
    assert times(client, ticket)[0] > first
