"""Come-at times: when a citizen who booked from home (web, WhatsApp) should arrive, so that they
find room inside and wait little (antre.forecast.comeat).

- At booking: the day's bookings as played forward over the counters as they usually serve
  (kept PLAN_TTL seconds per process), with the new one after the `ahead` bookings of its service
  before it; for today, the live projection (antre.queueing.forecasting). The time is written by
  the booking's own insert (Ticket.come_at): what the citizen was told.
- Later (the ticket page, the API, WhatsApp): the same projection made again. The time moves
  with the day, later as far as the day requires, earlier by at most the office's margin from
  what they were told; once they are inside there is none.
- A session's citizens are not asked to come before their session (its start, less the door's
  quarter of an hour).
"""

from __future__ import annotations

import datetime as dt
import math
import threading
import time

from django.db import transaction
from django.db.models import Sum

from antre.forecast import comeat
from antre.forecast.engine import DAY_END
from antre.forecast.model import Model, minute_of
from antre.forecast.predictor import minute_of_day
from antre.offices.calendar import door_periods, serving_periods
from antre.offices.models import Counter, Office
from antre.queueing import forecasting, signals
from antre.queueing.models import Channel, DailySequence, Status, Ticket

FROM_HOME = (Channel.WEB, Channel.WHATSAPP)
PLAN_TTL = 30.0
SESSION_DOOR = 15.0  # minutes before its session starts that a session's citizen may come

_plans: dict[tuple[int, dt.date], tuple[float, tuple[int, int], comeat.DayPlan]] = {}
_lock = threading.Lock()


def clear() -> None:
    with _lock:
        _plans.clear()
        _told_to_leave.clear()


def day_plan(
    office: Office, day: dt.date, now: dt.datetime, *, current: bool = False
) -> comeat.DayPlan | None:
    """The bookings of `day` played forward (kept a moment); None on a day the counters do not serve.

    `current` (a page or the API reading a ticket): made again once the day's bookings changed, so
    that every server process shows the same times; a booking itself takes the one kept (at the
    rush, one plan per booking would slow them all) and places itself after it (DayPlan.newcomer)."""
    cached = _plans.get((office.pk, day))
    version = _bookings_version(office, day) if current or cached is None else None
    if cached and cached[0] > time.monotonic() and (version is None or version == cached[1]):
        return cached[2]
    periods = serving_periods(office, day)
    if not periods:
        return None
    model = forecasting.model_of(office, office.local_today(now))
    tickets = (
        Ticket.objects.filter(
            office=office, day=day, status=Status.BOOKED, arrived_at__isnull=True, channel__in=FROM_HOME
        )
        .select_related("service", "session")
        .order_by("-is_priority", "queued_at", "pk")
    )
    bookings = [
        comeat.Booked(t.token, t.service.code, t.is_priority, minute_of_day(t.queued_at.astimezone(office.tzinfo), day),
                      earliest=session_start(t))
        for t in tickets
    ]  # fmt: skip
    local = [(a.astimezone(office.tzinfo), b.astimezone(office.tzinfo)) for a, b in periods]
    plan = comeat.project_day(
        model, bookings, _counters(office, model, day, local), opens=minute_of(local[0][0])
    )
    with _lock:
        _plans[(office.pk, day)] = (
            time.monotonic() + PLAN_TTL,
            version or _bookings_version(office, day),
            plan,
        )
    return plan


def _bookings_version(office: Office, day: dt.date) -> tuple[int, int]:
    """What changes when a booking of `day` is made, cancelled or comes in: the numbers given and
    the tickets waiting, over the office's services (DailySequence, kept by the database)."""
    sums = DailySequence.objects.filter(service__office=office, day=day).aggregate(
        given=Sum("last"), waiting=Sum("waiting")
    )
    return sums["given"] or 0, sums["waiting"] or 0


def session_start(ticket: Ticket) -> float:
    return ticket.session.starts.hour * 60 + ticket.session.starts.minute if ticket.session else -math.inf


