"""Office calendar rules: local dates, opening hours, closed days. Pure functions, no Django."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol, TypeVar
from zoneinfo import ZoneInfo

Hours = tuple[dt.time, dt.time]


def normal_code(code: str | None) -> str:
    """A service's (or application kind's) code as typed or sent ("ktp ") in the form it is stored ("KTP")."""
    return (code or "").strip().upper()


def local_now(*, instant: dt.datetime, tz: str) -> dt.datetime:
    """The office's wall-clock time at an aware instant."""
    if instant.tzinfo is None:
        raise ValueError("instant must be timezone-aware")
    return instant.astimezone(ZoneInfo(tz))


def local_date(*, instant: dt.datetime, tz: str) -> dt.date:
    """The office-local calendar day of an instant: numbering and 'today' restart at the office's midnight."""
    return local_now(instant=instant, tz=tz).date()


def is_open_day(*, day: dt.date, hours: Mapping[int, Hours], closed: Iterable[dt.date]) -> bool:
    """True when the office opens on that day: it has hours for the weekday and it is not a closed day."""
    return day.weekday() in hours and day not in (
        closed if isinstance(closed, set | frozenset) else set(closed)
    )


def same_day_until(*, closes: dt.time, cutoff_minutes: int) -> dt.time:
    """Until when a visit for today can still be booked: closing, less the office's cut-off (an
    office with a door check invites nobody in its last minutes, so a later booking would never be
    called)."""
    moment = dt.datetime.combine(dt.date(2000, 1, 3), closes) - dt.timedelta(minutes=cutoff_minutes)
    return max(moment, dt.datetime.combine(dt.date(2000, 1, 3), dt.time(0))).time()


def bookable_days(
    *,
    today: dt.date,
    now: dt.time,
    hours: Mapping[int, Hours],
    closed: Iterable[dt.date],
    days_ahead: int,
    cutoff_minutes: int = 0,
    sessions_end: Mapping[int, dt.time] | None = None,
) -> list[dt.date]:
    """Days a visit can be booked for: today until the same-day cut-off (and, on a day divided into
    sessions, until its last session ends: `sessions_end` by weekday), then open days ahead."""
    return list(
        iter_bookable_days(
            today=today,
            now=now,
            hours=hours,
            closed=closed,
            days_ahead=days_ahead,
            cutoff_minutes=cutoff_minutes,
            sessions_end=sessions_end,
        )
    )


def iter_bookable_days(
    *,
    today: dt.date,
    now: dt.time,
    hours: Mapping[int, Hours],
    closed: Iterable[dt.date],
    days_ahead: int,
    cutoff_minutes: int = 0,
    sessions_end: Mapping[int, dt.time] | None = None,
) -> Iterator[dt.date]:
    """bookable_days one by one, for a caller that needs only the first."""
    closed_set = set(closed)
    for offset in range(days_ahead + 1):
        day = today + dt.timedelta(days=offset)
        if not is_open_day(day=day, hours=hours, closed=closed_set):
            continue
        if offset == 0 and _too_late_today(
            day=day, now=now, hours=hours, cutoff_minutes=cutoff_minutes, sessions_end=sessions_end
        ):
            continue
        yield day


def _too_late_today(
    *,
    day: dt.date,
    now: dt.time,
    hours: Mapping[int, Hours],
    cutoff_minutes: int,
    sessions_end: Mapping[int, dt.time] | None,
) -> str | None:
    """Why today can no longer be booked at `now` (refuse_day's codes), or None while it can."""
    closes = hours[day.weekday()][1]
    if now >= closes:
        return "office_closed_today"
    if now >= same_day_until(closes=closes, cutoff_minutes=cutoff_minutes):
        return "same_day_closed"
    last_session_ends = (sessions_end or {}).get(day.weekday())
    if last_session_ends is not None and now >= last_session_ends:
        return "sessions_over"
    return None


def refuse_day(
    *,
    day: dt.date,
    today: dt.date,
    now: dt.time,
    hours: Mapping[int, Hours],
    closed: Iterable[dt.date],
    days_ahead: int,
    cutoff_minutes: int = 0,
    sessions_end: Mapping[int, dt.time] | None = None,
) -> str | None:
    """Why a visit cannot be booked for `day` (an error code), or None when it can."""
    if day < today:
        return "date_in_past"
    if day > today + dt.timedelta(days=days_ahead):
        return "date_too_far"
    if not is_open_day(day=day, hours=hours, closed=closed):
        return "closed_day"
    if day == today:
        return _too_late_today(
            day=day, now=now, hours=hours, cutoff_minutes=cutoff_minutes, sessions_end=sessions_end
        )
    return None


Period = tuple[dt.datetime, dt.datetime]


def door_periods(
    *,
    day: dt.date,
    hours: Hours | None,
    pause: Hours | None,
    lead_minutes: int,
    tz: str,
) -> list[Period]:
    """When the door takes citizens in on `day`: from `lead_minutes` before opening until closing,
    less the office's break. Empty on a day the office does not open."""
    if hours is None:
        return []
    zone = ZoneInfo(tz)

    def at(time: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, time, tzinfo=zone)

    start = at(hours[0]) - dt.timedelta(minutes=lead_minutes)
    if pause is None:
        return [(start, at(hours[1]))]
    return [(start, at(pause[0])), (at(pause[1]), at(hours[1]))]


def may_invite(*, now: dt.datetime, periods: list[Period], stop_minutes: int) -> bool:
    """Invitations go out while the door is open, and stop `stop_minutes` before closing."""
    last_call = last_invitation_at(periods=periods, stop_minutes=stop_minutes)
    return last_call is not None and now < last_call and any(start <= now < end for start, end in periods)


