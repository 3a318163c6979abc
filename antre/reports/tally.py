"""The figures of a group of tickets, counted so that groups add up: a day's tally per service is
kept (antre.reports.rollup) and a year is the sum of its days, with the same averages, the same
90th percentile and the same count over the wait target as if every ticket were read again. Pure:
no Django.

A wait is kept to the tenth of a minute (six seconds): the percentile and the count over the target
are read from those tenths, so a kept day and a day read live give the same figures."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

SERVED, NO_SHOW, CANCELLED, TURNED_AWAY = "served", "no_show", "cancelled", "turned_away"


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
    officer: str = ""  # the username of who called it, "" if never called


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
    called: int = 0  # tickets called to a counter: what the waits are counted over

    @property
    def over_target_percent(self) -> int | None:
        """The share of the called who waited longer than the target, in whole percent."""
        return round(100 * self.over_wait_target / self.called) if self.called else None


def tenths(minutes: float) -> int:
    return round(minutes * 10)


@dataclass
class Tally:
    """Counts and sums of some tickets; `add` one, `merge` another tally."""

    booked: int = 0
    served: int = 0
    no_show: int = 0
    cancelled: int = 0
    turned_away: int = 0
    wait_sum: float = 0.0
    waits: Counter[int] = field(default_factory=Counter)  # tenths of a minute -> tickets
    service_count: int = 0
    service_sum: float = 0.0

    def add(self, row: Row) -> None:
        self.booked += 1
        if row.outcome in (SERVED, NO_SHOW, CANCELLED, TURNED_AWAY):
            setattr(self, row.outcome, getattr(self, row.outcome) + 1)
        if row.wait is not None:
            self.wait_sum += row.wait
            self.waits[tenths(row.wait)] += 1
        if row.service_minutes is not None:
            self.service_count += 1
            self.service_sum += row.service_minutes

    def merge(self, other: Tally) -> None:
        for name in ("booked", "served", "no_show", "cancelled", "turned_away", "service_count"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.wait_sum += other.wait_sum
        self.service_sum += other.service_sum
        self.waits.update(other.waits)

    def figures(self, target: float) -> Figures:
        called = sum(self.waits.values())
        return Figures(
            booked=self.booked,
            served=self.served,
            no_show=self.no_show,
            cancelled=self.cancelled,
            turned_away=self.turned_away,
            wait_avg_minutes=round(self.wait_sum / called, 1) if called else None,
            wait_p90_minutes=_nearest_rank(self.waits, called, 90),
            service_avg_minutes=round(self.service_sum / self.service_count, 1)
            if self.service_count
            else None,
            over_wait_target=sum(n for t, n in self.waits.items() if t > target * 10),
            called=called,
        )

    @classmethod
    def of(cls, rows: Iterable[Row]) -> Tally:
        tally = cls()
        for row in rows:
            tally.add(row)
        return tally


def _nearest_rank(waits: Mapping[int, int], called: int, p: float) -> float | None:
    """The smallest wait that `p` percent of the waits do not exceed."""
    if not called:
        return None
    rank, seen = max(math.ceil(p / 100 * called), 1), 0
    for wait in sorted(waits):
        seen += waits[wait]
        if seen >= rank:
            return wait / 10
    raise AssertionError("unreachable: the ranks add up to `called`")


def percentile(values: list[float], p: float) -> float | None:
    """Nearest rank over plain values (in minutes), to the tenth of a minute."""
    return _nearest_rank(Counter(tenths(v) for v in values), len(values), p)


def figures(rows: Iterable[Row], target: float) -> Figures:
    return Tally.of(rows).figures(target)


def in_order(tallies: Mapping[str, Tally], target: float) -> dict[str, Figures]:
    """Figures per key, in the key's order (numbers as numbers: counter 2 before counter 10)."""
    ordered = sorted(tallies, key=lambda k: (k.isdigit(), int(k) if k.isdigit() else 0, k))
    return {key: tallies[key].figures(target) for key in ordered}


def grouped(rows: Iterable[Row], key: Callable[[Row], str], target: float) -> dict[str, Figures]:
    tallies: dict[str, Tally] = {}
    for row in rows:
        tallies.setdefault(key(row), Tally()).add(row)
    return in_order(tallies, target)
