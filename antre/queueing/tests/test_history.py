"""The exported history matches the tickets and shifts it came from: scripted days with known times,
written in the formats of SPEC §7 and read back unchanged."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine

from antre import worker
from antre.conftest import KETUT, MADE, MONDAY, TUESDAY, WAYAN, at, wita
from antre.forecast.eventlog import parse_events, parse_staffing, write_events, write_staffing
from antre.gate import services as gate
from antre.gate.tests.factories import enter
from antre.offices.models import Counter
from antre.queueing import calling, history, services, staffing
from antre.queueing.tests.factories import book

FRIDAY_BEFORE = MONDAY - dt.timedelta(days=3)
HEADER = "office,ticket,service,channel,priority,issued_at,arrived_at,called_at,started_at,finished_at,counter,outcome"


def t(hour: int, minute: int, day: dt.date = MONDAY) -> str:
    """An instant as the log writes it: the office's wall clock with its offset."""
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}:00+08:00"


def n(number: str) -> str:
    return f"{MONDAY.isoformat()}/{number}"


def exported(office, *, now: dt.datetime, first=MONDAY, last=MONDAY) -> tuple[str, str]:
    events, staffing_log = io.StringIO(), io.StringIO()
    write_events(events, history.visits(office, first, last, now=now))
    write_staffing(staffing_log, history.shifts(office, first, last, now=now))
    return events.getvalue(), staffing_log.getvalue()


def serve(ticket, counter, officer, *, called: int, started: int, finished: int) -> None:
    assert calling.call_next(counter=counter, officer=officer, now=at(called)).pk == ticket.pk
    calling.start_service(token=ticket.token, officer=officer, now=at(started))
    calling.finish_service(token=ticket.token, officer=officer, now=at(finished))


@pytest.fixture
def loket1(office):
    return Counter.objects.get(office=office, number=1)  # KTP and AMBIL


@pytest.fixture
def loket2(office):
    return Counter.objects.get(office=office, number=2)  # CAPIL and LEGAL


