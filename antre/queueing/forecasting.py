"""The wait predictor (antre.forecast) on the office's own queue, for every time a page, the API,
WhatsApp or the board shows.

- The model is learned from the office's last LEARN_DAYS days before today (antre.queueing.history,
  the same rows `antre forecast export` writes), once per process and day.
- Today's queue is read as the predictor's snapshot: every ticket of the day issued by now, in call
  order (priority, then queued_at: a no-show who rejoined is at the back), and the counters' periods
  of today (antre.offices.shifts). An office whose counters record no period yet today (before the
  first call) is taken to have its active counters open in its serving hours.
- One projection serves the whole office (outlook), kept per process for OUTLOOK_TTL seconds or
  until the office's next live event (a call, a cancel, an admission): the live positions, the
  booking's answer and the board read it; its times are the mean over plays with drawn visit times
  (antre.forecast.draws). A ticket's own page (with its reasons: explain) projects afresh, and so
  does "nearly your turn" inside the call, in one play (ahead_now: it needs only who is ahead).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from antre import clock
from antre.forecast.eventlog import Outcome, Shift, Visit
from antre.forecast.model import Model, learn
from antre.forecast.predictor import NOT_YET, Outlook, Prediction, Snapshot, predict, project_all
from antre.live.models import EventSequence
from antre.offices.calendar import serving_periods
from antre.offices.models import Counter, Office, Service
from antre.offices.shifts import CounterShift
from antre.queueing import history
from antre.queueing.models import ACTIVE_STATUSES, WAITING_STATUSES, Ticket

LEARN_DAYS = 40
MODEL_TTL = 3600.0  # seconds: learned once a day, and again after an hour in case the log grew
OUTLOOK_TTL = 3.0  # seconds a process reuses one projection of an office
# A booking's answer may use one this old: it adds the bookings since (Outlook.newcomer), and at the
# opening rush a projection of thousands of tickets every few seconds would slow every booking.
RUSH_TTL = 15.0

_models: dict[tuple[int, dt.date], tuple[float, Model]] = {}
_outlooks: dict[int, _Kept] = {}
_lock = threading.Lock()


def clear() -> None:
    """Drop what this process keeps (tests; an administrator's change shows within the TTLs anyway)."""
    with _lock:
        _models.clear()
        _outlooks.clear()


def model_of(office: Office, day: dt.date) -> Model:
    """What `office` has learned from its days before `day`."""
    key = (office.pk, day)
    cached = _models.get(key)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    midnight = dt.datetime.combine(day, dt.time(0), tzinfo=office.tzinfo)
    first = day - dt.timedelta(days=LEARN_DAYS)
    last = day - dt.timedelta(days=1)
    prior = {
        code: float(m)
        for code, m in Service.objects.filter(office=office).values_list("code", "minutes_per_visit")
    }
    visits = history.visits(office, first, last, now=midnight)
    model = learn(visits, history.shifts(office, first, last, now=midnight), prior)
    with _lock:
        for old in [k for k in _models if k[0] == office.pk and k[1] != day]:
            del _models[old]
        _models[key] = (time.monotonic() + MODEL_TTL, model)
    return model


def snapshot(office: Office, now: dt.datetime, *, learned: bool = False) -> Snapshot:
    """Today's queue at `now` as the predictor reads it; tickets are named by their token. Every
    time is in the office's zone: the predictor counts minutes of the local day."""
    now = now.astimezone(office.tzinfo)
    today = office.local_today(now)
    periods = serving_periods(office, today)
    opens = periods[0][0] if periods else None
    tickets = list(
        Ticket.objects.filter(office=office, day=today, issued_at__lte=now)
        .select_related("service", "counter", "session")
        .order_by("-is_priority", "queued_at", "pk")
    )
    visits = [_visit(t, office, opens, now) for t in tickets]
    return Snapshot(
        day=today,
        now=now,
        visits=visits,
        shifts=_shifts(office, today, periods, now, learned=learned),
        not_before=_sessions_ahead(tickets, office, now),
    )


def _sessions_ahead(tickets: list[Ticket], office: Office, now: dt.datetime) -> dict[str, dt.datetime]:
    """Tickets not called and not through the door whose session starts after `now`: they are not
    called before it (their holders are told to come for it), whatever the counters could do earlier."""
    out = {}
    for t in tickets:
        if t.session is None or t.called_at is not None or t.arrived_at is not None:
            continue
        starts = dt.datetime.combine(office.local_today(now), t.session.starts, tzinfo=office.tzinfo)
        if starts > now:
            out[t.token] = starts
    return out


def _visit(ticket: Ticket, office: Office, opens: dt.datetime | None, now: dt.datetime) -> Visit:
    arrived = history.arrival(ticket, gate=office.gate_enabled, opens=opens, told=False)
    if arrived is not None and (arrived > now or ticket.has_stepped_out):
        arrived = None  # not in the line (yet, or for the moment)
    finished = ticket.finished_at
    if ticket.status not in ACTIVE_STATUSES and finished is None:
        finished = ticket.left_at or ticket.called_at or ticket.issued_at  # gone, whenever exactly
    tz = office.tzinfo

    def local(moment: dt.datetime | None) -> dt.datetime | None:
        return moment.astimezone(tz) if moment is not None else None

    return Visit(
        office=office.slug,
        ticket=ticket.token,
        service=ticket.service.code,
        channel=ticket.channel,
        priority=ticket.priority,
        issued_at=ticket.queued_at.astimezone(tz),  # the call order's time: a rejoined no-show is at the back
        arrived_at=local(arrived),
        called_at=local(ticket.called_at),
        started_at=local(ticket.started_at),
        finished_at=local(finished),
        counter=str(ticket.counter.number) if ticket.counter else "",
        outcome=Outcome.SERVED,  # not read: the predictor looks at times only
        # What its holder was told (a booking from home): how many such come, and when, is learned
        # per lateness against it, as the replay reads the exported log's column.
        come_at=local(ticket.come_at),
    )


def _shifts(office: Office, today: dt.date, periods, now: dt.datetime, *, learned: bool) -> list[Shift]:
    tz = office.tzinfo
    midnight = dt.datetime.combine(today, dt.time(0), tzinfo=tz)
    rows = CounterShift.objects.filter(
        office=office, started_at__gte=midnight, started_at__lte=now
    ).select_related("counter")
    shifts = [
        Shift(
            office.slug,
            str(r.counter.number),
            r.service_codes,
            r.started_at.astimezone(tz),
            r.ended_at.astimezone(tz) if r.ended_at else NOT_YET,
        )
        for r in rows
    ]
    if not periods or (learned and shifts):
        return shifts
    # Counters with no period yet today, at an office that has not learned its counters' hours
    # (or before any counter opens): the active ones, in the serving hours.
    seen = {r.counter_id for r in rows}
    counters = (
        Counter.objects.filter(office=office, active=True).exclude(pk__in=seen).prefetch_related("services")
    )
    return shifts + [
        Shift(
            office.slug,
            str(c.number),
            frozenset(s.code for s in c.services.all() if s.active),
            start.astimezone(tz),
            end.astimezone(tz),
        )
        for c in counters
        for start, end in periods
    ]


@dataclass(frozen=True)
class _Kept:
    """A projection kept by this process: when it was made (by the monotonic clock and by `now`),
    and at which of the office's live events."""

    made: float
    now: dt.datetime
    version: int
    outlook: Outlook

    def young(self, now: dt.datetime, seconds: float) -> bool:
        """Made less than `seconds` ago, by both clocks (a test's clock may be moved back)."""
        return time.monotonic() < self.made + seconds and self.now <= now < self.now + dt.timedelta(
            seconds=seconds
        )


def outlook(
    office: Office, now: dt.datetime | None = None, *, fresh: bool = False, rush: bool = False
) -> Outlook:
    """Every waiting ticket's projected call today, and a newcomer's per service (kept a moment).

    `fresh`: project again whatever is kept. `rush` (a booking's answer): take one up to RUSH_TTL
    old without asking whether the queue moved meanwhile (one query less per booking).
    """
    now = now or clock.now()
    kept = None if fresh else _outlooks.get(office.pk)
    if rush and kept is not None and kept.young(now, RUSH_TTL):
        return kept.outlook
    version = EventSequence.objects.filter(office_id=office.pk).values_list("last", flat=True).first() or 0
    if kept is not None and kept.version == version and kept.young(now, OUTLOOK_TTL):
        return kept.outlook
    projected = _project(office, now)
    with _lock:
        _outlooks[office.pk] = _Kept(time.monotonic(), now, version, projected)
    return projected


def ahead_now(office: Office, now: dt.datetime) -> dict[str, int]:
    """Each waiting ticket's people ahead, as the counters will call them, projected afresh in one
    play (the call that asks waits for it; who is ahead of whom needs no more)."""
    model = model_of(office, office.local_today(now))
    return project_all(model, snapshot(office, now, learned=bool(model.open_share)), plays=False).ahead


def _project(office: Office, now: dt.datetime) -> Outlook:
    services = list(Service.objects.bookable().filter(office=office).values_list("code", flat=True))
    model = model_of(office, office.local_today(now))
    return project_all(model, snapshot(office, now, learned=bool(model.open_share)), services)


def at_minute(office: Office, now: dt.datetime, minute: float) -> dt.datetime:
    """A minute of `now`'s local day as a time in the office's zone."""
    day = office.local_today(now)
    return dt.datetime.combine(day, dt.time(0), tzinfo=office.tzinfo) + dt.timedelta(minutes=minute)


@dataclass(frozen=True)
class Explained:
    called_at: dt.datetime
    prediction: Prediction


def explain(ticket: Ticket, now: dt.datetime | None = None) -> Explained | None:
    """The projected call of one waiting ticket of today, with its reasons; None if it is not
    in today's queue."""
    now = now or clock.now()
    office = ticket.office
    if ticket.day != office.local_today(now) or ticket.status not in WAITING_STATUSES:
        return None
    model = model_of(office, office.local_today(now))
    snap = snapshot(office, now, learned=bool(model.open_share))
    p = predict(
        model,
        snap,
        service=ticket.service.code,
        priority=ticket.is_priority,
        issued_at=ticket.queued_at.astimezone(office.tzinfo),
        ticket=ticket.token,
    )
    return Explained(
        called_at=(now + dt.timedelta(minutes=p.wait_minutes)).astimezone(office.tzinfo), prediction=p
    )


def reasons(explained: Explained, office: Office) -> str:
    """Why the time is what it is, for the citizen to read (and to see why it moved)."""
    p = explained.prediction
    parts = [
        ngettext("%(n)s orang di depan Anda", "%(n)s orang di depan Anda", round(p.ahead))
        % {"n": round(p.ahead)}
    ]
    if p.counters:
        parts.append(_("dilayani loket %(counters)s") % {"counters": ", ".join(p.counters)})
    parts.append(_("sekitar %(m)s menit per orang") % {"m": formats.number_format(p.minutes_per_visit, 0)})
    if p.pace >= 1.1:
        parts.append(_("hari ini %(pct)s%% lebih lambat dari biasanya") % {"pct": round((p.pace - 1) * 100)})
    elif p.pace <= 0.9:
        parts.append(_("hari ini %(pct)s%% lebih cepat dari biasanya") % {"pct": round((1 - p.pace) * 100)})
    for start, end in p.pauses:
        parts.append(_("loket istirahat %(start)s–%(end)s") % {"start": _clock(start), "end": _clock(end)})
    return " · ".join(parts)


def _clock(minute: float) -> str:
    return f"{int(minute // 60):02d}.{int(minute % 60):02d}"
