"""Closed days' tallies, kept (reports.DayFigures) so that a year's figures are read in a fraction
of a second: a span's days before today are read from what was kept, today from its tickets.

A day is kept the first time a span holding it is asked for after it ended (or by the worker's
nightly job), and kept again when its tickets are no longer those it counted: their number or the
highest ticket id changed (a ticket added late, a restore). A change to a past ticket's times that
adds no ticket is not seen; nothing in Antre makes one after the day's end. `VERSION` changes when
the way of counting does, and every day is then counted again on its next reading."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Max

from antre.offices.models import Office
from antre.queueing.models import Ticket
from antre.reports.models import DayFigures
from antre.reports.readings import rows_of
from antre.reports.tally import Row, Tally

VERSION = 2
TOTAL = ("total", "")
Groups = dict[tuple[str, str], Tally]  # (dimension, key) -> tally


def groups_of(rows: Iterable[Row]) -> dict[dt.date, Groups]:
    """Each day's tally for the office and per service, counter (tickets called there), officer (by
    username: tickets they called), channel and kecamatan."""
    days: dict[dt.date, Groups] = defaultdict(dict)
    for row in rows:
        groups = days[row.day]
        keys = [TOTAL, ("service", row.service), ("channel", row.channel), ("kecamatan", row.kecamatan)]
        if row.counter:
            keys.append(("counter", row.counter))
        if row.officer:
            keys.append(("officer", row.officer))
        for key in keys:
            groups.setdefault(key, Tally()).add(row)
    return days


def kept(office: Office, first: dt.date, last: dt.date, *, now: dt.datetime) -> dict[dt.date, Groups]:
    """The tallies of the closed days first..last (all before today), kept first where missing."""
    keep(office, first, last, now=now)
    days: dict[dt.date, Groups] = defaultdict(dict)
    found = DayFigures.objects.filter(office=office, day__gte=first, day__lte=last, version=VERSION)
    for row in found.values_list(
        "day", "dimension", "key", "booked", "served", "no_show", "cancelled", "turned_away", "wait_sum",
        "waits", "service_count", "service_sum",
    ):  # fmt: skip
        day, dimension, key, booked, served, no_show, cancelled, turned_away, wait_sum, waits, n, minutes = (
            row
        )
        days[day][(dimension, key)] = Tally(
            booked, served, no_show, cancelled, turned_away, wait_sum,
            Counter({int(t): k for t, k in waits.items()}), n, minutes,
        )  # fmt: skip
    return days


def keep(office: Office, first: dt.date, last: dt.date, *, now: dt.datetime) -> int:
    """Keep the closed days first..last whose tallies are missing or out of date; how many were."""
    tickets = Ticket.objects.filter(office=office, day__gte=first, day__lte=last)
    actual = {
        day: (n, top)
        for day, n, top in tickets.values("day")
        .annotate(n=Count("pk"), top=Max("pk"))
        .values_list("day", "n", "top")
    }
    totals = DayFigures.objects.filter(
        office=office, day__gte=first, day__lte=last, dimension=TOTAL[0], key=TOTAL[1], version=VERSION
    )
    known = {day: (n, top) for day, n, top in totals.values_list("day", "booked", "last_ticket")}
    span = (first + dt.timedelta(days=i) for i in range((last - first).days + 1))
    stale = [day for day in span if known.get(day) != actual.get(day, (0, 0))]
    if not stale:
        return 0
    days = groups_of(rows_of(office, first, last, now=now, days=stale))
    rows = []
    for day in stale:
        groups = days.get(day) or {TOTAL: Tally()}
        top = actual.get(day, (0, 0))[1]
        rows += [_row(office, day, key, tally, top if key == TOTAL else 0) for key, tally in groups.items()]
    with transaction.atomic():
        DayFigures.objects.filter(office=office, day__in=stale).delete()
        DayFigures.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)  # another reader's
    return len(stale)


def _row(office: Office, day: dt.date, key: tuple[str, str], tally: Tally, top: int) -> DayFigures:
    return DayFigures(
        office=office, day=day, dimension=key[0], key=key[1], version=VERSION, last_ticket=top,
        booked=tally.booked, served=tally.served, no_show=tally.no_show, cancelled=tally.cancelled,
        turned_away=tally.turned_away, wait_sum=tally.wait_sum, waits={str(t): n for t, n in tally.waits.items()},
        service_count=tally.service_count, service_sum=tally.service_sum,
    )  # fmt: skip
