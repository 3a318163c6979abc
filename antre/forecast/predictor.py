"""The wait predictor: when a ticket in the line will be called, from what is known at that moment.

It plays the queue forward (antre.forecast.engine) from the line as it stands:

- everyone ahead in the order the counters really call (priority visitors first, then the earliest
  booked), the tickets issued but not in the line yet as the share of them that usually comes, and
  the priority visitors who usually turn up unannounced;
- the counters open now, with what they serve; the visit under way at each, with how long such a
  visit still lasts; each counter's usual breaks and hours; a counter that closed unexpectedly is
  expected back after as long again as it has been away;
- a counter listed as open that has called nobody for half an hour while people waited for it is
  not counted;
- the time per ticket learned per service and hour (antre.forecast.model), scaled by how today's
  visits have gone so far compared with usual.

The answer carries its reasons, so a person can read why a time moved.
"""

from __future__ import annotations

import datetime as dt
import math
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from antre.forecast import draws
from antre.forecast.comeat import extend, hours_rate
from antre.forecast.engine import DAY_END, SLOT, Call, Desk, Job, schedule
from antre.forecast.eventlog import Shift, Visit
from antre.forecast.model import Model, minute_of, slot_of

NOT_YET = dt.datetime.max.replace(tzinfo=dt.UTC)  # the end of a period still running: not known yet
IDLE_LIMIT = 30.0  # minutes without a call, people waiting: an "open" counter that is not serving
PACE_WEIGHT = 60.0  # minutes of usual visits a day's own observations are weighed against
HORIZON = 240.0  # minutes of unannounced priority visitors taken into account
AHEAD_OF_TIME = 15.0  # minutes: a come-at time further ahead than this is taken as the arrival


@dataclass(frozen=True)
class Snapshot:
    """What is known about an office's day at `now`: every ticket of the day issued by then, as far
    as its life has gone by then, and the counters' periods begun by then."""

    day: dt.date
    now: dt.datetime
    visits: Sequence[Visit]  # no time after `now` in them (antre.forecast.replay.as_known)
    shifts: Sequence[Shift]  # begun by `now`; `end` is only read as "still open now"
    # Tickets not in the building yet that are not called before a time: their session's start
    # (a booking for 10.00–12.00 is not there at 08.00), by ticket name.
    not_before: Mapping[str, dt.datetime] = field(default_factory=dict)


@dataclass(frozen=True)
class Prediction:
    wait_minutes: float
    ahead: float  # tickets expected to be called before this one (fractions: may not come)
    counters: tuple[str, ...]  # the counters open now that serve this ticket's service
    minutes_per_visit: float  # this service's usual time per ticket, with today's pace
    pace: float  # today's visits against the usual: 1.2 = a fifth slower
    pauses: tuple[tuple[float, float], ...] = field(default=())  # breaks ahead, minutes of the day


def predict(
    model: Model, snap: Snapshot, *, service: str, priority: bool, issued_at: dt.datetime, ticket: str = ""
) -> Prediction:
    """The wait of a ticket that joins the line at `snap.now` (`ticket`: its name in the snapshot,
    if it is there already)."""
    now = minute_of(snap.now)
    pace = _pace(model, snap)
    # Its place among tickets queued at the same minute: its own, if it is in the snapshot; a new
    # ticket comes after them.
    place = next((i for i, v in enumerate(snap.visits) if ticket and v.ticket == ticket), 1 << 30)
    target = Job(order=(0 if priority else 1, minute_of_day(issued_at, snap.day), place), service=service,
                 ready=_ready(snap, ticket, now), minutes=1.0, target=True)  # fmt: skip
    jobs = [target, *_line(model, snap, pace, target, ticket)]
    desks = _desks(model, snap, pace)
    serving = tuple(sorted(d.name for d in desks if service in d.services and d.rate(now) > 0))
    if not any(service in d.services for d in desks):
        called = _fallback(model, snap, service, jobs, pace)
    else:
        ends = _line_ends(desks, service, now)
        expected = draws.expected_call(model, jobs, desks, otherwise=ends)
        called = ends if expected is None else expected
    called = max(called, target.ready)  # never before its session begins, whichever way it was found
    ahead = sum(job.weight for job in jobs if not job.target and job.order < target.order)
    return Prediction(
        wait_minutes=max(called - now, 0.0),
        ahead=round(ahead, 1),
        counters=serving,
        minutes_per_visit=round(model.minutes(service, now) * pace, 1),
        pace=round(pace, 2),
        pauses=_pauses(desks, service, now, called),
    )


