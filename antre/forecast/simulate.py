"""An office day, simulated minute by minute with a heap of events (`antre simulate`).

Citizens come to the door when their arrival policy says (everyone at opening, a fixed hourly slot,
or the come-at time Antre gives them) give or take their lateness; walk-ins come with a morning
peak. The door lets people in while the room holds fewer than its capacity; the rest wait outside.
Counters call the first citizen inside in call order (priority visitors first, then the earliest
booked) among the services they serve, except in their break, an outage or after closing. Some
citizens never come, some are away when called, some give up waiting. Each day writes the same
event and staffing logs as a real office (SPEC §7), so the predictor is replayed on it unchanged.
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from antre.forecast.comeat import come_at, moved
from antre.forecast.eventlog import Outcome, Shift, Visit
from antre.forecast.predictor import Snapshot
from antre.forecast.replay import snapshot
from antre.forecast.scenario import Citizen, Scenario, citizens

WITA = dt.timezone(dt.timedelta(hours=8))
DOOR_OPENS_BEFORE = 15.0  # minutes before opening that the door lets people in
RECALL_MINUTES = 2.0  # a counter's time on a citizen who does not answer the call
GAP = 0.5  # minutes a counter takes between two citizens
OFFICE = "sim"


@dataclass
class Day:
    """What one simulated day produced."""

    visits: list[Visit]
    shifts: list[Shift]
    peak_on_site: int
    peak_outside: int
    waits: list[float]
    busy_share: float  # of the counters' open minutes spent on citizens
    people: list[Citizen] = field(default_factory=list)  # as the day left them (times in `extra`)
    counters: list[_Counter] = field(default_factory=list)


@dataclass
class _Counter:
    number: str
    services: frozenset[str]
    periods: list[tuple[float, float]]
    busy_until: float = -1.0
    busy_minutes: float = 0.0

    def open_at(self, minute: float) -> bool:
        return any(a <= minute < b for a, b in self.periods)


@dataclass
class _Office:
    scenario: Scenario
    counters: list[_Counter]
    events: list = field(default_factory=list)
    outside: list[Citizen] = field(default_factory=list)
    inside: list[Citizen] = field(default_factory=list)  # waiting to be called
    serving: int = 0
    peak: int = 0
    peak_outside: int = 0
    seq: int = 0
    day: dt.date = dt.date.min
    people: list[Citizen] = field(default_factory=list)
    told: Told | None = None
    projected: tuple[int, dict[str, float]] = (-1, {})

    def at(self, minute: float, kind: str, what: object = None) -> None:
        self.seq += 1
        heapq.heappush(self.events, (minute, self.seq, kind, what))

    def on_site(self) -> int:
        return len(self.outside) + len(self.inside) + self.serving


def counters_of(s: Scenario, rng: random.Random) -> list[_Counter]:
    """The counters' open periods: from a late-ish officer to closing, less their break and any outage."""
    counters = []
    for desk in s.desks:
        start = s.opens + rng.uniform(0, s.late_officer)
        periods = [(start, desk.pause[0]), (desk.pause[1], s.closes)]
        if s.outage:
            periods = _cut(periods, s.outage)
        counters.append(_Counter(desk.number, desk.services, periods))
    return counters


def _cut(periods: list[tuple[float, float]], hole: tuple[float, float]) -> list[tuple[float, float]]:
    out = []
    for a, b in periods:
        if b <= hole[0] or a >= hole[1]:
            out.append((a, b))
            continue
        if a < hole[0]:
            out.append((a, hole[0]))
        if b > hole[1]:
            out.append((hole[1], b))
    return out


Follow = Callable[[Snapshot], dict[str, float]]  # the live projection: ticket -> its expected call


