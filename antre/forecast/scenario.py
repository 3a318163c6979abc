"""A busy office for the simulator: its services, counters with overlapping services and staggered
breaks, and a day's citizens (who books from home, who walks in, who is a priority visitor, who
will not come), drawn from a seeded random generator so that a run can be repeated.

The default is a regency's civil registry on a busy day: seven services, five counters, about 215
tickets, three quarters booked ahead, counters about nine tenths busy.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ServiceMix:
    code: str
    minutes: float  # mean time at the counter
    share: float  # of the day's tickets


@dataclass(frozen=True)
class Desk:
    number: str
    services: frozenset[str]
    pause: tuple[float, float]  # the break, minutes of the day


def _desk(number: str, services: str, pause: tuple[int, int]) -> Desk:
    return Desk(number, frozenset(services.split()), (float(pause[0]), float(pause[1])))


@dataclass(frozen=True)
class Scenario:
    opens: float = 8 * 60
    closes: float = 15 * 60
    capacity: int = 25  # people inside at once
    tickets: int = 215  # a day's tickets, on average
    booked_share: float = 0.75
    priority_share: float = 0.07
    stay_away: float = 0.08  # booked citizens who never come
    absent_when_called: float = 0.02
    patience: float = 240.0  # mean minutes a citizen waits inside before giving up (most stay)
    spread: float = 0.5  # service times' coefficient of variation
    afternoon_factor: float = 1.1  # visits after 13.00 take this much longer
    late_officer: float = 8.0  # counters open up to this many minutes after opening
    services: tuple[ServiceMix, ...] = (
        ServiceMix("KTP", 9, 0.30),
        ServiceMix("KK", 7, 0.20),
        ServiceMix("PINDAH", 10, 0.08),
        ServiceMix("CAPIL", 12, 0.17),
        ServiceMix("LEGAL", 4, 0.08),
        ServiceMix("AMBIL", 3, 0.12),
        ServiceMix("SANTUNAN", 14, 0.05),
    )
    desks: tuple[Desk, ...] = (
        _desk("1", "KTP KK", (12 * 60, 12 * 60 + 45)),
        _desk("2", "KTP PINDAH", (12 * 60, 12 * 60 + 45)),
        _desk("3", "CAPIL KK", (12 * 60 + 45, 13 * 60 + 30)),
        _desk("4", "CAPIL SANTUNAN LEGAL", (12 * 60 + 45, 13 * 60 + 30)),
        _desk("5", "AMBIL LEGAL KTP", (12 * 60 + 30, 13 * 60)),
    )
    outage: tuple[float, float] | None = None  # every counter stops (a power cut)
    phantom: Desk | None = None  # listed as open all day, serves nobody (a wrong staffing file)
    new_service: ServiceMix | None = None  # a service the office never had before


@dataclass(eq=False)  # each citizen is themself: compared by identity
class Citizen:
    number: str
    service: str
    priority: bool
    booked: bool  # from home, on an earlier day
    issued: float  # minutes of the day; negative: an earlier day
    comes: bool  # a booked citizen who will come at all
    walk_in_at: float | None  # a walk-in's arrival
    minutes: float  # the visit's time at the counter, if served
    absent_when_called: bool
    patience: float
    lateness: float  # against the time they aim for
    arrive_at: float | None = None  # set by the arrival policy
    come_at: float | None = None  # what they were told
    extra: dict = field(default_factory=dict)


def lognormal(rng: random.Random, mean: float, cv: float) -> float:
    sigma = math.sqrt(math.log(1 + cv * cv))
    return rng.lognormvariate(math.log(mean) - sigma * sigma / 2, sigma)


def _walk_in_minute(rng: random.Random, s: Scenario) -> float:
    """A walk-in's arrival: a morning peak in the first two hours, then a steady trickle."""
    while True:
        minute = rng.uniform(s.opens - 30, s.closes - 60)
        weight = 1.0 if minute < s.opens + 120 else 0.4
        if rng.random() < weight:
            return minute


def citizens(s: Scenario, rng: random.Random) -> list[Citizen]:
    """A day's tickets, in the order they were issued."""
    mix = list(s.services) + ([s.new_service] if s.new_service else [])
    weights = [m.share for m in mix]
    n = max(int(rng.gauss(s.tickets, math.sqrt(s.tickets))), 1)
    people = []
    for _ in range(n):
        service = rng.choices(mix, weights)[0]
        booked = rng.random() < s.booked_share
        walk_in = None if booked else _walk_in_minute(rng, s)
        minutes = lognormal(rng, service.minutes, s.spread)
        late = rng.gauss(-4, 8) + (rng.uniform(10, 40) if rng.random() < 0.08 else 0.0)
        people.append(
            Citizen(
                number="",
                service=service.code,
                priority=rng.random() < s.priority_share,
                booked=booked,
                issued=rng.uniform(-7 * 24 * 60, -60) if booked else walk_in,  # type: ignore[arg-type]
                comes=not booked or rng.random() >= s.stay_away,
                walk_in_at=walk_in,
                minutes=minutes,
                absent_when_called=rng.random() < s.absent_when_called,
                patience=lognormal(rng, s.patience, 0.4),
                lateness=late,
            )
        )
    people.sort(key=lambda c: c.issued)
    counts: dict[str, int] = {}
    for c in people:
        counts[c.service] = counts.get(c.service, 0) + 1
        c.number = f"{c.service[:2]}-{counts[c.service]:03d}"
    return people