@dataclass(frozen=True)
class Outlook:
    """Everyone's projected call at once (the live pages: one projection for the whole office)."""

    calls: dict[str, float]  # ticket (its name in the snapshot) -> minute of the day it is called
    ahead: dict[str, int]  # ticket -> tickets called before it by the counters that serve its service
    next_call: dict[str, float]  # service -> when a ticket of it joining the line now is called
    line: dict[str, list[float]] = field(default_factory=dict)  # service -> its waiting tickets' calls
    minutes: dict[str, float] = field(default_factory=dict)  # service -> time per ticket, today's pace
    desks: dict[str, list[Desk]] = field(default_factory=dict)  # service -> the counters serving it

    def newcomer(self, service: str, ahead: int) -> float | None:
        """When a ticket of `service` with `ahead` waiting before it in its line is called, from a
        projection made moments ago: the bookings since then are added at the service's pace."""
        line = self.line.get(service, [])
        start = self.next_call.get(service)
        if start is None:
            return None
        if ahead >= len(line):
            line = [*line, start]  # the newcomer of the projection stands for the first one after
        rates = [d.rate for d in self.desks.get(service, [])]
        return extend(line, ahead, start=start, minutes=self.minutes.get(service, 10.0), rates=rates)


def project_all(model: Model, snap: Snapshot, services: Sequence[str] = (), *, plays: bool = True) -> Outlook:
    """The projected call of every ticket not called yet, and of a new one per service in `services`:
    the mean over plays with drawn visit times (draws); one play at expected times without `plays`."""
    now = minute_of(snap.now)
    pace = _pace(model, snap)
    last = Job(order=(1, math.inf, 1 << 30), service="", ready=now, minutes=0.0, target=True)
    jobs = _line(model, snap, pace, last, "")
    # Real tickets carry their index in the snapshot; the unannounced priority visitors a negative one.
    names = {id(job): snap.visits[job.order[2]].ticket for job in jobs if job.order[2] >= 0}
    fresh = {service: Job((1, now + 1, (1 << 30) + i), service, ready=now, minutes=0.0, weight=0.0)
             for i, service in enumerate(services)}  # fmt: skip
    desks = _desks(model, snap, pace)
    everyone = [*jobs, *fresh.values()]
    calls = schedule(everyone, desks)  # who is called before whom, at expected times
    mean = (
        draws.expected_calls(
            model, everyone, desks, otherwise=lambda job: _line_ends(desks, job.service, now)
        )
        if plays
        else {}
    )
    place = {id(job): i for i, job in enumerate(everyone)}

    def expected(call: Call) -> float:  # reached at expected times but in no drawn play: its line's end
        i = place[id(call.job)]
        return mean.get(i, call.at) if i in mean or not plays else _line_ends(desks, call.job.service, now)

    at: dict[str, float] = {}
    ahead: dict[str, int] = {}
    done: list[tuple[float, frozenset[str], float]] = []  # (minute, desk's services, weight)
    for call in calls:
        name = names.get(id(call.job))
        if name is not None:
            at[name] = expected(call)
            service = call.job.service
            ahead[name] = round(sum(w for m, served, w in done if service in served and m < call.at))
        done.append((call.at, call.desk.services, call.job.weight))
    next_call = {s: expected(c) for c in calls for s, job in fresh.items() if c.job is job}
    line: dict[str, list[float]] = {}
    for call in sorted(
        (c for c in calls if id(c.job) in names and c.job.weight >= 0.5), key=lambda c: c.job.order
    ):
        line.setdefault(call.job.service, []).append(expected(call))
    return Outlook(
        calls=at,
        ahead=ahead,
        next_call=next_call,
        line=line,
        minutes={s: model.minutes(s, now) * pace for s in services},
        desks={s: [d for d in desks if s in d.services] for s in services},
    )


def minute_of_day(moment: dt.datetime, day: dt.date) -> float:
    """Minutes since `day`'s midnight: negative for a moment on an earlier day (a booking ahead)."""
    return (moment.date() - day).days * 24 * 60 + minute_of(moment)


def _pace(model: Model, snap: Snapshot) -> float:
    """Today's visits so far against the usual for the same services and hours."""
    seen = usual = 0.0
    for v in snap.visits:
        if v.called_at is None or v.finished_at is None or v.started_at is None:
            continue  # only visits served to the end: a no-show's minutes say nothing of the pace
        seen += (v.finished_at - v.called_at).total_seconds() / 60 + model.gap
        usual += model.minutes(v.service, minute_of(v.called_at))
    return (seen + PACE_WEIGHT) / (usual + PACE_WEIGHT)


