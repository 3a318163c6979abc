"""The office's real history in the formats of SPEC §7 (antre.forecast.eventlog): one Visit per
ticket, one Shift per period a counter was open. What `antre forecast export` writes.

Choices the tickets leave open, made here once (docs/operations.md says them to people):

- `ticket` is the day and the number (`2026-12-07/A-012`), never the token, the ticket's secret.
  No name, NIK or phone leaves the database.
- `arrived_at` is the gate's first admission (one who stepped out and came back keeps it). At an
  office without a gate nobody is admitted: a ticket is in the line from when it queues (when it was
  booked, or for a booking from home the time it was asked to come), or from the day's opening if
  that is later (it is callable from then); one cancelled before that never joined it. A ticket
  turned away at the gate never joined the line: no `arrived_at`.
- A ticket whose day ended before it was served (expired) is a `no_show`: without `finished_at`
  if it never arrived; if it did, it left the line when it stepped out for good or at closing
  time, and that is its `finished_at`. One whose service had begun is `served`, without an end.
- Today's tickets still in the queue are left out until the day's serving time is over: their
  story has no end yet. After closing they are written as the night's expiry will leave them. A
  counter still open is written as open until now.
- Times are in the office's timezone, to the second.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from antre.forecast.eventlog import Outcome, Shift, Visit
from antre.offices import calendar
from antre.offices.models import Office
from antre.offices.shifts import CounterShift
from antre.queueing.models import ACTIVE_STATUSES, Status, Ticket
from antre.queueing.staffing import day_end_of

OUTCOMES = {
    Status.DONE: Outcome.SERVED,
    Status.NO_SHOW: Outcome.NO_SHOW,
    Status.CANCELLED: Outcome.CANCELLED,
    Status.TURNED_AWAY: Outcome.TURNED_AWAY,
}


def visits(office: Office, first: dt.date, last: dt.date, *, now: dt.datetime) -> Iterator[Visit]:
    """Every ticket of `office` whose day is in first..last (office-local, both included) and whose
    visit has ended by `now`, in the order of their days and bookings."""
    today = office.local_today(now)
    tickets = Ticket.objects.filter(
        office=office, day__gte=first, day__lte=min(last, today), issued_at__lte=now
    ).select_related("service", "counter")
    serving = calendar.serving_periods(office, today)
    if not serving or now < serving[-1][1]:
        tickets = tickets.exclude(day=today, status__in=ACTIVE_STATUSES)  # still in the queue
    tickets = tickets.order_by("day", "issued_at", "pk")
    hours: dict[dt.date, tuple[dt.datetime | None, dt.datetime | None]] = {}
    for ticket in tickets.iterator(chunk_size=2000):
        if ticket.day not in hours:
            periods = calendar.serving_periods(office, ticket.day)
            hours[ticket.day] = (periods[0][0], periods[-1][1]) if periods else (None, None)
        yield visit(ticket, office, *hours[ticket.day])


def visit(ticket: Ticket, office: Office, opens: dt.datetime | None, closes: dt.datetime | None) -> Visit:
    """One ticket's row. `opens` and `closes`: when the counters serve on its day (None if closed)."""
    arrived, outcome, finished = story(ticket, gate=office.gate_enabled, opens=opens, closes=closes)
    called, started = ticket.called_at, ticket.started_at
    local = office.tzinfo

    def at(moment: dt.datetime | None) -> dt.datetime | None:
        return moment.astimezone(local).replace(microsecond=0) if moment else None

    issued = at(ticket.issued_at)
    assert issued is not None  # every ticket is issued
    return Visit(
        office=office.slug,
        ticket=f"{ticket.day.isoformat()}/{ticket.number}",
        service=ticket.service.code,
        channel=ticket.channel,
        priority=ticket.priority,
        issued_at=issued,
        arrived_at=at(arrived),
        called_at=at(called),
        started_at=at(started),
        finished_at=at(finished),
        counter=str(ticket.counter.number) if ticket.counter else "",
        outcome=outcome,
        come_at=at(ticket.come_at),  # as told at booking; the optional column of the log
    )


