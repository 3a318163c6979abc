"""A short-lived copy, per process, of what every booking asks about its office.

Opening hours, closed days, sessions and their quotas, how many counters serve each service, and the
service booked with its office change a few times a year but are read on every booking, and reading
them is several queries where the booking itself is one or two. Changes saved in this process clear
the copy at once (signals); other server processes see them within TTL seconds. Whether a service is
open (active, not online-only), its quota, its quota in a session and its number prefix are not
taken from here: the booking reads them in its own transaction.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Q

from antre.db import hot
from antre.offices import rules
from antre.offices.models import Service, Session, SessionQuota, Weekday

TTL = 30.0


@dataclass(frozen=True)
class Calendar:
    hours: dict[int, rules.Hours]
    breaks: dict[int, rules.Hours]
    closed: frozenset[dt.date]
    pace: dict[int, tuple[int, int]]  # service id -> (minutes per visit, active counters)
    # weekday -> the active sessions of that weekday, in order (shared by threads: read only)
    sessions: dict[int, tuple[Session, ...]] = field(default_factory=dict)
    session_quotas: dict[tuple[int, int], int] = field(default_factory=dict)  # (session, service) -> quota

    def is_open(self, day: dt.date) -> bool:
        """`day` has opening hours and is not a closed day (a holiday, a leave)."""
        return rules.is_open_day(day=day, hours=self.hours, closed=self.closed)

    def sessions_on(self, day: dt.date) -> tuple[Session, ...]:
        """The sessions of `day`'s weekday (none: the day is not divided into sessions)."""
        return self.sessions.get(day.weekday(), ())

    def sessions_end(self) -> dict[int, dt.time]:
        """When the last session of each weekday divided into sessions ends."""
        return {weekday: max(s.ends for s in found) for weekday, found in self.sessions.items() if found}


_cache: dict[int, tuple[float, Calendar]] = {}
_lock = threading.Lock()


def calendar_of(office) -> Calendar:
    now = time.monotonic()
    cached = _cache.get(office.pk)
    if cached and cached[0] > now:
        return cached[1]
    pace = (
        Service.objects.filter(office=office)
        .annotate(n=Count("counters", filter=Q(counters__active=True)))
        .values_list("pk", "minutes_per_visit", "n")
    )
    fresh = Calendar(
        hours=office.weekly_hours(),
        breaks=office.weekly_breaks(),
        # Every closed day, past ones too: a booking or replay at an earlier "now" must see them
        # (a few dozen rows a year).
        closed=frozenset(office.closed_days.values_list("date", flat=True)),
        pace={pk: (minutes, counters) for pk, minutes, counters in pace},
        sessions=_sessions_by_weekday(office),
        session_quotas={
            (session, service): quota
            for session, service, quota in SessionQuota.objects.filter(
                session__office=office, session__active=True
            ).values_list("session_id", "service_id", "quota")
        },
    )
    with _lock:
        _cache[office.pk] = (now + TTL, fresh)
    return fresh


def _sessions_by_weekday(office) -> dict[int, tuple[Session, ...]]:
    by_weekday: dict[int, list[Session]] = {}
    for session in Session.objects.filter(office=office, active=True).order_by("starts"):
        for weekday in sorted(session.weekday_set()):
            by_weekday.setdefault(weekday, []).append(session)
    return {weekday: tuple(found) for weekday, found in by_weekday.items()}


@dataclass(frozen=True)
class WeekLine:
    days: str  # "Senin–Kamis"
    hours: rules.Hours | None  # None: closed
    pause: rules.Hours | None


@dataclass(frozen=True)
class Opening:
    """When the office serves, as citizens need to read it before they come."""

    today: dt.date
    today_hours: rules.Hours | None  # None: closed all day today
    today_pause: rules.Hours | None
    closed_for_today: bool  # opened today, but past closing time now
    closed_reason: str  # why today is a closed day, if it is one
    next_open: dt.date | None  # when it opens again, if it is closed now
    next_open_hours: rules.Hours | None
    week: list[WeekLine]
    next_closed: tuple[dt.date, str] | None  # the next closed day after today, and why
    notice: str  # the administrator's announcement (an unplanned closure)


