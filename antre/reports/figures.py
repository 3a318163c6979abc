"""Today's queue in figures: what the head of office watches, read-only. Numbers and short names only."""

from __future__ import annotations

import datetime as dt
from collections import Counter as Tally
from dataclasses import dataclass

from django.db.models import Count

from antre import clock
from antre.offices.models import Counter, Office
from antre.offices.shifts import CounterShift
from antre.people.models import User
from antre.queueing.door import inside_now
from antre.queueing.models import Status, Ticket, TicketQuerySet

LAST_CALLS = 8


@dataclass(frozen=True)
class ServiceLine:
    code: str
    name: str
    outside: int  # booked, not (or no longer) inside: not yet come in, or stepped out
    inside: int  # admitted, waiting for a call


@dataclass(frozen=True)
class CounterLine:
    number: int
    name: str
    ticket: str  # the number at the counter now, or ""
    status: str  # its status label, or ""
    officer: str = ""  # who opened the counter's running shift (name, else username); "" if closed


@dataclass(frozen=True)
class Call:
    number: str
    counter: int | None
    name: str  # short name (Ni Made S.)
    status: str  # label
    at: dt.datetime


@dataclass(frozen=True)
class QueueToday:
    day: dt.date
    gate: bool
    booked: int  # every number taken for today
    outside: int
    waiting_inside: int
    inside: int  # in the service area now, whatever their state
    capacity: int
    called: int
    serving: int
    served: int
    no_show: int
    turned_away: int
    cancelled: int
    by_service: list[ServiceLine]
    counters: list[CounterLine]
    calls: list[Call]


def queue_today(office: Office, *, now: dt.datetime | None = None) -> QueueToday:
    """The office's queue today at `now`: counts by state, waiting per service, counters, last calls."""
    now = now or clock.now()
    today = office.local_today(now)
    todays = Ticket.objects.filter(office=office, day=today)
    by_status = _count_by_status(todays)
    return QueueToday(
        day=today,
        gate=office.gate_enabled,
        booked=sum(by_status.values()),
        outside=by_status[Status.BOOKED],
        waiting_inside=by_status[Status.WAITING_INSIDE],
        inside=inside_now(office, today),
        capacity=office.capacity,
        called=by_status[Status.CALLED],
        serving=by_status[Status.SERVING],
        served=by_status[Status.DONE],
        no_show=by_status[Status.NO_SHOW],
        turned_away=by_status[Status.TURNED_AWAY],
        cancelled=by_status[Status.CANCELLED],
        by_service=_waiting_by_service(office, todays),
        counters=_at_counters(office, todays),
        calls=_last_calls(todays),
    )


def _count_by_status(todays: TicketQuerySet) -> Tally[str]:
    """How many of today's tickets are in each status (a status with none counts 0)."""
    return Tally(dict(todays.values_list("status").annotate(n=Count("pk")).values_list("status", "n")))


def _waiting_by_service(office: Office, todays: TicketQuerySet) -> list[ServiceLine]:
    """Each bookable service with how many wait for it outside and inside."""
    waiting = Tally(
        {
            (service_id, status): n
            for service_id, status, n in todays.waiting()
            .values_list("service_id", "status")
            .annotate(n=Count("pk"))
            .values_list("service_id", "status", "n")
        }
    )
    return [
        ServiceLine(s.code, s.name, waiting[(s.pk, Status.BOOKED)], waiting[(s.pk, Status.WAITING_INSIDE)])
        for s in office.services.bookable()
    ]


def _at_counters(office: Office, todays: TicketQuerySet) -> list[CounterLine]:
    """Each active counter with the ticket called to it or being served there, if any."""
    there = {
        t.counter_id: t
        for t in todays.filter(status__in=(Status.CALLED, Status.SERVING), counter__isnull=False)
    }
    at_work = {
        shift.counter_id: shift.opened_by
        for shift in CounterShift.objects.filter(office=office).running().select_related("opened_by")
    }
    return [
        CounterLine(
            c.number,
            c.name,
            there[c.pk].number if c.pk in there else "",
            _label(there[c.pk].status) if c.pk in there else "",
            _officer(at_work[c.pk]) if c.pk in at_work else "",
        )
        for c in Counter.objects.filter(office=office, active=True)
    ]


def _officer(user: User | None) -> str:
    if user is None:
        return "?"
    return user.get_full_name() or user.username


def _last_calls(todays: TicketQuerySet) -> list[Call]:
    """The latest calls to a counter, newest first."""
    calls = (
        todays.filter(called_at__isnull=False, counter__isnull=False)
        .select_related("counter")
        .order_by("-called_at")[:LAST_CALLS]
    )
    return [
        Call(t.number, t.counter.number if t.counter else None, t.short_name, _label(t.status), t.called_at)
        for t in calls
        if t.called_at is not None  # always, by the query; said again for the type
    ]


def _label(status: str) -> str:
    """A status as people read it, in the request's language."""
    return str(Status(status).label)
