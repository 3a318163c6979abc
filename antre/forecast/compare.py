"""`antre simulate`: the same office days under three ways of asking booked citizens to come —
everyone at opening, a fixed hourly slot, and Antre's come-at times — side by side in one run,
with the crowd, the waits, the counters' busy share and the predictor's accuracy.

The days are the same under each policy: the same citizens, the same visit lengths, the same
lateness; only when booked citizens aim to arrive differs. The first days warm up what the office
learns (service times, who comes) and are not counted; they are usual days, so that a variant's
outage, wrong staffing file or new service is met for the first time on the measured days.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from antre.forecast import comeat
from antre.forecast.model import Model, learn
from antre.forecast.predictor import Snapshot, project_all
from antre.forecast.replay import OURS, Accuracy, accuracy, replay
from antre.forecast.scenario import Citizen, Desk, Scenario, ServiceMix
from antre.forecast.simulate import Day, Told, run_day

POLICIES = ("opening", "slots", "come_at")
LABELS = {"opening": "everyone at opening", "slots": "fixed hourly slots", "come_at": "Antre come-at times"}
LEAD = 15.0  # minutes before the expected call that citizens are asked to come
FIRST_DAY = dt.date(2031, 3, 3)  # a Monday far from any real day: the simulation needs no clock


def office_days(count: int, start: dt.date = FIRST_DAY) -> list[dt.date]:
    """`count` working days (Monday to Friday) from `start`."""
    days: list[dt.date] = []
    day = start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _follower(model: Model) -> Callable[[Snapshot], dict[str, float]]:
    """The ticket page's come-at time as the day goes: the live projection (antre.queueing.arrivals)."""
    return lambda snap: project_all(model, snap).calls


def usual_counters(model: Model, weekday: int, s: Scenario) -> list[comeat.Counter]:
    """The counters as the office expects them: as they usually served that weekday, or, before
    there is any history, as configured (services and break)."""
    learned = comeat.usual_counters(model, weekday)
    if learned:
        return learned
    return [comeat.Counter(d.number, d.services, _configured(s, d)) for d in s.desks]


def _configured(s: Scenario, desk: Desk) -> Callable[[float], float]:
    return lambda minute: (
        1.0 if s.opens <= minute < s.closes and not desk.pause[0] <= minute < desk.pause[1] else 0.0
    )


def arrivals(policy: str, s: Scenario, model: Model, day: dt.date) -> Callable[[list[Citizen]], None]:
    """How the booked citizens of a day aim to come under `policy`."""

    def arrive(people: list[Citizen]) -> None:
        booked = [c for c in people if c.booked]
        if policy == "opening":
            for c in booked:
                c.come_at = s.opens
                c.arrive_at = s.opens + c.lateness - 10  # many come early to be first
        elif policy == "slots":
            hours = max(int((s.closes - s.opens) // 60) - 1, 1)
            for i, c in enumerate(booked):
                c.come_at = s.opens + 60 * (i * hours // max(len(booked), 1))
                c.arrive_at = c.come_at + c.lateness
        else:
            wanted = [comeat.Booked(id(c), c.service, c.priority, c.issued) for c in booked]
            counters = usual_counters(model, day.weekday(), s)
            times = comeat.plan(model, wanted, counters, opens=s.opens, lead=LEAD)
            for c in booked:
                c.come_at = times[id(c)]
                c.arrive_at = c.come_at + c.lateness

    return arrive


@dataclass(frozen=True)
class Outcome:
    policy: str
    days: int
    peak_on_site: float
    peak_outside: float
    mean_wait: float
    p90_wait: float
    busy_share: float
    accuracy: Accuracy


def run_policy(policy: str, s: Scenario, *, days: int, warmup: int, seed: int) -> tuple[Outcome, list[Day]]:
    """Simulate warm-up and measured days under one policy, learning as the office would."""
    dates = office_days(warmup + days)
    history: list[Day] = []
    for i, day in enumerate(dates):
        model = learn([v for d in history for v in d.visits], [x for d in history for x in d.shifts])
        rng = random.Random(f"{seed}/{i}")  # the same citizens under every policy
        # Warm-up days are usual days: the outage, the wrong staffing or the new service come after.
        scenario = s if i >= warmup else Scenario()
        told = Told(follow=_follower(model)) if policy == "come_at" else None
        history.append(run_day(scenario, day, rng, arrivals(policy, scenario, model, day), told))
    measured = history[warmup:]
    rows = list(replay([v for d in history for v in d.visits], [x for d in history for x in d.shifts]))
    counted = {day for day in dates[warmup:]}
    rows = [r for r in rows if r.visit.arrived_at and r.visit.arrived_at.date() in counted]
    waits = [w for d in measured for w in d.waits]
    return (
        Outcome(
            policy=policy,
            days=len(measured),
            peak_on_site=statistics.fmean(d.peak_on_site for d in measured),
            peak_outside=statistics.fmean(d.peak_outside for d in measured),
            mean_wait=statistics.fmean(waits) if waits else 0.0,
            p90_wait=statistics.quantiles(waits, n=10)[-1] if len(waits) > 1 else 0.0,
            busy_share=statistics.fmean(d.busy_share for d in measured),
            accuracy=accuracy(rows, OURS),
        ),
        history,
    )


def format_outcomes(outcomes: Sequence[Outcome]) -> str:
    lines = [
        "| policy | days | peak on site | peak outside | mean wait (min) | p90 wait (min) | counters busy "
        "| predictor RRASE | within ±5 min |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for o in outcomes:
        lines.append(
            f"| {LABELS[o.policy]} | {o.days} | {o.peak_on_site:.1f} | {o.peak_outside:.1f} | {o.mean_wait:.1f} "
            f"| {o.p90_wait:.1f} | {o.busy_share:.0%} | {o.accuracy.rrase:.3f} | {o.accuracy.within_5:.0%} |"
        )
    return "\n".join(lines)


def variant(name: str) -> Scenario:
    """The busy office, or one of the days that break the predictor's assumptions."""
    base = Scenario()
    if name == "busy":
        return base
    if name == "outage":
        return dataclasses.replace(base, outage=(10 * 60, 11 * 60 + 30))
    if name == "phantom":
        return dataclasses.replace(base, phantom=Desk("6", frozenset({"KTP", "KK"}), (0.0, 0.0)))
    if name == "new-service":  # counter 4 takes on a service never offered before
        desks = tuple(
            dataclasses.replace(d, services=d.services | {"BARU"}) if d.number == "4" else d
            for d in base.desks
        )
        return dataclasses.replace(base, desks=desks, new_service=ServiceMix("BARU", 15, 0.06))
    raise ValueError(name)