def last_invitation_at(*, periods: list[Period], stop_minutes: int) -> dt.datetime | None:
    """From when on nobody more is invited that day (`stop_minutes` before the door closes); None
    on a day the door does not open."""
    return periods[-1][1] - dt.timedelta(minutes=stop_minutes) if periods else None


def invitation_deadline(*, invited_at: dt.datetime, minutes: int, periods: list[Period]) -> dt.datetime:
    """Until when an invitation holds: `minutes` of the door's open time after it was sent.

    A break or the night does not use up a citizen's time; an invitation still running when the
    door closes for the day ends then.
    """
    if not periods:
        return invited_at + dt.timedelta(minutes=minutes)
    left = dt.timedelta(minutes=minutes)
    for start, end in periods:
        if end <= invited_at:
            continue
        begin = max(start, invited_at)
        if begin + left <= end:
            return begin + left
        left -= end - begin
    return max(periods[-1][1], invited_at)


@dataclass(frozen=True)
class WeekRow:
    """Consecutive weekdays (0 = Monday) with the same hours; `hours` None when the office is closed."""

    first: int
    last: int
    hours: Hours | None
    pause: Hours | None


def week_rows(*, hours: Mapping[int, Hours], breaks: Mapping[int, Hours]) -> list[WeekRow]:
    """The week as a notice board writes it: Monday to Thursday 08.00-15.00, Friday 08.00-11.30, ..."""
    rows: list[WeekRow] = []
    for day in range(7):
        same = (hours.get(day), breaks.get(day) if day in hours else None)
        if rows and (rows[-1].hours, rows[-1].pause) == same:
            rows[-1] = replace(rows[-1], last=day)
        else:
            rows.append(WeekRow(day, day, *same))
    return rows


def next_open_day(
    *, after: dt.date, hours: Mapping[int, Hours], closed: Iterable[dt.date], within: int = 60
) -> dt.date | None:
    """The first day after `after` on which the office opens, looking `within` days ahead."""
    closed_set = set(closed)
    for offset in range(1, within + 1):
        day = after + dt.timedelta(days=offset)
        if is_open_day(day=day, hours=hours, closed=closed_set):
            return day
    return None


def door_state(
    *, now: dt.datetime, periods: list[Period], stop_minutes: int
) -> tuple[str, dt.datetime | None]:
    """What the door is doing at `now`, for the screen outside it, with the moment that matters:

    ("closed_day", None), ("before", when it opens), ("break", when it opens again),
    ("open", None), ("last_call", when it closes: nobody new is invited), ("after", None).
    """
    if not periods:
        return "closed_day", None
    if now < periods[0][0]:
        return "before", periods[0][0]
    if now >= periods[-1][1]:
        return "after", None
    for (_start, end), (next_start, _end) in zip(periods, periods[1:], strict=False):
        if end <= now < next_start:
            return "break", next_start
    if not may_invite(now=now, periods=periods, stop_minutes=stop_minutes):
        return "last_call", periods[-1][1]
    return "open", None


# ── Sessions: a day divided into times of arrival, each with its own quotas ─────────────────────


class Timed(Protocol):
    """A session as these rules see it: when it starts and ends on the office's clock."""

    @property
    def starts(self) -> dt.time: ...

    @property
    def ends(self) -> dt.time: ...


T = TypeVar("T", bound=Timed)

WEEKDAY_DIGITS = "0123456"  # Monday = 0, as datetime.date.weekday() counts


def parse_weekdays(text: str) -> frozenset[int] | None:
    """The weekdays a session applies to, from its digits ("01234": Monday to Friday); None when the
    text is not a non-empty set of digits 0–6."""
    text = (text or "").strip()
    if not text or any(ch not in WEEKDAY_DIGITS for ch in text) or len(set(text)) != len(text):
        return None
    return frozenset(int(ch) for ch in text)


def parse_clock(text: str | None) -> dt.time | None:
    """A session's start as clients name it, "HH:MM" (also "H:MM" or "HH.MM"); None if it is not one."""
    parts = (text or "").strip().replace(".", ":").split(":")
    # isdecimal, not isdigit: "²" is a digit that int() cannot read.
    if len(parts) != 2 or not all(part.isdecimal() and 1 <= len(part) <= 2 for part in parts):
        return None
    hour, minute = int(parts[0]), int(parts[1])
    return dt.time(hour, minute) if hour < 24 and minute < 60 else None


def session_conflict(
    *, starts: dt.time, ends: dt.time, hours: Hours | None, pause: Hours | None, others: Iterable[Hours]
) -> str | None:
    """Why a session cannot be on a weekday (an error code), or None when it fits: it must start
    before it ends, lie inside the opening hours, keep out of the break and not overlap another
    session of that weekday (so its start time names it on that day)."""
    if starts >= ends:
        return "order"
    if hours is None:
        return "closed"
    if starts < hours[0] or ends > hours[1]:
        return "outside"
    if pause is not None and starts < pause[1] and pause[0] < ends:
        return "break"
    if any(starts < other_ends and other_starts < ends for other_starts, other_ends in others):
        return "overlap"
    return None


def open_sessions(*, sessions: Sequence[T], day: dt.date, today: dt.date, now: dt.time) -> list[T]:
    """The sessions of `day` a booking may still take, in order: every one on a later day; today,
    those not yet ended (the one running now first)."""
    ordered = sorted(sessions, key=lambda s: s.starts)
    if day != today:
        return ordered
    return [s for s in ordered if now < s.ends]


def sessions_after(*, sessions: Sequence[T], after: dt.time) -> list[T]:
    """The sessions starting after `after`, in order: those a full session points on to."""
    return sorted((s for s in sessions if s.starts > after), key=lambda s: s.starts)
