"""A day's sessions as booking sees them: which a booking may still take, and how many places each
has left. Read only; the decision itself is made behind the number's lock (antre.queueing.issuing)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count

from antre.offices import rules as calendar
from antre.offices.calendar import calendar_of
from antre.offices.models import Office, Service, Session
from antre.queueing import rules
from antre.queueing.models import DailySequence, Ticket


def open_sessions(office: Office, day: dt.date, now: dt.datetime) -> list[Session]:
    """The sessions of `day` a booking may still take at `now`, in order (antre.offices.rules)."""
    local = office.local_now(now)
    return calendar.open_sessions(
        sessions=calendar_of(office).sessions_on(day), day=day, today=local.date(), now=local.time()
    )


def held_back(service: Service, day: dt.date, now: dt.datetime, *, at_the_door: bool = False) -> bool:
    """Whether the share of `day` kept for the day itself is closed to a booking made at `now`
    (antre.queueing.rules.holds_back): from afar, it opens on the day, at its hour if it has one."""
    local = service.office.local_now(now)
    opens = service.held_back_opens_at
    return rules.holds_back(
        at_the_door=at_the_door,
        is_today=day == local.date(),
        opened=opens is None or local.time() >= opens,
        walk_in_only=service.held_back_walk_in_only,
    )


def find_session(office: Office, day: dt.date, starts: dt.time) -> Session | None:
    """The session of `day` that starts at `starts` (sessions of a weekday never overlap)."""
    return next((s for s in calendar_of(office).sessions_on(day) if s.starts == starts), None)


@dataclass(frozen=True)
class DayRoom:
    """Places left on a day, and in each of its sessions still open (none: the day is not divided)."""

    left: int
    sessions: list[tuple[Session, int]]
    # Places of the day kept for the day itself and not yet open to booking from afar (their share
    # of a day ahead): the form says when they open.
    kept: int = 0
    # The sessions (ids) where the service has a quota of its own; in the others only the day's
    # places limit it, so the form gives no count of their own (it would repeat the day's).
    limited: frozenset[int] = frozenset()

    def first_session_with_room(self, after: dt.time | None = None) -> Session | None:
        return next((s for s, left in self.sessions if left and (after is None or s.starts > after)), None)


def taken_per_day(service: Service, days: Sequence[dt.date]) -> dict[dt.date, int]:
    """Tickets counted against the quota (rules.is_taken) per day: the counts the database keeps
    on each day's number row (antre.queueing.dbcode), in one query."""
    rows = DailySequence.objects.filter(service=service, day__in=days).values_list("day", "taken")
    return dict(rows)


def taken_per_session(service: Service, days: Sequence[dt.date]) -> dict[tuple[dt.date, int], int]:
    """Tickets counted against the quota per (day, session), in one query."""
    rows = (
        Ticket.objects.filter(service=service, day__in=days, session__isnull=False)
        .counted()
        .order_by()
        .values_list("day", "session_id")
        .annotate(n=Count("pk"))
    )
    return {(day, session): n for day, session, n in rows}


def rooms(
    service: Service, days: Sequence[dt.date], *, now: dt.datetime, daily_quota: int | None = None
) -> dict[dt.date, DayRoom]:
    """Places left on each of `days`, and in each session still open on it, in two queries at most.

    The quotas are the office's kept copy (antre.offices.calendar) unless `daily_quota` is given:
    what a page shows. A booking decides on the rows themselves.
    """
    office = service.office
    cal = calendar_of(office)
    quota = service.daily_quota if daily_quota is None else daily_quota
    taken = taken_per_day(service, days)
    quotas = {session: q for (session, svc), q in cal.session_quotas.items() if svc == service.pk}
    in_sessions = taken_per_session(service, days) if quotas else {}
    out = {}
    for day in days:
        kept = held_back(service, day, now)
        bookable = rules.bookable_quota(quota=quota, percent=service.held_back_percent, held_back=kept)
        day_left = rules.quota_left(quota=bookable, taken=taken.get(day, 0))
        sessions = [
            (
                session,
                rules.session_left(
                    quota=quotas.get(session.pk),
                    taken=in_sessions.get((day, session.pk), 0),
                    day_left=day_left,
                ),
            )
            for session in open_sessions(office, day, now)
        ]
        out[day] = DayRoom(
            left=rules.places_left(day_left=day_left, sessions_left=[left for _s, left in sessions]),
            sessions=sessions,
            kept=quota - bookable,
            limited=frozenset(quotas),
        )
    return out