def opening(office, *, now: dt.datetime) -> Opening:
    """Opening hours, today's state, the next closed day and the admin's notice, at `now`."""
    cal = calendar_of(office)
    names = dict(Weekday.choices)
    local = office.local_now(now)
    today = local.date()
    # Today's closed day and the next one, with their reasons: the kept copy has only the dates.
    upcoming = list(
        office.closed_days.filter(date__gte=today).order_by("date").values_list("date", "reason")[:2]
    )
    reason = upcoming[0][1] if upcoming and upcoming[0][0] == today else ""
    ahead = [row for row in upcoming if row[0] > today]
    hours = (
        cal.hours.get(today.weekday())
        if rules.is_open_day(day=today, hours=cal.hours, closed=cal.closed)
        else None
    )
    closed_for_today = hours is not None and local.time() >= hours[1]
    next_open = None
    if hours is None or closed_for_today:
        next_open = rules.next_open_day(after=today, hours=cal.hours, closed=cal.closed)
    return Opening(
        today=today,
        today_hours=hours,
        today_pause=cal.breaks.get(today.weekday()) if hours else None,
        closed_for_today=closed_for_today,
        closed_reason=reason,
        next_open=next_open,
        next_open_hours=cal.hours.get(next_open.weekday()) if next_open else None,
        week=[
            WeekLine(
                str(names[row.first]) + ("" if row.first == row.last else f"–{names[row.last]}"),
                row.hours,
                row.pause,
            )
            for row in rules.week_rows(hours=cal.hours, breaks=cal.breaks)
        ],
        next_closed=ahead[0] if ahead else None,
        notice=office.notice_today(today),
    )


def door_periods(office, day: dt.date) -> list[rules.Period]:
    """When the office's door takes citizens in on `day` (antre.offices.rules.door_periods)."""
    return _periods(office, day, lead_minutes=office.invite_minutes_before_opening)


def last_invitation_at(office, day: dt.date) -> dt.datetime | None:
    """When the door stops inviting on `day` (antre.offices.rules.last_invitation_at)."""
    return rules.last_invitation_at(
        periods=door_periods(office, day), stop_minutes=office.last_invitation_minutes_before_closing
    )


def serving_periods(office, day: dt.date) -> list[rules.Period]:
    """When the counters serve on `day`: opening to closing, less the break; none on a closed day."""
    return _periods(office, day, lead_minutes=0)


def _periods(office, day: dt.date, *, lead_minutes: int) -> list[rules.Period]:
    cal = calendar_of(office)
    open_day = rules.is_open_day(day=day, hours=cal.hours, closed=cal.closed)
    return rules.door_periods(
        day=day,
        hours=cal.hours.get(day.weekday()) if open_day else None,
        pause=cal.breaks.get(day.weekday()),
        lead_minutes=lead_minutes,
        tz=office.timezone,
    )


def invitation_deadline(office, invited_at: dt.datetime) -> dt.datetime:
    """Until when an invitation sent at `invited_at` holds, counting only the door's open time."""
    day = office.local_today(invited_at)
    return rules.invitation_deadline(
        invited_at=invited_at, minutes=office.invitation_minutes, periods=door_periods(office, day)
    )


_services: dict[tuple[str, str], tuple[float, object]] = {}
_MAX_SERVICES = 1000  # whatever clients send, the copy stays small


def bookable_service(slug: str, code: str):
    """The active service `code` of the office `slug`, with its office, or None.

    The instances are shared by the process's threads: read them, never change them. An unknown
    code is read again each time (a typo, or a service being set up), so only real services fill
    the copy.
    """
    now = time.monotonic()
    cached = _services.get((slug, code))
    if cached and cached[0] > now:
        return cached[1]
    service = hot.first(Service, "r.slug = %s AND m.code = %s AND m.active", [slug, code], related="office")
    if service is not None:
        with _lock:
            if len(_services) >= _MAX_SERVICES:
                _services.clear()
            _services[(slug, code)] = (now + TTL, service)
    return service


def forget(*_args, **_kwargs) -> None:
    """Drop the copies now and again when the saving transaction commits: a booking that reads
    between the save and the commit still sees the rows as they were, and would keep them."""
    clear()
    transaction.on_commit(clear)


def clear() -> None:
    """Drop the copies now."""
    with _lock:
        _cache.clear()
        _services.clear()
