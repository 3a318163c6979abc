"""Playing the queue forward: who each counter calls next, in the order the counters really call.

The projection is deterministic and works on expected values. Every counter that serves something
becomes free at some minute; the first free one calls the first ticket, in call order (priority
visitors first, then the earliest booked), of a service it serves that is in the line by then. The
ticket keeps the counter for its expected time at the counter. A ticket that may not come at all
(a booking not arrived yet, a citizen who may leave the line) is a fraction of a ticket: it keeps
the counter for that fraction of the time. Counters serve at a rate between 0 and 1 that follows
the day: 0 in a break or while closed, the share of usual days it is open otherwise.

Times are minutes since the office's local midnight, as floats.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

SLOT = 15  # minutes: the grain of a counter's availability through the day
DAY_END = 24 * 60.0


@dataclass(slots=True)
class Job:
    """A ticket as the projection sees it."""

    order: tuple[int, float, int]  # call order: (0 for priority else 1, issued minute, tie-break)
    service: str
    ready: float  # the minute it is in the line and may be called
    minutes: float  # its expected time at the counter
    weight: float = 1.0  # the chance it is really there to be served
    target: bool = False
    key: int = 0  # who it is, as a number that stays the same from one projection to the next (draws)


@dataclass(slots=True)
class Desk:
    """A counter as the projection sees it: what it serves, when it is next free, and its rate."""

    name: str
    services: frozenset[str]
    free: float
    rate: Callable[[float], float]  # the share of a minute it serves, at a minute of the day


def finish(
    start: float,
    work: float,
    rate: Callable[[float], float],
    *,
    until: float = DAY_END,
    started: bool = False,
) -> float:
    """When `work` minutes of serving, begun at `start`, end at the desk's rate; `until` if never.
    `started`: one visit under way, which a break or the closing does not stop (the officer
    finishes the citizen first); it goes on at least at the rate it began with."""
    moment = start
    floor = _serving(start, rate)[0] if started else 0.0
    while work > 1e-9:
        if moment >= until:
            return until
        speed, change = _serving(moment, rate)
        speed = max(speed, floor)
        if speed <= 1e-6:
            moment = change
            continue
        span = change - moment
        if work <= span * speed:
            return moment + work / speed
        work -= span * speed
        moment = change
    return moment


def available_from(moment: float, rate: Callable[[float], float], *, until: float = DAY_END) -> float:
    """The first minute from `moment` at which the desk serves at all."""
    while moment < until:
        speed, change = _serving(moment, rate)
        if speed > 1e-6:
            return moment
        moment = change
    return moment


def _serving(moment: float, rate: Callable[[float], float]) -> tuple[float, float]:
    """The desk's speed at `moment`, and the minute until which it holds.

    A quarter-hour in which a counter usually opens part of the way in (closed in the one before,
    open less of it than of the one after: it opened at 08.06 on most days) is not served slowly
    from its start: the counter is closed until the minute it usually opens, then serves fully.
    """
    start = math.floor(moment / SLOT) * SLOT
    end = start + SLOT
    here = rate(moment)
    if here > 1e-6 and rate(start - 1e-6) <= 1e-6 and here < (after := rate(end)):
        opens = start + (1 - here / after) * SLOT
        return (0.0, opens) if moment < opens else (after, end)
    return here, end


def project(jobs: Sequence[Job], desks: Sequence[Desk], *, until: float = DAY_END) -> float | None:
    """The minute the target job is called, or None when no desk reaches it before `until`.

    Jobs are taken in call order; desks in the order they come free (ties: the lower name).
    """
    if not any(job.target for job in jobs):
        return None
    calls = schedule(jobs, desks, until=until, stop_at_target=True)
    return next((call.at for call in calls if call.job.target), None)


@dataclass(frozen=True, slots=True)
class Call:
    job: Job
    at: float
    desk: Desk


def schedule(
    jobs: Sequence[Job], desks: Sequence[Desk], *, until: float = DAY_END, stop_at_target: bool = False
) -> list[Call]:
    """Every job's call, in the order they happen, as far as the desks get before `until`."""
    queues = _Queues(sorted(jobs, key=lambda job: job.order))
    heap = [(available_from(d.free, d.rate, until=until), i) for i, d in enumerate(desks) if d.services]
    heapq.heapify(heap)
    calls: list[Call] = []
    while heap:
        free, i = heapq.heappop(heap)
        if free >= until:
            break
        desk = desks[i]
        pick = queues.next_for(desk.services, free)
        if pick is None:
            continue  # nothing it serves is left: it no longer matters
        job, at = pick
        at = available_from(at, desk.rate, until=until)
        if at >= until:
            continue
        calls.append(Call(job, at, desk))
        if job.target and stop_at_target:
            break
        queues.take(job)
        done = finish(at, job.minutes * job.weight, desk.rate, until=until, started=True)
        heapq.heappush(heap, (available_from(done, desk.rate, until=until), i))
    return calls


class _Queues:
    """The line per service, in call order, with what has been called struck off."""

    def __init__(self, line: Sequence[Job]):
        self.by_service: dict[str, list[Job]] = {}
        for job in line:
            self.by_service.setdefault(job.service, []).append(job)
        self.start = dict.fromkeys(self.by_service, 0)
        self.taken: set[int] = set()

    def take(self, job: Job) -> None:
        self.taken.add(id(job))

    def next_for(self, services: frozenset[str], free: float) -> tuple[Job, float] | None:
        """What a desk serving `services` calls when free at `free`: the first in call order that
        is in the line; if none is yet, the first to come, when it comes."""
        best: Job | None = None
        first_to_come: tuple[Job, float] | None = None
        for service in sorted(services):  # a fixed order: ties break the same in every process
            jobs = self.by_service.get(service)
            if not jobs:
                continue
            i = self.start[service]
            while i < len(jobs) and id(jobs[i]) in self.taken:
                i += 1
            self.start[service] = i
            for job in jobs[i:]:
                if id(job) in self.taken:
                    continue
                if job.ready <= free:
                    if best is None or job.order < best.order:
                        best = job
                    break
                if first_to_come is None or (job.ready, job.order) < (
                    first_to_come[1],
                    first_to_come[0].order,
                ):
                    first_to_come = (job, job.ready)
        if best is not None:
            return best, free
        return first_to_come
