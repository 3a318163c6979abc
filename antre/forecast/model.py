"""What the predictor learns from an office's past days (SPEC §7 logs), and only from those.

- the time a ticket keeps a counter, per service and hour of the day: from the call to the next
  call at the same counter when the counter went straight on (so the officer's few seconds between
  two citizens count), shrunk towards the service's and the office's means where data is thin;
- the same times as a distribution, for how long a visit under way still lasts;
- how often a citizen in the line leaves it uncalled;
- for tickets issued but not in the line yet (booked from home, waiting at the door): the chance
  they come before someone behind them in call order, already in the line, is called — by how
  late they are against their come-at time, or by the quarter-hour of the day;
- how many priority visitors turn up unannounced per quarter-hour (they are called first);
- when each counter is usually open, per weekday, counting only periods in which it called anyone
  (a counter listed as open that served nobody does not count).
"""

from __future__ import annotations

import bisect
import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from antre.forecast.engine import SLOT
from antre.forecast.eventlog import Outcome, Shift, Visit

STRAIGHT_ON = 3.0  # minutes: a next call within this of a finish means the counter went straight on
SHRINK = 8.0  # pseudo-observations pulling a thin mean towards the broader one
DEFAULT_MINUTES = 10.0  # a service time before any history at all
SLOTS = 24 * 60 // SLOT
LATE_EDGES = (-120.0, -60.0, -30.0, -15.0, -5.0, 0.0, 5.0, 10.0, 20.0, 30.0, 45.0, 60.0, 90.0, 120.0)


def minute_of(moment: dt.datetime) -> float:
    """Minutes since local midnight, in the offset the moment was written with."""
    return moment.hour * 60 + moment.minute + moment.second / 60


