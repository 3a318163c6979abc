"""A counter's open periods: opened, paused and closed by its officer, opened by a first call, closed
by the day's end; which counters are open at a moment, with what they serve."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from antre import worker
from antre.conftest import MONDAY, SATURDAY, TUESDAY, at, wita
from antre.errors import Refusal
from antre.live.models import LiveEvent
from antre.offices.models import ClosedDay, Counter, Service
from antre.offices.shifts import CounterShift
from antre.queueing import calling, staffing
from antre.queueing.staffing import CounterState, State
from antre.queueing.tests.factories import book

# Calling without a door check; the gate has its own tests.
pytestmark = pytest.mark.usefixtures("gate_off")

CLOSING = 420  # the demo office closes at 15.00 on Monday: 420 minutes after opening


@pytest.fixture
def loket1(office):
    return Counter.objects.get(office=office, number=1)  # KTP and AMBIL


@pytest.fixture
def loket2(office):
    return Counter.objects.get(office=office, number=2)  # CAPIL and LEGAL


def shifts(counter) -> list[tuple]:
    return [
        (s.started_at, s.ended_at, s.closed_reason, s.services)
        for s in CounterShift.objects.filter(counter=counter).order_by("started_at")
    ]


def test_open_pause_open_close_makes_two_shifts_with_the_services_served(loket1, staff):
    petugas = staff["petugas"]
    staffing.open_counter(counter=loket1, officer=petugas, now=at(2))
    staffing.pause_counter(counter=loket1, officer=petugas, now=at(240))
    staffing.open_counter(counter=loket1, officer=petugas, now=at(300))
    staffing.close_counter(counter=loket1, officer=petugas, now=at(CLOSING))
    assert shifts(loket1) == [
        (at(2), at(240), "pause", "AMBIL|KTP"),
        (at(300), at(CLOSING), "close", "AMBIL|KTP"),
    ]
    assert {s.opened_by for s in CounterShift.objects.all()} == {petugas}


def test_the_state_says_since_when(loket1, staff):
    petugas = staff["petugas"]
    assert staffing.state_of(loket1, at(0)) == CounterState(State.CLOSED, None)
    assert staffing.open_counter(counter=loket1, officer=petugas, now=at(2)) == CounterState(
        State.OPEN, at(2)
    )
    assert staffing.state_of(loket1, at(100)) == CounterState(State.OPEN, at(2))
    staffing.pause_counter(counter=loket1, officer=petugas, now=at(240))
    assert staffing.state_of(loket1, at(250)) == CounterState(State.PAUSED, at(240))
    # Closed during the break: closed, and the shift that ended at the break keeps its times.
    assert staffing.close_counter(counter=loket1, officer=petugas, now=at(260)) == staffing.CLOSED
    assert shifts(loket1) == [(at(2), at(240), "close", "AMBIL|KTP")]


def test_a_break_of_yesterday_is_not_a_break_today(loket1, staff):
    staffing.open_counter(counter=loket1, officer=staff["petugas"], now=at(2))
    staffing.pause_counter(counter=loket1, officer=staff["petugas"], now=at(240))
    assert staffing.state_of(loket1, at(0, day=TUESDAY)) == staffing.CLOSED


def test_pressing_twice_changes_nothing_the_second_time(loket1, staff):
    petugas = staff["petugas"]
    staffing.open_counter(counter=loket1, officer=petugas, now=at(2))
    staffing.open_counter(counter=loket1, officer=petugas, now=at(3))
    staffing.pause_counter(counter=loket1, officer=petugas, now=at(240))
    assert staffing.pause_counter(counter=loket1, officer=petugas, now=at(241)).since == at(240)
    staffing.open_counter(counter=loket1, officer=petugas, now=at(300))
    staffing.close_counter(counter=loket1, officer=petugas, now=at(400))
    staffing.close_counter(counter=loket1, officer=petugas, now=at(401))
    assert shifts(loket1) == [
        (at(2), at(240), "pause", "AMBIL|KTP"),
        (at(300), at(400), "close", "AMBIL|KTP"),
    ]
    said = [(e.data["state"], e.data["at"]) for e in LiveEvent.objects.filter(kind="counter").order_by("seq")]
    assert said == [
        ("open", at(2).isoformat()),
        ("paused", at(240).isoformat()),
        ("open", at(300).isoformat()),
        ("closed", at(400).isoformat()),
    ]


def test_a_closed_counter_has_no_break_to_take(loket1, staff):
    with pytest.raises(Refusal) as refused:
        staffing.pause_counter(counter=loket1, officer=staff["petugas"], now=at(10))
    assert refused.value.code == "counter_closed"
    assert refused.value.message == "Loket 1 sedang tutup. Buka loket dahulu."


def test_a_counter_with_a_citizen_at_it_neither_pauses_nor_closes(office, loket1, staff):
    petugas = staff["petugas"]
    ticket = book(office, 1, now=at(0))
    calling.call_next(counter=loket1, officer=petugas, now=at(10))
    for verb in (staffing.pause_counter, staffing.close_counter):
        with pytest.raises(Refusal) as refused:
            verb(counter=loket1, officer=petugas, now=at(12))
        assert refused.value.code == "counter_busy" and ticket.number in refused.value.message
    calling.start_service(token=ticket.token, officer=petugas, now=at(13))
    calling.finish_service(token=ticket.token, officer=petugas, now=at(20))
    staffing.pause_counter(counter=loket1, officer=petugas, now=at(21))
    assert shifts(loket1) == [(at(10), at(21), "pause", "AMBIL|KTP")]


@pytest.mark.parametrize("who", ["satpam", "verifikator", "kepala", None])
def test_only_counter_officers_open_pause_and_close(loket1, staff, who):
    officer = staff[who] if who else None
    for verb in (staffing.open_counter, staffing.pause_counter, staffing.close_counter):
        with pytest.raises(Refusal) as refused:
            verb(counter=loket1, officer=officer, now=at(10))
        assert refused.value.code == ("forbidden" if who else "unauthorized")
    assert not CounterShift.objects.exists()


def test_the_database_keeps_one_open_shift_per_counter(office, loket1):
    CounterShift.objects.create(counter=loket1, office=office, started_at=at(0))
    with pytest.raises(IntegrityError), transaction.atomic():
        CounterShift.objects.create(counter=loket1, office=office, started_at=at(1))
    CounterShift.objects.create(
        counter=loket1, office=office, started_at=at(1), ended_at=at(2)
    )  # ended: fine


def test_a_first_call_opens_a_counter_its_officer_forgot_to_open(office, loket1, staff):
    petugas = staff["petugas"]
    first = book(office, 1, now=at(0))
    assert calling.call_next(counter=loket1, officer=petugas, now=at(5)).pk == first.pk
    assert shifts(loket1) == [(at(5), None, "", "AMBIL|KTP")]
    assert CounterShift.objects.get().opened_by == petugas
    calling.mark_no_show(token=first.token, officer=petugas, now=at(8))
    assert calling.call_next(counter=loket1, officer=petugas, now=at(9)) is None  # open: nothing new
    staffing.pause_counter(counter=loket1, officer=petugas, now=at(240))
    book(office, 2, now=at(250))
    calling.call_next(counter=loket1, officer=petugas, now=at(300))  # back from the break
    assert shifts(loket1) == [(at(5), at(240), "pause", "AMBIL|KTP"), (at(300), None, "", "AMBIL|KTP")]


def test_open_counters_at_a_moment_with_the_services_they_opened_with(office, loket1, loket2, staff):
    petugas = staff["petugas"]
    staffing.open_counter(counter=loket1, officer=petugas, now=at(0))
    staffing.pause_counter(counter=loket1, officer=petugas, now=at(240))
    staffing.open_counter(counter=loket1, officer=petugas, now=at(300))
    staffing.open_counter(counter=loket2, officer=petugas, now=at(60))
    staffing.close_counter(counter=loket2, officer=petugas, now=at(120))
    # Serving LEGAL too from now on: the shift already open keeps what it opened with.
    loket1.services.add(Service.objects.get(office=office, code="LEGAL"))

    def open_at(minutes: int, day=MONDAY) -> list[tuple[int, set[str]]]:
        return [(c.number, set(c.services)) for c in staffing.open_counters(office, at(minutes, day=day))]

    assert open_at(-1) == []
    assert open_at(30) == [(1, {"KTP", "AMBIL"})]
    assert open_at(90) == [(1, {"KTP", "AMBIL"}), (2, {"CAPIL", "LEGAL"})]
    assert open_at(120) == [(1, {"KTP", "AMBIL"})]  # closed at 120: no longer open at 120
    assert open_at(250) == []
    assert open_at(300) == [(1, {"KTP", "AMBIL"})]
    assert staffing.open_counters(office, at(300))[0].since == at(300)
    assert open_at(30, day=TUESDAY) == []  # a shift never runs into the next day


def test_the_days_end_closes_counters_left_open_at_closing_time(office, loket1, loket2, staff):
    staffing.open_counter(counter=loket1, officer=staff["petugas"], now=at(0))
    staffing.open_counter(counter=loket2, officer=staff["petugas"], now=at(30))
    assert staffing.close_finished_days(office, now=at(CLOSING - 1)) == 0
    assert staffing.close_finished_days(office, now=at(CLOSING + 5)) == 2
    assert shifts(loket1) == [(at(0), at(CLOSING), "day_end", "AMBIL|KTP")]
    assert shifts(loket2) == [(at(30), at(CLOSING), "day_end", "CAPIL|LEGAL")]
    assert staffing.close_finished_days(office, now=at(CLOSING + 6)) == 0
    assert LiveEvent.objects.filter(kind="counter", data__state="closed").count() == 2


def test_a_counter_serving_past_closing_closes_when_its_last_citizen_is_done(office, loket1, staff):
    petugas = staff["petugas"]
    ticket = book(office, 1, now=at(0))
    calling.call_next(counter=loket1, officer=petugas, now=at(CLOSING - 10))
    calling.start_service(token=ticket.token, officer=petugas, now=at(CLOSING - 8))
    assert staffing.close_finished_days(office, now=at(CLOSING + 5)) == 0  # still serving
    calling.finish_service(token=ticket.token, officer=petugas, now=at(CLOSING + 20))
    assert staffing.close_finished_days(office, now=at(CLOSING + 25)) == 1
    assert shifts(loket1) == [(at(CLOSING - 10), at(CLOSING + 20), "day_end", "AMBIL|KTP")]


def test_a_shift_left_open_over_night_ends_at_its_own_days_closing(office, loket1, loket2, staff):
    staffing.open_counter(counter=loket1, officer=staff["petugas"], now=at(0))
    staffing.open_counter(counter=loket2, officer=staff["petugas"], now=at(0))
    # No worker ran overnight: the next morning's opening, or the worker's first run, ends them.
    staffing.open_counter(counter=loket1, officer=staff["petugas"], now=at(5, day=TUESDAY))
    assert staffing.close_finished_days(office, now=at(6, day=TUESDAY)) == 1
    assert shifts(loket1) == [
        (at(0), at(CLOSING), "day_end", "AMBIL|KTP"),
        (at(5, day=TUESDAY), None, "", "AMBIL|KTP"),
    ]
    assert shifts(loket2) == [(at(0), at(CLOSING), "day_end", "CAPIL|LEGAL")]


def test_a_break_or_a_close_the_morning_after_does_not_stretch_yesterdays_shift(office, loket1, staff):
    staffing.open_counter(counter=loket1, officer=staff["petugas"], now=at(0))
    with pytest.raises(Refusal):  # it is not open today
        staffing.pause_counter(counter=loket1, officer=staff["petugas"], now=at(5, day=TUESDAY))
    staffing.close_counter(counter=loket1, officer=staff["petugas"], now=at(6, day=TUESDAY))
    assert shifts(loket1) == [(at(0), at(CLOSING), "day_end", "AMBIL|KTP")]


def test_the_worker_runs_the_days_end_among_its_jobs(office, loket1, staff, clock):
    clock.move_to(at(0))
    staffing.open_counter(counter=loket1, officer=staff["petugas"])
    assert "counter shifts" in {job.name for job in worker.JOBS}
    clock.move_to(at(CLOSING + 1))
    assert worker.end_counter_shifts() == 1
    assert CounterShift.objects.get().ended_at == at(CLOSING)


def test_calling_on_a_closed_day_is_refused_and_opens_no_counter(loket1, staff):
    """An officer at the console on a Saturday, or on a holiday: the call says the office is closed
    instead of quietly opening the counter."""
    ClosedDay.objects.create(office=loket1.office, date=TUESDAY, reason="Hari raya Galungan")
    for moment in (wita(SATURDAY, 9), at(60, day=TUESDAY)):
        with pytest.raises(Refusal) as refused:
            calling.call_next(counter=loket1, officer=staff["petugas"], now=moment)
        assert refused.value.code == "closed_day"
        assert "Kantor tutup hari ini" in refused.value.message
        assert staffing.state_of(loket1, moment).state == State.CLOSED
        with pytest.raises(Refusal) as refused:  # nor by "Buka loket"
            staffing.open_counter(counter=loket1, officer=staff["petugas"], now=moment)
        assert refused.value.code == "closed_day" and "Loket tidak dibuka" in refused.value.message
    assert shifts(loket1) == []
    assert not LiveEvent.objects.exists()