def _counters(office: Office, model: Model, day: dt.date, periods) -> list[comeat.Counter]:
    """The counters as they usually serve on `day`'s weekday, or, before there is any history, the
    active counters in the serving hours."""
    learned = comeat.usual_counters(model, day.weekday())
    if learned:
        return learned
    spans = [(minute_of(a), minute_of(b)) for a, b in periods]
    return [
        comeat.Counter(
            str(c.number), frozenset(s.code for s in c.services.all() if s.active), comeat.hours_rate(spans)
        )
        for c in Counter.objects.filter(office=office, active=True).prefetch_related("services")
    ]


def told_at_booking(
    office: Office, *, service: str, day: dt.date, session, channel: str, ahead: int, now: dt.datetime
) -> dt.datetime | None:
    """The come-at time a new booking is told, `ahead` bookings of its service before it."""
    if channel not in FROM_HOME or not office.come_at_lead_minutes:
        return None
    if day == office.local_today(now):
        called = forecasting.outlook(office, now, rush=True).newcomer(service, ahead)
    else:
        plan = day_plan(office, day, now)
        called = plan.newcomer(service, ahead) if plan else None
    return _time(office, day, called, session=session, now=now)


def _time(
    office: Office, day: dt.date, called: float | None, *, session, now: dt.datetime
) -> dt.datetime | None:
    if called is None or called >= DAY_END:
        return None  # past what the day's counters serve: no time rather than a quarter to midnight
    serving = serving_periods(office, day)
    earliest = minute_of(serving[0][0].astimezone(office.tzinfo)) if serving else 0.0
    if session is not None:
        earliest = max(earliest, session.starts.hour * 60 + session.starts.minute - SESSION_DOOR)
    minute = comeat.come_at(called, lead=office.come_at_lead_minutes, earliest=earliest)
    moment = dt.datetime.combine(day, dt.time(0), tzinfo=office.tzinfo) + dt.timedelta(minutes=minute)
    return (
        max(moment, now.astimezone(office.tzinfo).replace(second=0, microsecond=0))
        if day == office.local_today(now)
        else moment
    )


def current(ticket: Ticket, now: dt.datetime) -> dt.datetime | None:
    """The come-at time the ticket's holder is shown now; None once inside, or without one."""
    office = ticket.office
    today = office.local_today(now)
    if (
        ticket.come_at is None
        or ticket.status != Status.BOOKED
        or ticket.arrived_at is not None
        or ticket.day < today
    ):
        return None
    if ticket.day == today:
        called = forecasting.outlook(office, now).calls.get(ticket.token)
    else:
        plan = day_plan(office, ticket.day, now, current=True)
        called = plan.calls.get(ticket.token) if plan else None
    fresh = _time(office, ticket.day, called, session=ticket.session, now=now)
    if fresh is None:
        return ticket.come_at.astimezone(office.tzinfo)
    told = ticket.come_at.astimezone(office.tzinfo)
    return max(fresh, told - dt.timedelta(minutes=office.come_at_margin_minutes))


_told_to_leave: set[str] = set()  # this process's memory; the outbox keys each message per ticket anyway
EARLIEST_MESSAGE = 90.0  # minutes before the door opens: nobody is woken at dawn


def send_leave_home(office: Office, now: dt.datetime) -> int:
    """Tell today's citizens booked from home whose come-at time is near that it is time to leave
    (office.leave_home_minutes before it), through the outbox (the WhatsApp receiver)."""
    if not office.leave_home_minutes or not office.come_at_lead_minutes:
        return 0
    today = office.local_today(now)
    doors = door_periods(office, today)
    if not doors or now < doors[0][0] - dt.timedelta(minutes=EARLIEST_MESSAGE) or now >= doors[-1][1]:
        return 0
    waiting = (
        Ticket.objects.filter(
            office=office, day=today, status=Status.BOOKED, arrived_at__isnull=True, come_at__isnull=False
        )
        .exclude(phone="")
        .exclude(token__in=_told_to_leave)
        .select_related("office", "session", "service")
    )
    sent = 0
    for ticket in waiting:
        come = current(ticket, now)
        if come is None or now < come - dt.timedelta(minutes=office.leave_home_minutes):
            continue
        with transaction.atomic():
            signals.leave_home.send(Ticket, ticket=ticket, come_at=come)
        _told_to_leave.add(ticket.token)
        sent += 1
    return sent
