"""The office's figures over a span of days (SPEC §6 `stats`), for the head of office: counts by how
tickets ended, waits and service times, overall and broken down by service, counter, channel and the
citizen's kecamatan (the NIK's first six digits). Codes and numbers only: no name, NIK or phone.

What each figure means, decided once here (docs/operations.md says it to people):

- `booked`: every ticket of those days, however it was taken (web, WhatsApp, kiosk, counter).
- `served`, `no_show`, `cancelled`, `turned_away`: how tickets ended, as `antre forecast export`
  reads them (antre.queueing.history): a ticket whose day ended before it was served is a no-show;
  one whose service had begun is served. Today's tickets still in the queue are counted in `booked`
  only, until they end.
- A wait runs from joining the line (the gate's first admission; without a gate, booking time or
  the day's opening) to the call; the average and the 90th percentile (nearest rank: the smallest
  wait that nine in ten waits do not exceed) are over the tickets called. A service time runs from
  the start of the service to its finish, for tickets served and finished. `over_wait_target`
  counts the tickets called after waiting longer than the office's target (an office setting).
- A ticket without a NIK (a walk-in may give none) counts under the kecamatan `""`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from antre.forecast.eventlog import Outcome
from antre.offices import calendar
from antre.offices.models import Office
from antre.offices.regions import Region
from antre.queueing import history
from antre.queueing.models import ACTIVE_STATUSES, Ticket

LONGEST_SPAN = 366  # days in one request: a year, leap or not


@dataclass(frozen=True)
class Row:
    """One ticket as the figures read it."""

    service: str
    counter: str  # its number, "" if never called
    channel: str
    kecamatan: str  # "51.02.01", "" without a NIK
    outcome: str  # served, no_show, cancelled, turned_away; "" while still in the queue
    wait: float | None  # minutes from joining the line to the call; None if not called
    service_minutes: float | None  # from start to finish; None unless served and finished
    day: dt.date = dt.date.min  # the ticket's day


# The history's grain: each key sorts in time order as text.
PERIODS: dict[str, Callable[[dt.date], str]] = {
    "day": lambda d: d.isoformat(),
    "week": lambda d: "{}-W{:02d}".format(*d.isocalendar()[:2]),
    "month": lambda d: f"{d:%Y-%m}",
}


@dataclass(frozen=True)
class Figures:
    booked: int
    served: int
    no_show: int
    cancelled: int
    turned_away: int
    wait_avg_minutes: float | None
    wait_p90_minutes: float | None
    service_avg_minutes: float | None
    over_wait_target: int  # called after waiting longer than the office's target


def figures(rows: Iterable[Row], target: float) -> Figures:
    rows = list(rows)
    ended: dict[str, int] = defaultdict(int)
    for row in rows:
        ended[row.outcome] += 1
    waits = [row.wait for row in rows if row.wait is not None]
    services = [row.service_minutes for row in rows if row.service_minutes is not None]
    return Figures(
        booked=len(rows),
        served=ended[Outcome.SERVED.value],
        no_show=ended[Outcome.NO_SHOW.value],
        cancelled=ended[Outcome.CANCELLED.value],
        turned_away=ended[Outcome.TURNED_AWAY.value],
        wait_avg_minutes=_mean(waits),
        wait_p90_minutes=percentile(waits, 90),
        service_avg_minutes=_mean(services),
        over_wait_target=sum(1 for wait in waits if wait > target),
    )


def percentile(values: list[float], p: float) -> float | None:
    """Nearest rank: the smallest value that `p` percent of the values do not exceed."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(math.ceil(p / 100 * len(ordered)), 1) - 1], 1)


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def grouped(rows: Iterable[Row], key: Callable[[Row], str], target: float) -> dict[str, Figures]:
    """Figures per key, in the key's order (numbers as numbers: counter 2 before counter 10)."""
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    ordered = sorted(
        groups.items(),
        key=lambda item: (item[0].isdigit(), int(item[0]) if item[0].isdigit() else 0, item[0]),
    )
    return {code: figures(members, target) for code, members in ordered}