def slot_of(minute: float) -> int:
    return min(max(int(minute // SLOT), 0), SLOTS - 1)


def day_of(visit: Visit) -> dt.date:
    """The day of the visit: from the exported ticket name (`2026-12-03/A-012`), else its first step."""
    head = visit.ticket[:10]
    try:
        return dt.date.fromisoformat(head)
    except ValueError:
        pass
    for moment in (visit.arrived_at, visit.called_at, visit.started_at, visit.finished_at):
        if moment is not None:
            return moment.date()
    return visit.issued_at.date()


@dataclass
class Shrunk:
    """A mean per key, pulled towards a fallback mean where there are few observations."""

    sums: dict = field(default_factory=lambda: defaultdict(float))
    counts: dict = field(default_factory=lambda: defaultdict(int))

    def add(self, key, value: float) -> None:
        self.sums[key] += value
        self.counts[key] += 1

    def mean(self, key, fallback: float) -> float:
        n = self.counts.get(key, 0)
        return (self.sums.get(key, 0.0) + SHRINK * fallback) / (n + SHRINK)


@dataclass
class Model:
    days: int = 0
    overall: float = DEFAULT_MINUTES
    gap: float = 0.5  # minutes a counter usually takes between a finish and its next call
    by_service: Shrunk = field(default_factory=Shrunk)
    by_service_hour: Shrunk = field(default_factory=Shrunk)
    spans: dict[str, list[float]] = field(default_factory=dict)  # sorted, per service
    # Per service ("" for all): each past visit's time over its service's mean (antre.forecast.draws).
    shapes: dict[str, list[float]] = field(default_factory=dict)
    leave_share: float = 0.0
    show_share: float = 0.9  # of the tickets booked on an earlier day, those that came
    # Tickets issued but not in the line, without a come-at time: per quarter-hour, the share that
    # came before someone behind them, in the line then, was called.
    come_share: list[float] = field(default_factory=lambda: [0.5] * SLOTS)
    walk_in_priority: dict[tuple[str, int], float] = field(default_factory=dict)  # per day
    walk_ins: dict[tuple[str, int], float] = field(default_factory=dict)  # the others, per day
    walk_in_minutes: list[float] = field(default_factory=lambda: [0.0] * SLOTS)  # counter time per day
    open_share: dict[tuple[str, int], list[float]] = field(default_factory=dict)  # (counter, weekday)
    counter_services: dict[str, frozenset[str]] = field(default_factory=dict)
    # Tickets told a come-at time, not in the line yet, by minutes past that time (LATE_EDGES):
    # the share that still comes.
    late_share: list[float] = field(default_factory=lambda: [0.5] * len(LATE_EDGES))
    # Minutes after their come-at time that citizens are in the line, the median (early: below 0).
    lateness: float = 0.0

    def still_comes(self, past_come_at: float) -> float:
        """The chance that a ticket not in the line `past_come_at` minutes after its come-at time
        comes before someone behind it, in the line now, is called."""
        i = max(bisect.bisect_right(LATE_EDGES, past_come_at) - 1, 0)
        return self.late_share[i]

    # Minutes per visit the office configured per service: where history is thin, learning starts here.
    prior: dict[str, float] = field(default_factory=dict)

    def minutes(self, service: str, minute: float) -> float:
        """Expected minutes a ticket of `service` keeps a counter, at that minute of the day."""
        per_service = self.by_service.mean(service, self.prior.get(service, self.overall))
        return self.by_service_hour.mean((service, int(minute // 60)), per_service)

    def remaining(self, service: str, elapsed: float, minute: float) -> float:
        """How long a visit under way for `elapsed` minutes still keeps its counter, on average."""
        spans = self.spans.get(service)
        if not spans or len(spans) < 5:
            return max(self.minutes(service, minute) - elapsed, 1.0)
        i = bisect.bisect_right(spans, elapsed)
        longer = spans[i:]
        if not longer:
            return 1.0
        return max(statistics.fmean(longer) - elapsed, 0.5)

    def open_profile(self, counter: str, weekday: int) -> list[float] | None:
        return self.open_share.get((counter, weekday)) or self.open_share.get((counter, -1))


def learn(visits: Iterable[Visit], shifts: Iterable[Shift], prior: dict[str, float] | None = None) -> Model:
    """A model of the office from past days' visits and shifts (`prior`: configured minutes per
    visit of each service, where the history says little)."""
    visits = list(visits)
    shifts = list(shifts)
    model = Model(days=len({day_of(v) for v in visits}), prior=dict(prior or {}))
    _learn_spans(model, visits)
    _learn_lines(model, visits)
    _learn_cut_ins(model, visits)
    _learn_counters(model, visits, shifts)
    return model


def _calls_per_counter(visits: Sequence[Visit]) -> dict[tuple[dt.date, str], list[Visit]]:
    calls: dict[tuple[dt.date, str], list[Visit]] = defaultdict(list)
    for v in visits:
        if v.called_at is not None and v.counter:
            calls[(day_of(v), v.counter)].append(v)
    for row in calls.values():
        row.sort(key=lambda v: v.called_at or v.issued_at)
    return calls


def _learn_spans(model: Model, visits: Sequence[Visit]) -> None:
    calls = _calls_per_counter(visits)
    gaps = [
        (b.called_at - a.finished_at).total_seconds() / 60
        for row in calls.values()
        for a, b in zip(row, row[1:], strict=False)
        if a.finished_at
        and b.called_at
        and 0 <= (b.called_at - a.finished_at).total_seconds() <= STRAIGHT_ON * 60
    ]
    gap = model.gap = statistics.median(gaps) if gaps else 0.5
    spans: dict[str, list[float]] = defaultdict(list)
    for row in calls.values():
        for i, v in enumerate(row):
            span = _span(v, row[i + 1] if i + 1 < len(row) else None, gap)
            if span is None:
                continue
            spans[v.service].append(span)
            model.by_service.add(v.service, span)
            model.by_service_hour.add((v.service, int(minute_of(v.called_at) // 60)), span)  # type: ignore[arg-type]
    everything = [s for values in spans.values() for s in values]
    model.overall = statistics.fmean(everything) if everything else DEFAULT_MINUTES
    model.spans = {service: sorted(values) for service, values in spans.items()}
    means = {service: statistics.fmean(values) for service, values in spans.items()}
    model.shapes = {service: [x / means[service] for x in values] for service, values in spans.items()}
    if model.shapes:
        model.shapes[""] = [x for values in model.shapes.values() for x in values]


def _span(visit: Visit, following: Visit | None, gap: float) -> float | None:
    """Minutes the visit kept its counter: to the next call if the counter went straight on."""
    called = visit.called_at
    if called is None:
        return None
    end = visit.finished_at
    next_call = following.called_at if following else None
    if end is None:
        if next_call is None:
            return None
        return min((next_call - called).total_seconds() / 60, 5.0)  # a no-show, recalled then passed
    straight_on = next_call is not None and (next_call - end).total_seconds() <= STRAIGHT_ON * 60
    stop = next_call if straight_on and next_call is not None else end + dt.timedelta(minutes=gap)
    return max((stop - called).total_seconds() / 60, 0.1)


def _learn_lines(model: Model, visits: Sequence[Visit]) -> None:
    arrived = [v for v in visits if v.arrived_at is not None]
    left = [v for v in arrived if v.called_at is None and v.outcome == Outcome.CANCELLED]
    model.leave_share = len(left) / len(arrived) if arrived else 0.0
    walk_ins = [v for v in arrived if day_of(v) == v.issued_at.date()]
    ahead = [v for v in visits if day_of(v) != v.issued_at.date()]
    if ahead:
        model.show_share = sum(v.arrived_at is not None for v in ahead) / len(ahead)
    days = max(model.days, 1)
    counts: dict[tuple[str, int], float] = defaultdict(float)
    others: dict[tuple[str, int], float] = defaultdict(float)
    for v in visits:
        if v.arrived_at is not None and day_of(v) == v.issued_at.date():
            if v.is_priority:
                counts[(v.service, slot_of(minute_of(v.issued_at)))] += 1 / days
            elif v.come_at is None:  # a same-day booking told a time queues from it, not as a walk-in
                others[(v.service, slot_of(minute_of(v.issued_at)))] += 1 / days
    model.walk_in_priority = dict(counts)
    model.walk_ins = dict(others)
    load = [0.0] * SLOTS
    for v in walk_ins:
        load[slot_of(minute_of(v.arrived_at))] += model.minutes(v.service, minute_of(v.arrived_at)) / days  # type: ignore[arg-type]
    model.walk_in_minutes = load


def _learn_counters(model: Model, visits: Sequence[Visit], shifts: Sequence[Shift]) -> None:
    called: dict[tuple[dt.date, str], list[dt.datetime]] = defaultdict(list)
    for v in visits:
        if v.called_at is not None and v.counter:
            called[(v.called_at.date(), v.counter)].append(v.called_at)
    open_slots: dict[tuple[str, int], list[float]] = {}
    days_seen: dict[tuple[str, int], set[dt.date]] = defaultdict(set)
    services: dict[str, set[str]] = defaultdict(set)
    office_days: dict[int, set[dt.date]] = defaultdict(set)
    for v in visits:
        office_days[day_of(v).weekday()].add(day_of(v))
    for s in shifts:
        calls = called.get((s.start.date(), s.counter), [])
        if not any(s.start <= c < s.end for c in calls):
            continue  # listed as open, served nobody: not a period the counter really served
        services[s.counter] |= s.services
        for key in ((s.counter, s.start.weekday()), (s.counter, -1)):
            row = open_slots.setdefault(key, [0.0] * SLOTS)
            days_seen[key].add(s.start.date())
            start, end = minute_of(s.start), minute_of(s.end)
            for slot in range(slot_of(start), slot_of(end - 1e-6) + 1):
                # the part of the quarter-hour it was open: a counter opened at 08.04 serves 11 of
                # the first 15 minutes
                row[slot] += (min(end, (slot + 1) * SLOT) - max(start, slot * SLOT)) / SLOT
    all_days = len({d for ds in office_days.values() for d in ds})
    for (counter, weekday), row in open_slots.items():
        n = all_days if weekday == -1 else len(office_days.get(weekday, ()))
        if weekday != -1 and n < 2:
            continue
        model.open_share[(counter, weekday)] = [min(x / max(n, 1), 1.0) for x in row]
    model.counter_services = {c: frozenset(s) for c, s in services.items()}


def _learn_cut_ins(model: Model, visits: Sequence[Visit]) -> None:
    """For each citizen who joined the line: of the tickets ahead of them in call order not in the
    line yet, the share that came before they were called, by how late those were against their
    come-at time (or, without one, by the quarter-hour)."""
    told_seen = [0] * len(LATE_EDGES)
    told_cut = [0] * len(LATE_EDGES)
    slot_seen = [0] * SLOTS
    slot_cut = [0] * SLOTS
    lags = [(v.arrived_at - v.come_at).total_seconds() / 60 for v in visits if v.come_at and v.arrived_at]
    model.lateness = statistics.median(lags) if lags else 0.0
    by_day: dict[dt.date, list[Visit]] = defaultdict(list)
    for v in visits:
        by_day[day_of(v)].append(v)
    for day_visits in by_day.values():
        ordered = sorted(day_visits, key=lambda v: (not v.is_priority, v.queued_at))
        for i, x in enumerate(ordered):
            now, called = x.arrived_at, x.left_line_at
            if now is None or called is None:
                continue
            for y in ordered[:i]:
                if y.issued_at > now or (y.arrived_at or y.finished_at or _NEVER) <= now:
                    continue  # not issued yet, or in the line or gone already
                came = y.arrived_at is not None and y.arrived_at < called
                if y.come_at is not None:
                    b = max(bisect.bisect_right(LATE_EDGES, (now - y.come_at).total_seconds() / 60) - 1, 0)
                    told_seen[b] += 1
                    told_cut[b] += came
                else:
                    slot_seen[slot_of(minute_of(now))] += 1
                    slot_cut[slot_of(minute_of(now))] += came
    # Where the history holds few such tickets (an office that has just begun to give come-at
    # times), a citizen not in the line near their time is expected as one who comes at all usually
    # is: not as a coin toss, which had a line of fresh bookings counted at half its length.
    model.late_share = [
        (told_cut[b] + _told_prior(model.show_share, edge)) / (told_seen[b] + 1)
        for b, edge in enumerate(LATE_EDGES)
    ]
    model.come_share = [(slot_cut[b] + 0.5) / (slot_seen[b] + 1) for b in range(SLOTS)]


_NEVER = dt.datetime.max.replace(tzinfo=dt.UTC)


def _told_prior(show_share: float, past_come_at: float) -> float:
    """The chance, before any history, that a ticket not in the line `past_come_at` minutes after its
    come-at time still comes in time: as likely as any booking up to ten minutes late, then less,
    none after an hour and ten minutes."""
    return show_share * min(max(1 - (past_come_at - 10) / 60, 0.0), 1.0)