def test_a_day_behind_the_gate_is_exported_with_the_times_outcomes_and_counters_it_had(
    office, staff, loket1, loket2
):
    petugas, satpam = staff["petugas"], staff["satpam"]
    office.come_at_lead_minutes = 0  # no come-at times: the log keeps SPEC §7's twelve columns
    office.save(update_fields=["come_at_lead_minutes"])
    # Bookings: Ketut on the Friday before, the others before opening; the walk-in at the door later.
    ketut = book(office, KETUT, now=wita(FRIDAY_BEFORE, 10), day=MONDAY)
    made = book(office, MADE, now=wita(MONDAY, 7, 30))
    wayan = book(office, WAYAN, now=wita(MONDAY, 7, 40), priority="elderly", channel="whatsapp")
    leaves = book(office, 4, service="CAPIL", now=wita(MONDAY, 7, 45))
    fever = book(office, 5, service="LEGAL", now=wita(MONDAY, 7, 50))
    never = book(office, 7, now=wita(MONDAY, 7, 55))
    waits = book(office, 8, service="CAPIL", now=wita(MONDAY, 7, 58))
    staffing.open_counter(counter=loket2, officer=petugas, now=at(0))

    enter(office, ketut, satpam, now=at(5))
    gate.record_exit(office=office, ticket_ref=ketut.token, officer=satpam, now=at(6))  # a photocopy
    enter(office, made, satpam, now=at(6))
    enter(office, ketut, satpam, now=at(7))  # back: the first arrival stands
    enter(office, leaves, satpam, now=at(8))
    enter(office, fever, satpam, temperature="38.4", now=at(9))
    serve(ketut, loket1, petugas, called=10, started=11, finished=20)  # opens loket 1 at 08.10
    assert calling.call_next(counter=loket1, officer=petugas, now=at(21)).pk == made.pk
    enter(office, wayan, satpam, now=at(22))
    calling.mark_no_show(token=made.token, officer=petugas, now=at(24))
    serve(wayan, loket1, petugas, called=25, started=26, finished=35)  # elderly: ahead of anyone
    services.cancel_ticket(token=leaves.token, now=at(30))  # went home before being called
    walk_in = book(office, 6, service="AMBIL", channel="walk_in", issued_by=satpam, nik="", now=at(40))
    enter(office, walk_in, satpam, now=at(40))
    serve(walk_in, loket1, petugas, called=41, started=42, finished=50)
    staffing.close_counter(counter=loket2, officer=petugas, now=at(180))
    staffing.pause_counter(counter=loket1, officer=petugas, now=at(240))
    staffing.open_counter(counter=loket1, officer=petugas, now=at(300))
    enter(office, waits, satpam, now=at(360))  # nobody calls CAPIL any more today
    staffing.close_finished_days(office, now=at(425))  # loket 1 was left open: closed at 15.00
    with time_machine.travel(at(0, day=TUESDAY), tick=False):
        worker.expire_past_tickets()  # the night's expiry, as the worker does it

    events, staffing_log = exported(office, now=at(60, day=TUESDAY))
    assert events.splitlines() == [
        HEADER,
        f"tabanan,{n('A-001')},KTP,web,,{t(10, 0, FRIDAY_BEFORE)},{t(8, 5)},{t(8, 10)},{t(8, 11)},{t(8, 20)},1,served",
        f"tabanan,{n('A-002')},KTP,web,,{t(7, 30)},{t(8, 6)},{t(8, 21)},,{t(8, 24)},1,no_show",
        f"tabanan,{n('A-003')},KTP,whatsapp,elderly,{t(7, 40)},{t(8, 22)},{t(8, 25)},{t(8, 26)},{t(8, 35)},1,served",
        f"tabanan,{n('D-001')},CAPIL,web,,{t(7, 45)},{t(8, 8)},,,{t(8, 30)},,cancelled",
        f"tabanan,{n('E-001')},LEGAL,web,,{t(7, 50)},,,,{t(8, 9)},,turned_away",
        f"tabanan,{n('A-004')},KTP,web,,{t(7, 55)},,,,,,no_show",
        f"tabanan,{n('D-002')},CAPIL,web,,{t(7, 58)},{t(14, 0)},,,{t(15, 0)},,no_show",
        f"tabanan,{n('F-001')},AMBIL,walk_in,,{t(8, 40)},{t(8, 40)},{t(8, 41)},{t(8, 42)},{t(8, 50)},1,served",
    ]
    assert staffing_log.splitlines() == [
        "office,counter,services,from,to",
        f"tabanan,2,CAPIL|LEGAL,{t(8, 0)},{t(11, 0)}",
        f"tabanan,1,AMBIL|KTP,{t(8, 10)},{t(12, 0)}",
        f"tabanan,1,AMBIL|KTP,{t(13, 0)},{t(15, 0)}",
    ]
    # Read back, the rows are the ones written; and the log carries no secret and no person.
    assert list(parse_events(io.StringIO(events))) == list(
        history.visits(office, MONDAY, MONDAY, now=at(60, day=TUESDAY))
    )
    assert [s.end for s in parse_staffing(io.StringIO(staffing_log))][-1] == at(420)
    for ticket in (ketut, made, wayan, leaves, fever, never, waits, walk_in):
        assert ticket.token not in events
    for person in (KETUT, MADE, WAYAN):
        assert person.nik not in events and person.name not in events