def _line(model: Model, snap: Snapshot, pace: float, target: Job, ticket: str) -> list[Job]:
    """Everyone who may be called before the target, as jobs."""
    now = minute_of(snap.now)
    slot = slot_of(now)
    stays = 1 - model.leave_share
    comes = model.come_share[slot]
    jobs = []
    for i, v in enumerate(snap.visits):
        if v.called_at is not None or v.finished_at is not None or v.ticket == ticket:
            continue  # called already, gone, or the ticket itself
        order = (0 if v.is_priority else 1, minute_of_day(v.queued_at, snap.day), i)
        if order >= target.order:
            continue  # behind the target: it cannot hold the target up
        minutes = model.minutes(v.service, now) * pace
        if v.ticket in snap.not_before:
            # Its session has not begun: in the line from its start, as a booking that may not come.
            ready = _ready(snap, v.ticket, now)
            jobs.append(Job(order, v.service, ready=ready, minutes=minutes, weight=model.show_share))
        elif v.arrived_at is not None:
            jobs.append(Job(order, v.service, ready=now, minutes=minutes, weight=stays))
        elif v.come_at is not None and minute_of_day(v.come_at, snap.day) - now > AHEAD_OF_TIME:
            # Told to come later: in the line about when told, if at all.
            ready = minute_of_day(v.come_at, snap.day) + model.lateness
            jobs.append(
                Job(order, v.service, ready=max(ready, now), minutes=minutes, weight=model.show_share)
            )
        elif v.come_at is not None:  # its time is near or past: it may still cut in
            share = model.still_comes(now - minute_of_day(v.come_at, snap.day))
            jobs.append(Job(order, v.service, ready=now, minutes=minutes, weight=share))
        else:
            jobs.append(Job(order, v.service, ready=now, minutes=minutes, weight=comes))
    if target.order[0] == 1:
        jobs += _unannounced_priority(model, now, pace)
        jobs += [job for job in _walk_ins_to_come(model, now, pace) if job.order < target.order]
    for job in jobs:  # the ticket's name, or for those expected, their service and place in the day
        i = job.order[2]
        job.key = zlib.crc32((snap.visits[i].ticket if i >= 0 else f"{job.service}/{job.order}").encode())
    return jobs


def _ready(snap: Snapshot, ticket: str, now: float) -> float:
    """The first minute `ticket` may be called: now, or its session's start if that is later."""
    starts = snap.not_before.get(ticket) if ticket else None
    return max(now, minute_of_day(starts, snap.day)) if starts is not None else now


def _walk_ins_to_come(model: Model, now: float, pace: float) -> list[Job]:
    """The walk-ins who usually come from the next quarter-hour on: each queues from when they come,
    so they are ahead of a booking asked to come later (and behind everyone in the line now)."""
    jobs = []
    first = slot_of(now) + 1
    for (service, slot), per_day in model.walk_ins.items():
        if not (first <= slot and slot * SLOT < now + HORIZON):
            continue
        count = math.ceil(per_day)  # one job per person, spread over the quarter-hour
        for k in range(count):
            ready = slot * SLOT + SLOT * (k + 0.5) / count
            minutes = model.minutes(service, ready) * pace
            weight = min(per_day - k, 1.0)
            jobs.append(Job((1, ready, -1000 - slot), service, ready=ready, minutes=minutes, weight=weight))
    return jobs


def _unannounced_priority(model: Model, now: float, pace: float) -> list[Job]:
    jobs = []
    first = slot_of(now) + 1
    for (service, slot), per_day in model.walk_in_priority.items():
        if first <= slot and slot * SLOT < now + HORIZON:
            ready = slot * SLOT + SLOT / 2
            minutes = model.minutes(service, ready) * pace
            jobs.append(Job((0, ready, -1 - slot), service, ready=ready, minutes=minutes, weight=per_day))
    return jobs


def _desks(model: Model, snap: Snapshot, pace: float) -> list[Desk]:
    now = minute_of(snap.now)
    weekday = snap.day.weekday()
    busy = {
        v.counter: v for v in snap.visits if v.called_at is not None and v.finished_at is None and v.counter
    }
    last_call: dict[str, float] = {}
    for v in snap.visits:
        if v.called_at is not None and v.counter:
            last_call[v.counter] = max(last_call.get(v.counter, -1.0), minute_of(v.called_at))
    waiting_since = _waiting_since(snap)
    shifts: dict[str, list[Shift]] = {}
    for s in snap.shifts:
        shifts.setdefault(s.counter, []).append(s)
    desks = []
    for counter, periods in sorted(shifts.items()):
        current = next((s for s in periods if s.open_at(snap.now)), None)
        services = (
            current.services if current else model.counter_services.get(counter) or periods[-1].services
        )
        profile = model.open_profile(counter, weekday)
        # A plan (the office's hours, for a counter that has recorded no period today) has its ends
        # known ahead; a period being lived does not.
        planned = all(p.end < NOT_YET for p in periods) and any(p.end > snap.now for p in periods)
        if current is not None:
            began = max(minute_of(current.start), last_call.get(counter, -1.0))
            idle = counter not in busy and now - began > IDLE_LIMIT
            if idle and any(waiting_since.get(s, now) <= began for s in services):
                continue  # open on paper, calling nobody while people wait for it
        if planned:
            rate = hours_rate([(minute_of(p.start), minute_of(p.end)) for p in periods])
        elif current is not None:
            rate = _open_rate(profile, now)
        else:
            closed_since = max(minute_of(s.end) for s in periods if s.end <= snap.now)
            rate = _closed_rate(profile, now, back=now + max(now - closed_since, 10.0))
        free = now
        if counter in busy:
            v = busy[counter]
            elapsed = now - minute_of(v.called_at)  # type: ignore[arg-type]
            free = now + model.remaining(v.service, elapsed, now) * pace
        desks.append(Desk(counter, services, free, rate))
    desks += _expected_later(model, snap, shifts.keys())
    return desks


