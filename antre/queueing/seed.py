"""The demo office's past, so that a first run's reports show something: about thirty working days
before today of tickets that ended — served mostly; no-shows, cancellations, citizens turned away at
the door, numbers never used — with the counters' shifts, as the counters and the gate would have
left them. The same seed and day give the same past. Written with bulk inserts: no signal, no
message, no audit entry. The citizens are made up: Balinese names, NIKs of a few kecamatan of the
office's regency, no phone; some came through a village's or a kecamatan's link (a source tag)."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from antre.offices import calendar, sources
from antre.offices import rules as office_rules
from antre.offices.models import Counter, Office, Region, Service
from antre.offices.shifts import SERVICE_SEPARATOR, ClosedReason, CounterShift
from antre.people.models import User
from antre.queueing import rules
from antre.queueing.models import Channel, Priority, Status, Ticket

T = TypeVar("T")
WORKING_DAYS = 30
SHARE = {"KTP": 34, "AMBIL": 22, "CAPIL": 20, "LEGAL": 16, "SANTUNAN": 8}  # of the visits, per service
CHANNELS = {Channel.WEB: 50, Channel.WHATSAPP: 25, Channel.KIOSK: 10, Channel.WALK_IN: 15}
# How a visit ends, as planned; one the counters cannot reach before closing expires instead.
ENDS = {Status.DONE: 81, Status.NO_SHOW: 6, Status.CANCELLED: 6, Status.EXPIRED: 5, Status.TURNED_AWAY: 2}
KECAMATAN = {"05": 32, "06": 24, "04": 16, "07": 14, "08": 14}  # Tabanan, Kediri, Kerambitan, Marga, Penebel
RUSH = (40, 30, 30)  # who come in the first half hour, in the rest of the first two hours, later
TAGGED = 0.2  # of the bookings from home, made through a printed or shared link
MEN = ("I Wayan", "I Made", "I Nyoman", "I Ketut", "I Gede", "I Putu", "I Komang", "I Kadek")
WOMEN = ("Ni Wayan", "Ni Made", "Ni Nyoman", "Ni Ketut", "Ni Luh", "Ni Putu", "Ni Komang", "Ni Kadek")
GIVEN = (
    "Sudarma", "Artini", "Suarta", "Widiasih", "Astawa", "Sukerti", "Mahendra", "Ariani",
    "Wirawan", "Suryani", "Budiarta", "Rusmini", "Sutama", "Darmini", "Arsana", "Yuliantari",
)  # fmt: skip


def _pick(rng: random.Random, weights: Mapping[T, int]) -> T:
    return rng.choices(list(weights), list(weights.values()))[0]


def _minutes(value: float) -> dt.timedelta:
    return dt.timedelta(minutes=value)


def past_working_days(office: Office, today: dt.date, count: int) -> list[dt.date]:
    """The last `count` days before `today` the office was open, oldest first."""
    cal = calendar.calendar_of(office)
    days: list[dt.date] = []
    day = today
    while len(days) < count and day > today - dt.timedelta(days=4 * count):
        day -= dt.timedelta(days=1)
        if cal.is_open(day):
            days.append(day)
    return days[::-1]


class _Citizens:
    """Made-up citizens of a few kecamatan, and the village links some of them followed."""

    def __init__(self, office: Office, rng: random.Random):
        self.rng = rng
        self.districts = {f"{office.region_code}.{k}": w for k, w in KECAMATAN.items()}
        villages = defaultdict(list)
        for code, parent in Region.objects.filter(parent_id__in=self.districts).values_list(
            "code", "parent_id"
        ):
            villages[parent].append(code)
        # A few villages of each kecamatan spread the link; the rest brought nobody yet.
        self.tagging = {d: rng.sample(sorted(v), min(3, len(v))) for d, v in villages.items()}

    def one(self, *, from_home: bool) -> tuple[str, str, str]:
        """A name, a NIK (none for some walk-ins) and a source tag."""
        rng = self.rng
        woman = rng.random() < 0.5
        name = f"{rng.choice(WOMEN if woman else MEN)} {rng.choice(GIVEN)}"
        district = _pick(rng, self.districts)
        if not from_home and rng.random() < 0.25:
            return name, "", ""
        born = dt.date(rng.randint(1950, 2007), rng.randint(1, 12), rng.randint(1, 28))
        day = born.day + (40 if woman else 0)
        nik = f"{district.replace('.', '')}{day:02d}{born:%m%y}{rng.randint(1, 9999):04d}"
        tag = ""
        if from_home and rng.random() < TAGGED:
            villages = self.tagging.get(district)
            tag = (
                sources.village_tag(rng.choice(villages))
                if villages and rng.random() < 0.75
                else sources.district_tag(district)
            )
        return name, nik, tag


@dataclass
class _Plan:
    ticket: Ticket
    arrives: dt.datetime
    end: Status


def seed_past_days(
    office: Office, officers: Sequence[User], *, days: Sequence[dt.date], rng: random.Random
) -> int:
    """The office's tickets and shifts of `days` (past working days), with `officers` at its counters
    (in turn, one a counter; a counter without one stays closed that day). How many tickets were made."""
    services = {s.code: s for s in Service.objects.filter(office=office, code__in=SHARE)}
    counters = list(Counter.objects.filter(office=office, active=True).prefetch_related("services"))
    citizens = _Citizens(office, rng)
    tickets: list[Ticket] = []
    shifts: list[CounterShift] = []
    for day in days:
        periods = calendar.serving_periods(office, day)
        staff: list[User | None] = (
            rng.sample(list(officers), len(officers)) if officers else [None] * len(counters)
        )
        on_duty = dict(zip(counters, staff, strict=False))
        plans = _plan_day(office, day, periods, services, citizens, rng)
        _serve(office, plans, periods, on_duty, rng)
        tickets += [plan.ticket for plan in plans]
        shifts += _shifts(office, periods, on_duty, rng)
    Ticket.objects.bulk_create(tickets, batch_size=1000)
    CounterShift.objects.bulk_create(shifts, batch_size=1000)
    return len(tickets)


def _plan_day(
    office: Office,
    day: dt.date,
    periods: list[office_rules.Period],
    services: Mapping[str, Service],
    citizens: _Citizens,
    rng: random.Random,
) -> list[_Plan]:
    """The day's tickets as booked and as they were meant to end, numbered in the order they came."""
    opens, closes = periods[0][0], periods[-1][1]
    last_arrival = (closes - opens).total_seconds() / 60 - 45
    plans = []
    for _ in range(rng.randint(18, 28) if day.weekday() == 4 else rng.randint(30, 48)):
        service = services[_pick(rng, SHARE)]
        channel = _pick(rng, CHANNELS)
        end = _pick(rng, ENDS)
        if end == Status.TURNED_AWAY and not office.gate_enabled:
            end = Status.DONE  # no door check there
        from_home = channel in (Channel.WEB, Channel.WHATSAPP)
        arrives = opens + _minutes(
            rng.uniform(*rng.choices(((0, 30), (30, 120), (120, last_arrival)), RUSH)[0])
        )
        issued = arrives - (
            _minutes(rng.uniform(120, 4 * 24 * 60)) if from_home else _minutes(rng.uniform(1, 4))
        )
        name, nik, tag = citizens.one(from_home=from_home)
        elderly = rng.random() < 0.04
        ticket = Ticket(
            office=office, service=service, day=day, name=name, nik=nik, channel=channel, source=tag,
            issued_at=issued, queued_at=issued, priority=Priority.ELDERLY if elderly else Priority.NONE,
            is_priority=elderly, status=end,
        )  # fmt: skip
        plans.append(_Plan(ticket, arrives, end))
    plans.sort(key=lambda plan: plan.ticket.issued_at)
    seqs: dict[str, int] = defaultdict(int)
    for plan in plans:
        service = plan.ticket.service
        seqs[service.code] += 1
        plan.ticket.seq = seqs[service.code]
        plan.ticket.number = rules.format_number(prefix=service.prefix, seq=plan.ticket.seq)
    return sorted(plans, key=lambda plan: plan.arrives)


