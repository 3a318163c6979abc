"""Tickets as the figures read them (antre.reports.tally.Row), each through queueing.history.story
as `antre forecast export` reads it. Codes and numbers only: no name, NIK or phone leaves here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator

from antre.forecast.eventlog import Outcome
from antre.offices import calendar
from antre.offices.models import Office
from antre.queueing import history
from antre.queueing.models import ACTIVE_STATUSES, Ticket
from antre.reports.tally import Row

_FIELDS = (
    "day", "service__code", "counter__number", "called_by__username", "channel", "kecamatan", *history.TIMES_FIELDS,
)  # fmt: skip


def rows_of(
    office: Office,
    first: dt.date,
    last: dt.date,
    *,
    now: dt.datetime,
    days: Collection[dt.date] | None = None,
) -> Iterator[Row]:
    """The tickets of first..last (only `days` of them, if given) issued by `now`, in day order."""
    today = office.local_today(now)
    tickets = Ticket.objects.filter(
        office=office, day__gte=first, day__lte=min(last, today), issued_at__lte=now
    )
    if days is not None:
        tickets = tickets.filter(day__in=days)
    hours: dict[dt.date, tuple[dt.datetime | None, dt.datetime | None]] = {}
    for day, service, counter, officer, channel, kecamatan, *times in (
        tickets.order_by("day", "pk").values_list(*_FIELDS).iterator(chunk_size=5000)
    ):
        if day not in hours:
            periods = calendar.serving_periods(office, day)
            hours[day] = (periods[0][0], periods[-1][1]) if periods else (None, None)
        ticket = history.TicketTimes(*times)
        opens, closes = hours[day]
        if day == today and ticket.status in ACTIVE_STATUSES:  # in the queue now: no outcome yet
            arrived = history.arrival(ticket, gate=office.gate_enabled, opens=opens)
            outcome, finished = "", None
        else:
            arrived, ended, finished = history.story(
                ticket, gate=office.gate_enabled, opens=opens, closes=closes
            )
            outcome = ended.value
        called = ticket.called_at
        yield Row(
            service=service,
            day=day,
            counter=str(counter) if counter is not None and called else "",
            officer=(officer or "") if called else "",
            channel=channel,
            kecamatan=kecamatan,
            outcome=outcome,
            wait=_minutes(arrived, called),
            service_minutes=_minutes(ticket.started_at, finished)
            if outcome == Outcome.SERVED.value
            else None,
        )


def _minutes(start: dt.datetime | None, end: dt.datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return max((end - start).total_seconds() / 60, 0.0)