def _waiting_since(snap: Snapshot) -> dict[str, float]:
    """Per service, since when the longest waiting citizen in the line has waited."""
    since: dict[str, float] = {}
    for v in snap.visits:
        if v.arrived_at is not None and v.called_at is None and v.finished_at is None:
            since[v.service] = min(since.get(v.service, 1e9), minute_of(v.arrived_at))
    return since


def _open_rate(profile: list[float] | None, now: float) -> Callable[[float], float]:
    """A counter open now: it serves until its usual hours say otherwise (a break, closing)."""
    if profile is None:
        return lambda minute: 1.0
    here = max(profile[slot_of(now)], 0.5)
    first = slot_of(now)

    def rate(minute: float) -> float:
        slot = slot_of(minute)
        return 1.0 if slot <= first else min(profile[slot] / here, 1.0)

    return rate


def _closed_rate(profile: list[float] | None, now: float, *, back: float) -> Callable[[float], float]:
    """A counter closed now: in a usual break it comes back when the break ends; closed when it is
    usually open, it is expected back after as long again as it has been closed."""
    usual = profile if profile is not None else [0.0] * (24 * 60 // SLOT)
    unexpected = usual[slot_of(now)] >= 0.5

    def rate(minute: float) -> float:
        if minute < now or (unexpected and minute < back):
            return 0.0
        return usual[slot_of(minute)]

    return rate


def _expected_later(model: Model, snap: Snapshot, seen: object) -> list[Desk]:
    """Counters with no period yet today that usually open later in the day."""
    now = minute_of(snap.now)
    desks = []
    for (counter, weekday), profile in model.open_share.items():
        if weekday != -1 or counter in seen:  # type: ignore[operator]
            continue
        day_profile = model.open_profile(counter, snap.day.weekday()) or profile
        if max(day_profile[slot_of(now) :], default=0.0) < 0.5:
            continue

        def rate(minute: float, p: list[float] = day_profile) -> float:
            return p[slot_of(minute)] if minute >= now else 0.0

        desks.append(Desk(counter, model.counter_services.get(counter, frozenset()), now, rate))
    return desks


def _fallback(model: Model, snap: Snapshot, service: str, jobs: list[Job], pace: float) -> float:
    """No counter serves the service (or none before the day ends): the queue-length estimate with
    one counter, so a time is still given rather than none."""
    now = minute_of(snap.now)
    ahead = sum(job.weight for job in jobs if job.service == service and not job.target)
    return now + ahead * model.minutes(service, now) * pace


def _line_ends(desks: Sequence[Desk], service: str, now: float) -> float:
    """Where a line not called before the counters stop for the day ends: when they stop."""
    return max(_last_serving(desks, service, now), now)


def _last_serving(desks: Sequence[Desk], service: str, now: float) -> float:
    """The end of the last stretch of the day in which a counter serving the service usually serves
    (on at least half of the days: one late evening in twenty does not move the day's end)."""
    minute = DAY_END - SLOT
    while minute >= now and not any(service in d.services and d.rate(minute) >= 0.5 for d in desks):
        minute -= SLOT
    return minute + SLOT


def _pauses(desks: Sequence[Desk], service: str, now: float, until: float) -> tuple[tuple[float, float], ...]:
    """Stretches before the call in which every counter serving the service stops."""
    mine = [d for d in desks if service in d.services]
    pauses: list[tuple[float, float]] = []
    minute = (int(now // SLOT) + 1) * SLOT
    while minute < until and mine:
        if all(d.rate(minute) <= 0 for d in mine):
            if pauses and pauses[-1][1] == minute:
                pauses[-1] = (pauses[-1][0], minute + SLOT)
            else:
                pauses.append((minute, minute + SLOT))
        minute += SLOT
    return tuple(pauses)