def test_without_a_gate_a_ticket_is_in_the_line_from_booking_or_from_opening(gate_off, staff, loket1):
    petugas = staff["petugas"]
    gate_off.come_at_lead_minutes = 0  # no come-at times: the log keeps SPEC §7's twelve columns
    gate_off.save(update_fields=["come_at_lead_minutes"])
    early = book(gate_off, 1, now=wita(FRIDAY_BEFORE, 10), day=MONDAY)
    changed_mind = book(gate_off, 2, now=wita(FRIDAY_BEFORE, 11), day=MONDAY)
    services.cancel_ticket(token=changed_mind.token, now=wita(MONDAY, 7))  # before the line began
    gave_up = book(gate_off, 3, now=wita(FRIDAY_BEFORE, 12), day=MONDAY)
    serve(early, loket1, petugas, called=10, started=11, finished=20)
    services.cancel_ticket(token=gave_up.token, now=at(90))
    walk_in = book(gate_off, 4, service="AMBIL", channel="walk_in", issued_by=petugas, nik="", now=at(60))
    serve(walk_in, loket1, petugas, called=70, started=71, finished=75)
    not_reached = book(gate_off, 5, now=at(100))
    not_reached_too = book(gate_off, 6, service="LEGAL", now=at(100))  # nobody opened loket 2

    events, _staffing = exported(gate_off, now=at(500))  # the same evening, before the night's expiry
    rows = {row.split(",")[1]: row for row in events.splitlines()[1:]}
    assert rows[n(early.number)].endswith(
        f",{t(10, 0, FRIDAY_BEFORE)},{t(8, 0)},{t(8, 10)},{t(8, 11)},{t(8, 20)},1,served"
    )
    assert rows[n(changed_mind.number)].endswith(f",{t(11, 0, FRIDAY_BEFORE)},,,,{t(7, 0)},,cancelled")
    assert rows[n(gave_up.number)].endswith(f",{t(12, 0, FRIDAY_BEFORE)},{t(8, 0)},,,{t(9, 30)},,cancelled")
    assert rows[n(walk_in.number)].endswith(f",{t(9, 0)},{t(9, 0)},{t(9, 10)},{t(9, 11)},{t(9, 15)},1,served")
    # Their day is over (after 15.00, still booked): they waited in the line until closing.
    assert rows[n(not_reached.number)].endswith(f",{t(9, 40)},{t(9, 40)},,,{t(15, 0)},,no_show")
    assert rows[n(not_reached_too.number)].endswith(f",{t(9, 40)},{t(9, 40)},,,{t(15, 0)},,no_show")


def test_without_a_gate_a_booking_from_home_is_in_the_line_from_its_come_at_time(gate_off, staff, loket1):
    """Asked to come at 10.00 and called at 10.20: it waited 20 minutes, not since the 08.00 opening,
    in the log and in the head of office's figures alike."""
    from antre.queueing.models import Ticket
    from antre.reports.stats import stats

    ticket = book(gate_off, 1, now=wita(FRIDAY_BEFORE, 10), day=MONDAY)
    Ticket.objects.filter(pk=ticket.pk).update(come_at=at(120), queued_at=at(120))  # as told at booking
    serve(ticket, loket1, staff["petugas"], called=140, started=141, finished=150)
    events, _staffing = exported(gate_off, now=at(500))
    row = next(line for line in events.splitlines() if n(ticket.number) in line)
    assert f",{t(10, 0, FRIDAY_BEFORE)},{t(10, 0)},{t(10, 20)},{t(10, 21)},{t(10, 30)},1,served" in row
    assert stats(gate_off, MONDAY, MONDAY, now=at(500)).total.wait_avg_minutes == 20.0


def test_the_come_at_time_told_at_booking_is_in_the_log(office):
    from antre.queueing import history

    ticket = book(office, KETUT, now=wita(FRIDAY_BEFORE, 10), day=MONDAY)
    ticket.refresh_from_db()
    row = next(history.visits(office, MONDAY, MONDAY, now=wita(MONDAY + dt.timedelta(days=1), 9)))
    assert ticket.come_at is not None and row.come_at == ticket.come_at
    assert row.queued_at == row.come_at  # it queued from then (antre.queueing.arrivals)
