"""Replay of an event log: the wait every ticket would have been told when it joined the line, made
with only what was known at that moment, by a model learned only from earlier days; and the
accuracy of ours against the classic estimators on the same tickets.

Only the past: each day's model is learned from the rows of earlier days, and each prediction sees
the day's rows through as_known(), which drops every ticket issued later and blanks every time after
the moment (so a call, a finish or a counter closing still to come cannot be read).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from antre.forecast.classic import ESTIMATORS
from antre.forecast.eventlog import Outcome, Shift, Visit
from antre.forecast.model import Model, day_of, learn
from antre.forecast.predictor import NOT_YET, Snapshot, predict

OURS = "Antre"


def as_known(visit: Visit, now: dt.datetime) -> Visit | None:
    """The visit as it stood at `now`: None if not issued yet, and no time after `now`."""
    if visit.issued_at > now:
        return None

    def known(moment: dt.datetime | None) -> dt.datetime | None:
        return moment if moment is not None and moment <= now else None

    called = known(visit.called_at)
    finished = known(visit.finished_at)
    return dataclasses.replace(
        visit,
        arrived_at=known(visit.arrived_at),
        called_at=called,
        started_at=known(visit.started_at),
        finished_at=finished,
        counter=visit.counter if called is not None else "",
        outcome=visit.outcome if finished is not None else Outcome.SERVED,
    )


def shift_as_known(shift: Shift, now: dt.datetime) -> Shift | None:
    if shift.start > now:
        return None
    return shift if shift.end <= now else dataclasses.replace(shift, end=NOT_YET)


def snapshot(day: dt.date, now: dt.datetime, visits: Sequence[Visit], shifts: Sequence[Shift]) -> Snapshot:
    seen = [known for v in visits if (known := as_known(v, now)) is not None]
    periods = [period for s in shifts if (period := shift_as_known(s, now)) is not None]
    return Snapshot(day=day, now=now, visits=seen, shifts=periods)


@dataclass(frozen=True)
class Replayed:
    visit: Visit
    actual: float
    predicted: dict[str, float]  # per method: ours and the classic ones


def replay(
    visits: Iterable[Visit], shifts: Iterable[Shift], *, learner: Callable[..., Model] = learn
) -> Iterator[Replayed]:
    """Every ticket that arrived and waited, day by day, with each method's prediction."""
    by_day: dict[dt.date, list[Visit]] = defaultdict(list)
    for v in visits:
        by_day[day_of(v)].append(v)
    shifts_by_day: dict[dt.date, list[Shift]] = defaultdict(list)
    for s in shifts:
        shifts_by_day[s.start.date()].append(s)
    past_visits: list[Visit] = []
    past_shifts: list[Shift] = []
    for day in sorted(by_day):
        model = learner(past_visits, past_shifts)
        today = sorted(by_day[day], key=lambda v: v.issued_at)
        for v in sorted((v for v in today if v.waited), key=lambda v: v.arrived_at):  # type: ignore[arg-type,return-value]
            yield _one(model, day, v, today, shifts_by_day[day])
        past_visits += today
        past_shifts += shifts_by_day[day]


def _one(model: Model, day: dt.date, v: Visit, today: Sequence[Visit], shifts: Sequence[Shift]) -> Replayed:
    now = v.arrived_at
    assert now is not None  # noqa: S101 (replay() passes only visits that arrived)
    snap = snapshot(day, now, today, shifts)
    ours = predict(
        model, snap, service=v.service, priority=v.is_priority, issued_at=v.queued_at, ticket=v.ticket
    )
    predicted = {OURS: ours.wait_minutes}
    for name, estimator in ESTIMATORS.items():
        predicted[name] = estimator(
            model, snap, service=v.service, priority=v.is_priority, issued_at=v.queued_at
        )
    return Replayed(visit=v, actual=v.wait_minutes or 0.0, predicted=predicted)


@dataclass(frozen=True)
class Accuracy:
    method: str
    tickets: int
    mean_wait: float
    rrase: float  # root mean squared error over the mean wait
    mae: float
    bias: float  # mean of predicted minus actual: above 0, waits are overstated
    within_5: float  # share of predictions within ±5 minutes


def accuracy(rows: Sequence[Replayed], method: str) -> Accuracy:
    errors = [r.predicted[method] - r.actual for r in rows]
    n = len(errors)
    if n == 0:
        return Accuracy(method, 0, 0.0, 0.0, 0.0, 0.0, 0.0)
    mean_wait = sum(r.actual for r in rows) / n
    rmse = math.sqrt(sum(e * e for e in errors) / n)
    return Accuracy(
        method=method,
        tickets=n,
        mean_wait=mean_wait,
        rrase=rmse / mean_wait if mean_wait else 0.0,
        mae=sum(abs(e) for e in errors) / n,
        bias=sum(errors) / n,
        within_5=sum(abs(e) <= 5 for e in errors) / n,
    )


def table(rows: Sequence[Replayed]) -> list[Accuracy]:
    return [accuracy(rows, method) for method in (OURS, *ESTIMATORS)]


def format_table(results: Sequence[Accuracy]) -> str:
    """The evaluation as a Markdown table, ours first."""
    lines = [
        "| method | tickets | mean wait (min) | RRASE | MAE (min) | bias (min) | within ±5 min |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for a in results:
        lines.append(
            f"| {a.method} | {a.tickets} | {a.mean_wait:.1f} | {a.rrase:.3f} | {a.mae:.1f} | "
            f"{a.bias:+.1f} | {a.within_5:.0%} |"
        )
    return "\n".join(lines)
