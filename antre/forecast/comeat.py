"""Come-at times: when a citizen who booked ahead should arrive, so that they find room inside and
wait little.

The day's bookings are played forward in call order (antre.forecast.engine) on the counters as they
usually serve that weekday, each booking as the share of bookings that usually comes, with each
quarter-hour's counter time less what the walk-ins who usually come then need. A citizen is asked to come `lead` minutes
before their expected call, never before the door opens, rounded down to five minutes (a time a
person can remember). Moving a time as the day goes is limited by antre.forecast.comeat.moved.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from antre.forecast.engine import SLOT, Desk, Job, available_from, finish, schedule
from antre.forecast.model import Model, slot_of

ROUND = 5  # minutes


@dataclass(frozen=True)
class Booked:
    key: Hashable
    service: str
    priority: bool
    issued: float  # minutes since the day's midnight; negative for an earlier day
    earliest: float = -math.inf  # not called before (its session's start)


@dataclass(frozen=True)
class Counter:
    """A counter as the plan sees it: its services and its rate through the day."""

    name: str
    services: frozenset[str]
    rate: Callable[[float], float]


@dataclass(frozen=True)
class DayPlan:
    """The day's bookings played forward: each one's expected call, and what a newcomer can expect."""

    calls: dict[Hashable, float]  # booking key -> expected call, minutes since midnight
    line: dict[str, list[float]]  # service -> its bookings' calls, in call order
    minutes: dict[str, float]  # service -> expected minutes per ticket
    rates: dict[str, list[Callable[[float], float]]]  # service -> the rates of the counters serving it
    opens: float

    def newcomer(self, service: str, ahead: int) -> float | None:
        """The expected call of a booking with `ahead` bookings of its service before it."""
        return extend(self.line.get(service, []), ahead, start=self.opens, minutes=self.minutes.get(service, 10.0),
                      rates=self.rates.get(service, []))  # fmt: skip


def extend(line: Sequence[float], ahead: int, *, start: float, minutes: float,
           rates: Sequence[Callable[[float], float]]) -> float | None:  # fmt: skip
    """When the ticket after the first `ahead` of a line is called: from the projected line while it
    reaches; past it, by the counters serving the service side by side: the last calls of the line
    are one per counter, each comes free `minutes` later at its own rate, and the next in line
    takes the first to come free (two counters call the fifth and sixth together, not one after
    the other at twice the pace)."""
    if ahead < len(line):
        return line[ahead]
    if not rates:
        return None
    recent = line[-len(rates) :]  # one per counter; a counter without one is free from `start`
    free = [
        (available_from(finish(called, minutes, rates[i]), rates[i]), i) for i, called in enumerate(recent)
    ]
    free += [(available_from(start, rates[i]), i) for i in range(len(recent), len(rates))]
    heapq.heapify(free)
    call = start
    for _ in range(ahead - len(line) + 1):
        call, i = heapq.heappop(free)
        heapq.heappush(free, (available_from(finish(call, minutes, rates[i]), rates[i]), i))
    return call


def usual_counters(model: Model, weekday: int) -> list[Counter]:
    """The counters as they usually serve on `weekday`, learned from the office's past days; none
    before there are three days of history (the caller then takes the counters as configured)."""
    if model.days < 3:
        return []
    return [
        Counter(counter, model.counter_services.get(counter, frozenset()), _profile_rate(
            model.open_profile(counter, weekday) or every_day))
        for (counter, day), every_day in model.open_share.items()
        if day == -1
    ]  # fmt: skip


def _profile_rate(profile: list[float]) -> Callable[[float], float]:
    return lambda minute: profile[slot_of(minute)]


def hours_rate(spans: Sequence[tuple[float, float]]) -> Callable[[float], float]:
    """A counter that serves fully within `spans` (minutes of the day) and not outside them."""
    return lambda minute: 1.0 if any(a <= minute < b for a, b in spans) else 0.0


def project_day(
    model: Model, bookings: Sequence[Booked], counters: Sequence[Counter], *, opens: float
) -> DayPlan:
    """The bookings in call order over the counters as usually staffed, their time shared with the
    walk-ins who usually come."""
    comes = model.show_share
    jobs = [
        Job(order=(0 if b.priority else 1, b.issued, i), service=b.service, ready=b.earliest,
            minutes=model.minutes(b.service, opens), weight=comes)
        for i, b in enumerate(bookings)
    ]  # fmt: skip
    rates = _left_for_bookings(model, counters)
    calls: dict[int, float] = {}
    for _ in range(2):  # again with each visit's time at the hour it is expected (afternoons differ)
        for job in jobs:
            job.minutes = model.minutes(job.service, calls.get(id(job), opens))
        desks = [Desk(c.name, c.services, opens, rate) for c, rate in zip(counters, rates, strict=True)]
        calls = {id(call.job): call.at for call in schedule(jobs, desks)}
    by_key = {b.key: calls[id(job)] for b, job in zip(bookings, jobs, strict=True) if id(job) in calls}
    line: dict[str, list[float]] = {}
    for b, job in zip(bookings, jobs, strict=True):
        if id(job) in calls and not b.priority:
            line.setdefault(b.service, []).append(calls[id(job)])
    services = {s for c in counters for s in c.services}
    return DayPlan(
        calls=by_key,
        line=line,
        minutes={s: model.minutes(s, opens) * comes for s in services},
        rates={s: [r for c, r in zip(counters, rates, strict=True) if s in c.services] for s in services},
        opens=opens,
    )


def plan(
    model: Model,
    bookings: Sequence[Booked],
    counters: Sequence[Counter],
    *,
    opens: float,
    lead: float,
) -> dict[Hashable, float]:
    """Each booking's come-at time, minutes since midnight."""
    day = project_day(model, bookings, counters, opens=opens)
    last = max(day.calls.values(), default=opens)
    return {b.key: come_at(day.calls.get(b.key, last), lead=lead, earliest=opens) for b in bookings}


def come_at(called: float, *, lead: float, earliest: float) -> float:
    """The time to ask a citizen to come for a call expected at `called`: `lead` minutes before, and
    never before `earliest` (the counters' opening, or a session's door). Nobody is asked for the
    minutes before the counters open: those who come early anyway then find the door open, and the
    first calls are made from them and the walk-ins who came first (measured in `antre simulate`:
    asking the first bookings for the door's opening made the crowd outside larger)."""
    return max(_round_down(called - lead), earliest)


def _left_for_bookings(model: Model, counters: Sequence[Counter]) -> list[Callable[[float], float]]:
    """Each counter's rate less its share of the walk-ins who usually come in each quarter-hour,
    so that the bookings leave them room when they come (most in the morning)."""

    def rate_of(counter: Counter) -> Callable[[float], float]:
        def rate(minute: float) -> float:
            slot = slot_of(minute)
            open_now = sum(c.rate(minute) for c in counters)
            walk_ins = model.walk_in_minutes[slot] / SLOT
            left = 1 - walk_ins / open_now if open_now > 0 else 0.0
            return counter.rate(minute) * min(max(left, 0.1), 1.0)

        return rate

    return [rate_of(c) for c in counters]


def _round_down(minute: float) -> float:
    return math.floor(minute / ROUND) * ROUND


def moved(*, told: float, fresh: float, margin: float) -> float:
    """A come-at time as it may move: later as the day requires, earlier by at most `margin`
    minutes from what the citizen was first told."""
    return max(fresh, told - margin)