@dataclass(frozen=True)
class Stats:
    first: dt.date
    last: dt.date
    wait_target_minutes: int
    total: Figures
    per: str  # the grain of by_period: day, week or month
    by_period: dict[str, Figures]
    by_service: dict[str, Figures]
    by_counter: dict[str, Figures]
    by_channel: dict[str, Figures]
    by_kecamatan: dict[str, Figures]
    kecamatan_names: dict[str, str]


def stats(office: Office, first: dt.date, last: dt.date, *, now: dt.datetime, per: str = "day") -> Stats:
    """`office`'s figures for the days first..last (office-local, both included) as of `now`. Days
    after today hold no story yet: the span ends today (`Stats.last` says where it ended)."""
    last = max(first, min(last, office.local_today(now)))
    rows = list(rows_of(office, first, last, now=now))
    codes = {row.kecamatan for row in rows if row.kecamatan}
    target = office.wait_target_minutes
    return Stats(
        first=first,
        last=last,
        wait_target_minutes=target,
        total=figures(rows, target),
        per=per,
        by_period=grouped(rows, lambda r: PERIODS[per](r.day), target),
        by_service=grouped(rows, lambda r: r.service, target),
        by_counter=grouped((r for r in rows if r.counter), lambda r: r.counter, target),
        by_channel=grouped(rows, lambda r: r.channel, target),
        by_kecamatan=grouped(rows, lambda r: r.kecamatan, target),
        kecamatan_names=dict(Region.objects.filter(code__in=codes).values_list("code", "name")),
    )


def span_of(
    first_text: str | None, last_text: str | None, *, today: dt.date
) -> tuple[dt.date, dt.date, dict[str, str]]:
    """The days asked for (`YYYY-MM-DD`; by default the month so far), and what is wrong with them
    per field, in words for people (empty when nothing is)."""
    problem: dict[str, str] = {}
    last = _date(last_text, today, "to", problem)
    first = _date(first_text, last.replace(day=1), "from", problem)
    if not problem and first > last:
        problem["from"] = _("Tanggal awal harus sama dengan atau sebelum tanggal akhir.")
    if not problem and (last - first).days >= LONGEST_SPAN:
        problem["to"] = _("Paling lama %(n)s hari sekaligus.") % {"n": LONGEST_SPAN}
    return first, last, problem


def _date(text: str | None, default: dt.date, name: str, problem: dict[str, str]) -> dt.date:
    if not text:
        return default
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        problem[name] = _("Bukan tanggal: tulis TTTT-BB-HH, misalnya 2026-12-07.")
        return default


_FIELDS = ("day", "service__code", "counter__number", "channel", "nik", *history.TIMES_FIELDS)


def rows_of(office: Office, first: dt.date, last: dt.date, *, now: dt.datetime) -> Iterator[Row]:
    today = office.local_today(now)
    tickets = (
        Ticket.objects.filter(office=office, day__gte=first, day__lte=min(last, today), issued_at__lte=now)
        .order_by("day", "pk")
        .values_list(*_FIELDS)
    )
    hours: dict[dt.date, tuple[dt.datetime | None, dt.datetime | None]] = {}
    for day, service, counter, channel, nik, *times in tickets.iterator(chunk_size=5000):
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
            channel=channel,
            kecamatan=_kecamatan(nik),
            outcome=outcome,
            wait=_minutes(arrived, called),
            service_minutes=_minutes(ticket.started_at, finished)
            if outcome == Outcome.SERVED.value
            else None,
        )


def _kecamatan(nik: str) -> str:
    return f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}" if len(nik) == 16 and nik.isdigit() else ""


def _minutes(start: dt.datetime | None, end: dt.datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return max((end - start).total_seconds() / 60, 0.0)
