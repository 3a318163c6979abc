"""The classic wait estimators the predictor is measured against (Ibrahim & Whitt, 2009), each on
the ticket's own service's line, from what is known at the moment the ticket joins it.

- QL, queue length: the people ahead, times the service's mean time learned from past days,
  shared by the counters open for the service;
- LES, last to enter service: the wait of the last citizen of the service to be called;
- HOL, head of line: how long the first citizen in the service's line has waited so far.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from antre.forecast.model import Model, minute_of
from antre.forecast.predictor import Snapshot, minute_of_day


def _in_line(snap: Snapshot, service: str):
    return [
        v
        for v in snap.visits
        if v.service == service and v.arrived_at is not None and v.called_at is None and v.finished_at is None
    ]


def queue_length(
    model: Model, snap: Snapshot, *, service: str, priority: bool, issued_at: dt.datetime
) -> float:
    mine = (0 if priority else 1, minute_of_day(issued_at, snap.day))
    ahead = sum(
        1
        for v in _in_line(snap, service)
        if (0 if v.is_priority else 1, minute_of_day(v.queued_at, snap.day)) < mine
    )
    counters = {s.counter for s in snap.shifts if s.open_at(snap.now) and service in s.services}
    busy = {v.counter for v in snap.visits if v.called_at is not None and v.finished_at is None}
    idle = len(counters - busy)
    if ahead < idle:
        return 0.0
    return (ahead - idle + 1) * model.by_service.mean(service, model.overall) / max(len(counters), 1)


def last_to_enter_service(
    model: Model, snap: Snapshot, *, service: str, priority: bool, issued_at: dt.datetime
) -> float:
    last = max(
        (
            v
            for v in snap.visits
            if v.service == service and v.called_at is not None and v.arrived_at is not None
        ),
        key=lambda v: v.called_at,  # type: ignore[arg-type,return-value]
        default=None,
    )
    if last is None or last.called_at is None or last.arrived_at is None:
        return 0.0
    return max((last.called_at - last.arrived_at).total_seconds() / 60, 0.0)


def head_of_line(
    model: Model, snap: Snapshot, *, service: str, priority: bool, issued_at: dt.datetime
) -> float:
    line = _in_line(snap, service)
    if not line:
        return 0.0
    head = min(line, key=lambda v: (0 if v.is_priority else 1, v.queued_at))
    assert head.arrived_at is not None  # noqa: S101 (_in_line keeps only arrivals)
    return max(minute_of(snap.now) - minute_of(head.arrived_at), 0.0)


class Estimator(Protocol):
    def __call__(
        self, model: Model, snap: Snapshot, *, service: str, priority: bool, issued_at: dt.datetime
    ) -> float: ...


ESTIMATORS: dict[str, Estimator] = {"QL": queue_length, "LES": last_to_enter_service, "HOL": head_of_line}