@dataclass(frozen=True)
class Told:
    """How citizens who booked from home follow their come-at time as the day goes (Antre's
    WhatsApp "time to leave" and ticket page): `leave` minutes before it they look again, and set
    off for the time shown then, which moves later as needed and earlier by at most `margin`."""

    follow: Follow
    lead: float = 15.0
    margin: float = 15.0
    leave: float = 30.0


def run_day(
    s: Scenario,
    day: dt.date,
    rng: random.Random,
    arrivals: Callable[[list[Citizen]], None],
    told: Told | None = None,
) -> Day:
    """Simulate `day`: `arrivals` sets each booked citizen's `arrive_at` (and `come_at`); with
    `told`, citizens given a come-at time look again before leaving home (Told)."""
    people = citizens(s, rng)
    arrivals(people)
    return play(s, day, people, counters_of(s, rng), told)


def play(
    s: Scenario, day: dt.date, people: list[Citizen], counters: Sequence[_Counter], told: Told | None = None
) -> Day:
    """The day of `people` (their arrivals set) at `counters` (copied: they can be played again)."""
    office = _Office(s, [_Counter(c.number, c.services, list(c.periods)) for c in counters])
    office.day, office.people, office.told = day, people, told
    for c in people:
        if told is not None and c.booked and c.come_at is not None:
            if c.comes:
                office.at(max(c.come_at - told.leave, s.opens - 90), "look", c)
            continue
        when = c.walk_in_at if not c.booked else c.arrive_at
        if c.comes and when is not None:
            office.at(max(when, s.opens - 60), "door", c)
    for counter in office.counters:
        for a, _b in counter.periods:
            office.at(a, "free", counter)
    office.at(s.opens - DOOR_OPENS_BEFORE, "admit")
    office.at(s.closes, "close")
    while office.events:
        minute, _, kind, what = heapq.heappop(office.events)
        if kind == "close":
            _close(office, minute)
            break
        _handle(office, minute, kind, what)
        office.peak = max(office.peak, office.on_site())
        office.peak_outside = max(office.peak_outside, len(office.outside))
    return _day_result(s, day, people, office)


