"""A counter's open periods (offices.CounterShift): open, pause and close it; the day's end closes
what officers left open; which counters are open at a moment, and what they serve.

What the office really staffed is the staffing log of SPEC §7 (antre.queueing.history exports it)
and what the wait predictor counts on. Each verb locks the counter row, the lock `call_next` takes
too, so two consoles never open two shifts; the partial unique index `one_open_shift_per_counter`
backs that in the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from antre import clock
from antre.errors import Refusal
from antre.live import events
from antre.offices import calendar
from antre.offices.models import Counter, Office
from antre.offices.shifts import SERVICE_SEPARATOR, ClosedReason, CounterShift
from antre.people import authorizers
from antre.people.models import User
from antre.queueing.models import Status, Ticket


class State(StrEnum):
    OPEN = "open"
    PAUSED = "paused"
    CLOSED = "closed"


@dataclass(frozen=True)
class CounterState:
    state: State
    since: dt.datetime | None  # opened (open), paused (paused); None when closed


CLOSED = CounterState(State.CLOSED, None)


@dataclass(frozen=True)
class OpenCounter:
    """A counter open at a moment, with the services it serves (as they were when it opened)."""

    counter_id: int
    number: int
    services: frozenset[str]
    since: dt.datetime


def open_counter(*, counter: Counter, officer: User | None, now: dt.datetime | None = None) -> CounterState:
    """Open the counter: a shift begins now. Already open: nothing changes. Not on a day the office
    is closed: the shift would go into the staffing log the wait predictor learns from."""
    authorizers.require(authorizers.may_staff_counter, officer, counter.office)
    now = now or clock.now()
    if not calendar.calendar_of(counter.office).is_open(counter.office.local_today(now)):
        raise Refusal("closed_day", _("Kantor tutup hari ini. Loket tidak dibuka."))
    with transaction.atomic():
        counter = _lock(counter)
        open_if_closed(counter, officer, now)
        return state_of(counter, now)


def pause_counter(*, counter: Counter, officer: User | None, now: dt.datetime | None = None) -> CounterState:
    """A break: the counter's shift ends now; "Buka loket" (or the next call) begins another."""
    authorizers.require(authorizers.may_staff_counter, officer, counter.office)
    now = now or clock.now()
    with transaction.atomic():
        counter = _lock(counter)
        refuse_if_busy(counter, counter.office.local_today(now))
        shift = _running(counter, now)
        if shift is None:
            state = state_of(counter, now)
            if state.state == State.PAUSED:
                return state
            raise Refusal(
                "counter_closed",
                _("Loket %(number)s sedang tutup. Buka loket dahulu.") % {"number": counter.number},
            )
        _end(shift, now, ClosedReason.PAUSE)
        return state_of(counter, now)


def close_counter(*, counter: Counter, officer: User | None, now: dt.datetime | None = None) -> CounterState:
    """Close the counter for the day (or until it is opened again). Already closed: nothing changes."""
    authorizers.require(authorizers.may_staff_counter, officer, counter.office)
    now = now or clock.now()
    with transaction.atomic():
        counter = _lock(counter)
        refuse_if_busy(counter, counter.office.local_today(now))
        shift = _running(counter, now)
        if shift is not None:
            _end(shift, now, ClosedReason.CLOSE)
        elif state_of(counter, now).state == State.PAUSED:
            # Closed during the break: the counter was not open meanwhile, so only the reason changes.
            CounterShift.objects.filter(pk=_latest(counter, now).pk).update(closed_reason=ClosedReason.CLOSE)
            _record(counter, State.CLOSED, now)
        return state_of(counter, now)


def open_if_closed(counter: Counter, officer: User | None, now: dt.datetime) -> CounterShift | None:
    """In the caller's transaction, with the counter row locked: open the counter unless it is open
    (the next call opens a counter its officer forgot to open). The new shift, or None."""
    if _running(counter, now) is not None:
        return None
    codes = counter.services.filter(active=True).order_by("code").values_list("code", flat=True)
    shift = CounterShift.objects.create(
        counter=counter,
        office_id=counter.office_id,
        started_at=now,
        services=SERVICE_SEPARATOR.join(codes),
        opened_by=officer,
    )
    _record(counter, State.OPEN, now)
    return shift


def _running(counter: Counter, now: dt.datetime) -> CounterShift | None:
    """The counter's shift open today, if any (counter locked). One left open on an earlier day, not
    yet closed by the day's end (no worker ran), is closed at that day's end first."""
    running = CounterShift.objects.running().filter(counter=counter).first()
    if running is not None and _day(counter.office, running.started_at) < counter.office.local_today(now):
        _end(running, day_end_of(running, counter.office), ClosedReason.DAY_END)
        return None
    return running


def refuse_if_busy(counter: Counter, today: dt.date) -> None:
    """A counter whose citizen is still called or being served cannot call again, pause or close."""
    busy = _at_counter(counter, today).first()
    if busy:
        raise Refusal(
            "counter_busy",
            _("Loket ini masih melayani %(number)s. Selesaikan atau tandai tidak hadir dahulu.")
            % {"number": busy.number},
            extra={"ticket": busy.number},
        )


def state_of(counter: Counter, now: dt.datetime | None = None) -> CounterState:
    """Open, paused or closed at `now`, and since when."""
    return states(counter.office, now, counters=[counter]).get(counter.pk, CLOSED)