@dataclass(slots=True)
class TicketTimes:
    """A ticket's status and times, all that its story needs: what a report reads instead of
    whole tickets (`TIMES_FIELDS` are the columns to ask for, in order)."""

    status: str
    issued_at: dt.datetime
    queued_at: dt.datetime
    arrived_at: dt.datetime | None
    called_at: dt.datetime | None
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    left_at: dt.datetime | None


TIMES_FIELDS = TicketTimes.__slots__
Times = Ticket | TicketTimes  # what a ticket's story is read from


def story(
    ticket: Times, *, gate: bool, opens: dt.datetime | None, closes: dt.datetime | None
) -> tuple[dt.datetime | None, Outcome, dt.datetime | None]:
    """How an ended ticket went: when it joined the line, how it ended, and when it left (its
    `finished_at` in the log)."""
    arrived = arrival(ticket, gate=gate, opens=opens)
    finished = ticket.finished_at
    outcome = OUTCOMES.get(Status(ticket.status))
    if outcome == Outcome.TURNED_AWAY:
        arrived = None  # screened out at the door: never in the line
    if outcome is None:  # expired, or a day that ended with the ticket still active
        if ticket.started_at is not None:
            outcome, finished = Outcome.SERVED, None  # served, but nobody pressed "Selesai"
        else:
            outcome = Outcome.NO_SHOW
            finished = left_line(ticket, arrived, closes) if arrived else None
    return arrived, outcome, finished


def arrival(ticket: Times, *, gate: bool, opens: dt.datetime | None, told: bool = True) -> dt.datetime | None:
    """When the citizen joined the line: the gate's first admission; without a gate (or for a ticket
    called with none recorded), when it queues from (booking time, or for a booking from home the
    time it was asked to come) or the day's opening, whichever is later.

    `told=False` reads booking time even for a booking from home: the live projection's view, in
    which such a ticket can be called from its booking on (the log and the figures count the wait
    from the time the citizen was asked to come)."""
    if ticket.arrived_at is not None:
        return ticket.arrived_at
    if gate and ticket.called_at is None:
        return None  # behind a gate, never admitted
    queues = ticket.queued_at if told else ticket.issued_at
    joined = max(queues, opens) if opens else queues
    if ticket.called_at is not None:
        return min(joined, ticket.called_at)  # called: in the line by then at the latest
    if ticket.finished_at is not None and ticket.finished_at < joined:
        return None  # cancelled before the line it would have joined began
    return joined


def left_line(ticket: Times, arrived: dt.datetime, closes: dt.datetime | None) -> dt.datetime:
    """When a citizen the day ended on stopped waiting: out of the door for good, or at closing."""
    ends = [moment for moment in (ticket.left_at, closes, ticket.finished_at) if moment is not None]
    return max(arrived, min(ends)) if ends else arrived


def shifts(office: Office, first: dt.date, last: dt.date, *, now: dt.datetime) -> Iterator[Shift]:
    """The periods `office`'s counters were open, begun on days first..last by `now`; one still open
    runs until now (or, from an earlier day, until that day's end)."""
    today = office.local_today(now)
    start = dt.datetime.combine(first, dt.time(0), tzinfo=office.tzinfo)
    end = dt.datetime.combine(min(last, today) + dt.timedelta(days=1), dt.time(0), tzinfo=office.tzinfo)
    rows = (
        CounterShift.objects.filter(office=office, started_at__gte=start, started_at__lt=end)
        .filter(started_at__lte=now)
        .select_related("counter")
        .order_by("started_at", "pk")
    )
    for row in rows:
        ended = row.ended_at
        if ended is None:
            ended = now if office.local_today(row.started_at) == today else day_end_of(row, office)
        began = row.started_at.astimezone(office.tzinfo).replace(microsecond=0)
        ended = min(ended, now).astimezone(office.tzinfo).replace(microsecond=0)
        if ended <= began:
            continue  # open and shut within a second: no period to tell
        yield Shift(
            office=office.slug,
            counter=str(row.counter.number),
            services=row.service_codes,
            start=began,
            end=ended,
        )
