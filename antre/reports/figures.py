"""Today's queue in figures: what the head of office watches, read-only. Numbers and short names only."""

from __future__ import annotations

import datetime as dt
from collections import Counter as Tally
from dataclasses import dataclass

from django.db.models import Count

from antre import clock
from antre.offices.models import Counter, Office
from antre.queueing.door import inside_now
from antre.queueing.models import Status, Ticket

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
    by_status = Tally(dict(todays.values_list("status").annotate(n=Count("pk")).values_list("status", "n")))
    waiting = Tally(
        {
            (service_id, status): n
            for service_id, status, n in todays.waiting()
            .values_list("service_id", "status")
            .annotate(n=Count("pk"))
            .values_list("service_id", "status", "n")
        }
    )
    services = office.services.bookable()
    at_counters = {
        t.counter_id: t
        for t in todays.filter(status__in=(Status.CALLED, Status.SERVING), counter__isnull=False)
    }
    calls = (
        todays.filter(called_at__isnull=False, counter__isnull=False)
        .select_related("counter")
        .order_by("-called_at")[:LAST_CALLS]
    )
    labels = dict(Status.choices)
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
        by_service=[
            ServiceLine(
                s.code, s.name, waiting[(s.pk, Status.BOOKED)], waiting[(s.pk, Status.WAITING_INSIDE)]
            )
            for s in services
        ],
        counters=[
            CounterLine(
                c.number,
                c.name,
                at_counters[c.pk].number if c.pk in at_counters else "",
                str(labels[at_counters[c.pk].status]) if c.pk in at_counters else "",
            )
            for c in Counter.objects.filter(office=office, active=True)
        ],
        calls=[
            Call(
                t.number,
                t.counter.number if t.counter else None,
                t.short_name,
                str(labels[t.status]),
                t.called_at,
            )
            for t in calls
            if t.called_at is not None  # always, by the query; said again for the type
        ],
    )