def _look_again(office: _Office, minute: float, c: Citizen) -> None:
    """A citizen about to leave home reads the come-at time shown now, and sets off for it."""
    told = office.told
    assert told is not None and c.come_at is not None  # noqa: S101 (only scheduled with both)
    bucket = int(minute // 5)
    if office.projected[0] != bucket:  # one projection per five minutes of the day
        office.projected = (bucket, told.follow(_snapshot(office, minute)))
    called = office.projected[1].get(f"{office.day.isoformat()}/{c.number}")
    shown = c.come_at
    if called is not None:
        shown = moved(
            told=c.come_at,
            fresh=come_at(called, lead=told.lead, earliest=office.scenario.opens),
            margin=told.margin,
        )
    c.extra["shown"] = shown
    office.at(max(shown + c.lateness, minute), "door", c)


def _snapshot(office: _Office, minute: float) -> Snapshot:
    shifts = [
        Shift(OFFICE, counter.number, counter.services, _moment(office.day, a), _moment(office.day, b))
        for counter in office.counters
        for a, b in counter.periods
    ]
    visits = [_visit(office.day, c) for c in office.people]
    return snapshot(office.day, _moment(office.day, minute), visits, shifts)


def _handle(office: _Office, minute: float, kind: str, what) -> None:
    s = office.scenario
    if kind == "look":
        _look_again(office, minute, what)
        return
    if kind == "door":
        what.extra["at_door"] = minute
        office.outside.append(what)
    elif kind == "leave" and what in office.inside:
        office.inside.remove(what)
        what.extra["left"] = minute
    elif kind == "done":
        office.serving -= 1
    _admit(office, minute)
    if minute >= s.opens:
        _call(office, minute)


def _admit(office: _Office, minute: float) -> None:
    s = office.scenario
    if minute < s.opens - DOOR_OPENS_BEFORE:
        return
    while office.outside and len(office.inside) + office.serving < s.capacity:
        # The door invites in call order, as Antre's gate does (antre.gate.services).
        c = min(office.outside, key=_call_order)
        office.outside.remove(c)
        c.extra["arrived"] = minute
        office.inside.append(c)
        office.at(minute + c.patience, "leave", c)


def _call_order(c: Citizen) -> tuple[bool, float, float, str]:
    """Priority visitors first; then from when each queues: a booking from home from the time it
    was asked to come, a walk-in from its arrival (as antre.queueing does); then booking order."""
    return (not c.priority, c.come_at if c.come_at is not None else c.issued, c.issued, c.number)


def _call(office: _Office, minute: float) -> None:
    for counter in office.counters:
        if counter.busy_until > minute or not counter.open_at(minute):
            continue
        eligible = [c for c in office.inside if c.service in counter.services]
        if not eligible:
            continue
        c = min(eligible, key=_call_order)
        office.inside.remove(c)
        c.extra.update(called=minute, counter=counter.number)
        if c.absent_when_called:
            spent = RECALL_MINUTES
            c.extra["no_show"] = minute + spent
        else:
            factor = office.scenario.afternoon_factor if minute >= 13 * 60 else 1.0
            spent = c.minutes * factor
            c.extra.update(started=minute + 0.3, finished=minute + spent)
            office.serving += 1
            office.at(minute + spent, "done")
        counter.busy_until = minute + spent + GAP
        counter.busy_minutes += spent
        office.at(counter.busy_until, "free", counter)


def _close(office: _Office, minute: float) -> None:
    for c in office.inside:
        c.extra["left_at_close"] = minute


def _moment(day: dt.date, minute: float) -> dt.datetime:
    midnight = dt.datetime.combine(day, dt.time(0), tzinfo=WITA)
    return (midnight + dt.timedelta(minutes=minute)).replace(microsecond=0)


def _visit(day: dt.date, c: Citizen) -> Visit:
    x = c.extra

    def t(key: str) -> dt.datetime | None:
        return _moment(day, x[key]) if key in x else None

    if "finished" in x:
        outcome, finished = Outcome.SERVED, t("finished")
    elif "no_show" in x:
        outcome, finished = Outcome.NO_SHOW, t("no_show")
    elif "left" in x:
        outcome, finished = Outcome.CANCELLED, t("left")
    else:
        outcome, finished = Outcome.NO_SHOW, t("left_at_close")
    return Visit(
        office=OFFICE,
        ticket=f"{day.isoformat()}/{c.number}",
        service=c.service,
        channel="web" if c.booked else "kiosk",
        priority="1" if c.priority else "",
        issued_at=_moment(day, c.issued),
        arrived_at=t("arrived"),
        called_at=t("called"),
        started_at=t("started"),
        finished_at=finished,
        counter=x.get("counter", ""),
        outcome=outcome,
        come_at=_moment(day, c.come_at) if c.come_at is not None else None,
    )


def _day_result(s: Scenario, day: dt.date, people: list[Citizen], office: _Office) -> Day:
    visits = [_visit(day, c) for c in people]
    shifts = [
        Shift(OFFICE, counter.number, counter.services, _moment(day, a), _moment(day, b))
        for counter in office.counters
        for a, b in counter.periods
    ]
    if s.phantom is not None:
        shifts.append(
            Shift(OFFICE, s.phantom.number, s.phantom.services, _moment(day, s.opens), _moment(day, s.closes))
        )
    open_minutes = sum(b - a for counter in office.counters for a, b in counter.periods)
    busy = sum(counter.busy_minutes for counter in office.counters)
    return Day(
        visits=visits,
        shifts=shifts,
        peak_on_site=office.peak,
        peak_outside=office.peak_outside,
        waits=[w for v in visits if v.waited and (w := v.wait_minutes) is not None],
        busy_share=busy / open_minutes if open_minutes else 0.0,
        people=people,
        counters=office.counters,
    )
