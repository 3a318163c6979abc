"""Come-at times: when a citizen who booked ahead should arrive, so that they find room inside and
wait little.

The day's bookings are played forward in call order (antre.forecast.engine) on the counters as they
usually serve that weekday, each booking as the share of bookings that usually comes, with each
quarter-hour's counter time less what the walk-ins who usually come then need. A citizen is asked to come `lead` minutes
before their expected call, never before the door opens, rounded down to five minutes (a time a
person can remember). Moving a time as the day goes is limited by antre.forecast.comeat.moved.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from antre.forecast.engine import SLOT, Desk, Job, schedule
from antre.forecast.model import Model, slot_of

ROUND = 5  # minutes


@dataclass(frozen=True)
class Booked:
    key: Hashable
    service: str
    priority: bool
    issued: float  # minutes since the day's midnight; negative for an earlier day


@dataclass(frozen=True)
class Counter:
    """A counter as the plan sees it: its services and its rate through the day."""

    name: str
    services: frozenset[str]
    rate: Callable[[float], float]


def plan(
    model: Model,
    bookings: Sequence[Booked],
    counters: Sequence[Counter],
    *,
    opens: float,
    lead: float,
    door_opens: float,
) -> dict[Hashable, float]:
    """Each booking's come-at time, minutes since midnight."""
    comes = model.show_share
    rates = _left_for_bookings(model, counters)
    jobs = [
        Job(
            order=(0 if b.priority else 1, b.issued, i),
            service=b.service,
            ready=-math.inf,
            minutes=model.minutes(b.service, opens),
            weight=comes,
        )
        for i, b in enumerate(bookings)
    ]
    desks = [Desk(c.name, c.services, opens, rate) for c, rate in zip(counters, rates, strict=True)]
    calls = {id(call.job): call.at for call in schedule(jobs, desks)}
    times = {}
    for b, job in zip(bookings, jobs, strict=True):
        called = calls.get(id(job))
        if called is None:
            called = max(calls.values(), default=opens)  # past the day's end: come by the last call
        times[b.key] = max(_round_down(called - lead), door_opens)
    return times


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