def _next_serving(at: dt.datetime, periods: list[office_rules.Period]) -> dt.datetime | None:
    """The first moment from `at` on in the counters' serving time (after a break, its end)."""
    for start, end in periods:
        if at < end:
            return max(at, start)
    return None


def _serve(
    office: Office,
    plans: list[_Plan],
    periods: list[office_rules.Period],
    on_duty: Mapping[Counter, User | None],
    rng: random.Random,
) -> None:
    """Play the day at the counters: each citizen who came is called by the counter of their
    service that is free first, served for about the service's minutes, or not found there."""
    closes = periods[-1][1]
    free = {counter: periods[0][0] for counter in on_duty}
    for plan in plans:
        ticket, arrives = plan.ticket, plan.arrives
        if plan.end == Status.CANCELLED:
            ticket.finished_at = ticket.issued_at + (arrives - ticket.issued_at) * rng.uniform(0.2, 0.9)
            continue
        if plan.end == Status.TURNED_AWAY:
            ticket.finished_at = arrives  # screened at the door, with a fever
            continue
        if plan.end == Status.EXPIRED:
            ticket.finished_at = closes  # never came
            continue
        ticket.arrived_at = arrives
        serving = [c for c in free if ticket.service in c.services.all()]
        counter = min(serving, key=lambda c: free[c]) if serving else None
        called = (
            _next_serving(max(arrives + _minutes(rng.uniform(0.5, 3)), free[counter]), periods)
            if counter
            else None
        )
        if counter is None or called is None or called > closes - _minutes(5):
            ticket.status, ticket.finished_at = Status.EXPIRED, closes  # waited until closing, never called
            ticket.left_at = closes if office.gate_enabled else None
            continue
        ticket.status = Status.DONE if plan.end == Status.DONE else Status.NO_SHOW
        ticket.counter, ticket.called_at, ticket.called_by = counter, called, on_duty[counter]
        if ticket.status == Status.DONE:
            ticket.started_at = called + _minutes(rng.uniform(0.3, 1.5))
            minutes = ticket.service.minutes_per_visit
            ticket.finished_at = ticket.started_at + _minutes(
                max(rng.lognormvariate(math.log(minutes), 0.35), 1)
            )
        else:
            ticket.finished_at = called + _minutes(rng.uniform(2, 4))  # called twice, then passed over
        free[counter] = ticket.finished_at + _minutes(rng.uniform(0.2, 1))
        if office.gate_enabled:
            ticket.left_at = ticket.finished_at + (
                dt.timedelta(0) if office.exit_on_finish else _minutes(rng.uniform(1, 4))
            )


def _shifts(
    office: Office,
    periods: list[office_rules.Period],
    on_duty: Mapping[Counter, User | None],
    rng: random.Random,
) -> list[CounterShift]:
    """Each staffed counter open in each serving period: a pause at a break, closed at the day's end."""
    made = []
    for counter, officer in on_duty.items():
        for i, (start, end) in enumerate(periods):
            last = i == len(periods) - 1
            made.append(
                CounterShift(
                    counter=counter,
                    office=office,
                    started_at=start + _minutes(rng.uniform(0, 6)),
                    ended_at=end,
                    services=SERVICE_SEPARATOR.join(sorted(s.code for s in counter.services.all())),
                    opened_by=officer,
                    closed_reason=ClosedReason.DAY_END if last else ClosedReason.PAUSE,
                )  # fmt: skip
            )
    return made