def states(
    office: Office, now: dt.datetime | None = None, *, counters: list[Counter] | None = None
) -> dict[int, CounterState]:
    """Each counter's state at `now`, by counter id (a counter without a shift today is closed)."""
    now = now or clock.now()
    # Today's shifts only: one left open on an earlier day is over, whatever its row says (the
    # worker's day end, or the next opening, writes so).
    shifts = CounterShift.objects.filter(
        office=office, started_at__lte=now, started_at__gte=_midnight(office, office.local_today(now))
    )
    if counters is not None:
        shifts = shifts.filter(counter__in=counters)
    latest: dict[int, CounterShift] = {}
    for shift in shifts.order_by("started_at", "pk"):
        latest[shift.counter_id] = shift
    return {counter_id: _state(shift, now) for counter_id, shift in latest.items()}


def _state(shift: CounterShift, now: dt.datetime) -> CounterState:
    if shift.ended_at is None or shift.ended_at > now:
        return CounterState(State.OPEN, shift.started_at)
    if shift.closed_reason == ClosedReason.PAUSE:
        return CounterState(State.PAUSED, shift.ended_at)
    return CLOSED


def open_counters(office: Office, at: dt.datetime) -> list[OpenCounter]:
    """The counters open at the moment `at` (now, or a moment of the past), with their services."""
    shifts = (
        CounterShift.objects.filter(office=office, started_at__gte=_midnight(office, office.local_today(at)))
        .open_at(at)
        .select_related("counter")
        .order_by("counter__number")
    )
    return [
        OpenCounter(
            counter_id=shift.counter_id,
            number=shift.counter.number,
            services=shift.service_codes,
            since=shift.started_at,
        )
        for shift in shifts
    ]


def close_finished_days(office: Office, now: dt.datetime | None = None) -> int:
    """The worker's job: end every shift still open once its day's serving time is over, with the
    reason `day_end`, so no shift runs over night. Returns how many it ended."""
    now = now or clock.now()
    today = office.local_today(now)

    def due(shift: CounterShift) -> bool:
        return _day(office, shift.started_at) < today or _day_over(shift.counter, today, now)

    ended = 0
    for shift in CounterShift.objects.filter(office=office).running().select_related("counter__office"):
        if not due(shift):  # asked without a lock first: during the day, every minute, for every counter
            continue
        with transaction.atomic():
            shift.counter = _lock(shift.counter)
            if due(shift):  # a call may have come in meanwhile
                ended += _end(shift, day_end_of(shift, office), ClosedReason.DAY_END)
    return ended


def shift_day_end(
    *, started_at: dt.datetime, closes: dt.datetime | None, last_activity: dt.datetime | None
) -> dt.datetime:
    """When the day's end closes a shift left open: at closing time, or later where the counter
    worked on past it (a citizen served late, a counter opened after closing); never before it began."""
    return max(moment for moment in (started_at, closes, last_activity) if moment is not None)


def _day_over(counter: Counter, today: dt.date, now: dt.datetime) -> bool:
    """Today's serving time has ended and nobody is at the counter any more."""
    periods = calendar.serving_periods(counter.office, today)
    if not periods or now < periods[-1][1]:
        return False
    return not _at_counter(counter, today).exists()


def _at_counter(counter: Counter, today: dt.date):
    """The citizen at the counter: called, or being served."""
    return Ticket.objects.filter(counter=counter, day=today, status__in=(Status.CALLED, Status.SERVING))


def day_end_of(shift: CounterShift, office: Office) -> dt.datetime:
    """When the day's end closes `shift` if it is still open then (shift_day_end, from the rows)."""
    day = _day(office, shift.started_at)
    periods = calendar.serving_periods(office, day)
    worked = Ticket.objects.filter(counter_id=shift.counter_id, day=day).aggregate(
        called=Max("called_at"), finished=Max("finished_at")
    )
    activity = [moment for moment in worked.values() if moment is not None and moment >= shift.started_at]
    return shift_day_end(
        started_at=shift.started_at,
        closes=periods[-1][1] if periods else None,
        last_activity=max(activity, default=None),
    )


def _end(shift: CounterShift, at: dt.datetime, reason: ClosedReason) -> int:
    """End a running shift (only if it still runs: the worker and a console may meet here)."""
    ended = CounterShift.objects.filter(pk=shift.pk, ended_at__isnull=True).update(
        ended_at=at, closed_reason=reason
    )
    if ended:
        state = State.PAUSED if reason == ClosedReason.PAUSE else State.CLOSED
        _record(shift.counter, state, at)
    return ended


def _latest(counter: Counter, now: dt.datetime) -> CounterShift:
    return CounterShift.objects.filter(counter=counter, started_at__lte=now).latest("started_at", "pk")


def _lock(counter: Counter) -> Counter:
    # The lock call_next takes: of=self, since event recording needs the office row after it.
    return Counter.objects.select_for_update(of=("self",)).select_related("office").get(pk=counter.pk)


def _day(office: Office, instant: dt.datetime) -> dt.date:
    return office.local_today(instant)


def _midnight(office: Office, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=office.tzinfo)


def _record(counter: Counter, state: State, at: dt.datetime) -> None:
    """Consoles, displays and the wait predictor learn that a counter opened, paused or closed."""
    events.record(
        office_id=counter.office_id,
        kind="counter",
        data={"counter": counter.number, "state": state.value, "at": at.isoformat()},
    )
