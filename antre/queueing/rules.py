"""Queue rules: numbers, quotas, positions and estimates. Pure functions, no Django."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from lokal.terbilang import terbilang

MAX_INVITATIONS = 2  # a ticket is invited in once, and again once after letting the first lapse

# ── Booking rules ───────────────────────────────────────────────────────────────────────────────
# The one definition of the statuses, of what a ticket counts for on its day (taken, waiting), of
# the quota decision and of the number's format. The database does the same sums in SQL that
# antre.queueing.dbcode builds from these names; tests/test_rules_equivalence.py runs both.


class Status(StrEnum):
    """A ticket's status (SPEC §5); antre.queueing.models.Status gives each its label."""

    BOOKED = "booked"
    WAITING_INSIDE = "waiting_inside"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    TURNED_AWAY = "turned_away"


# A cancelled ticket gives its place back to the day's quota; every other ticket keeps it, even
# one that was turned away or expired (its number was handed out).
NOT_TAKEN = Status.CANCELLED
# Waiting to be called: booked (outside the gate, or at an office without one) or admitted inside.
WAITING = (Status.BOOKED, Status.WAITING_INSIDE)
NUMBER_SEPARATOR = "-"
NUMBER_DIGITS = 3  # at least: the thousandth visitor's number has four


def is_taken(*, status: str) -> bool:
    """Whether a ticket counts against its service's quota for its day."""
    return status != NOT_TAKEN


def is_waiting(*, status: str) -> bool:
    """Whether a ticket waits to be called."""
    return status in WAITING


def is_waiting_priority(*, status: str, is_priority: bool) -> bool:
    """Whether a ticket waits to be called ahead of the others (elderly, disabled, ...)."""
    return is_priority and is_waiting(status=status)


@dataclass(frozen=True)
class DayCounts:
    """What a service-day's number row keeps besides the last number (antre.queueing.dbcode)."""

    taken: int = 0
    waiting: int = 0
    waiting_priority: int = 0


def day_counts(tickets: Iterable[tuple[str, bool]]) -> DayCounts:
    """The counts of one service-day, from each of its tickets' (status, is_priority)."""
    taken = waiting = waiting_priority = 0
    for status, is_priority in tickets:
        taken += is_taken(status=status)
        waiting += is_waiting(status=status)
        waiting_priority += is_waiting_priority(status=status, is_priority=is_priority)
    return DayCounts(taken=taken, waiting=waiting, waiting_priority=waiting_priority)


def quota_left(*, quota: int, taken: int) -> int:
    """Places still free on a day: the quota less the tickets taken, never below none."""
    return max(quota - taken, 0)


def has_room(*, left: int) -> bool:
    """Whether one more booking fits on a day with `left` places free (quota_left)."""
    return left > 0


def quota_full(*, quota: int, taken: int) -> bool:
    """The booking's decision, made behind the number's lock: a day without room is refused."""
    return not has_room(left=quota_left(quota=quota, taken=taken))


Day = TypeVar("Day")


def with_room(days: Iterable[tuple[Day, int]]) -> list[tuple[Day, int]]:
    """The (day, places left) pairs of `days` on which one more booking fits."""
    return [(day, left) for day, left in days if has_room(left=left)]


Session = TypeVar("Session")


def session_full(*, quota: int | None, taken: int) -> bool:
    """A session's decision, made behind the number's lock like quota_full: a session where the
    service has a quota (`None`: it has none there, and only its daily quota limits it) takes no
    booking once that many of the service's tickets in it are taken (is_taken)."""
    return quota is not None and quota_full(quota=quota, taken=taken)


def first_session_with_room(candidates: Iterable[tuple[Session, int | None, int]]) -> Session | None:
    """The first of the (session, quota, taken) `candidates` (in order) that takes one more booking.

    A lazy iterable is read only as far as needed: a booking counts a session's tickets only when
    the sessions before it are full.
    """
    for session, quota, taken in candidates:
        if not session_full(quota=quota, taken=taken):
            return session
    return None


def session_left(*, quota: int | None, taken: int, day_left: int) -> int:
    """Places still free in a session: its own quota less its tickets, and never more than the day has."""
    return day_left if quota is None else min(quota_left(quota=quota, taken=taken), day_left)


def places_left(*, day_left: int, sessions_left: Iterable[int]) -> int:
    """Places still free on a day divided into the sessions still open (`sessions_left`, each as
    session_left gives it): as many as those sessions take together, within the day's quota. A day
    with no open session: the day's own places."""
    lefts = list(sessions_left)
    return min(sum(lefts), day_left) if lefts else day_left


def format_number(*, prefix: str, seq: int) -> str:
    """The number people see and hear: prefix, dash, at least three digits ("A-012")."""
    if seq < 1:
        raise ValueError("sequence numbers start at 1")
    return f"{prefix}{NUMBER_SEPARATOR}{seq:0{NUMBER_DIGITS}d}"


# ── End of the booking rules ────────────────────────────────────────────────────────────────────


def parse_number(text: str) -> tuple[str, int] | None:
    """("A", 12) from "A-012", "a12" or "A 012", as a barcode scanner or a person types it."""
    cleaned = "".join(ch for ch in (text or "").strip().upper() if ch not in " -")
    prefix = "".join(ch for ch in cleaned if ch.isalpha())
    digits = cleaned[len(prefix) :]
    # isdecimal, not isdigit: "²" is a digit that int() cannot read (a scanner can type anything).
    if not prefix or not cleaned.startswith(prefix) or not digits.isdecimal() or int(digits) < 1:
        return None
    return prefix, int(digits)


Period = tuple[dt.datetime, dt.datetime]


def estimate_call_at(
    *,
    ahead: int,
    minutes_per_visit: int,
    counters: int,
    now: dt.datetime,
    periods: list[Period],
    not_before: dt.datetime | None = None,
) -> dt.datetime | None:
    """When a ticket with `ahead` people before it is likely called: the queue shared by the counters,
    counting only the time they serve (`periods`, in order: opening to the break, the break to
    closing), and never before `not_before` (its session's start). None when that time runs past
    the day's last period: not today, as far as we can tell.
    """
    left = dt.timedelta(minutes=ahead / max(counters, 1) * minutes_per_visit)
    for start, end in periods:
        if end <= now:
            continue
        begin = max(start, now)
        if begin + left < end:  # a call due the moment a period ends waits for the next one
            at = begin + left
            return max(at, not_before) if not_before is not None else at
        left -= end - begin
    return None


def announcement_text(*, number: str, name: str, counter: int) -> str:
    """What the waiting room hears: the number and counter in Indonesian words, the shortened name.

    "A-012", "Ni Made S.", 3 -> "Nomor antrean A dua belas, atas nama Ni Made S., silakan menuju loket tiga."
    """
    parsed = parse_number(number)
    spoken = f"{' '.join(parsed[0])} {terbilang(parsed[1])}" if parsed else number
    who = f", atas nama {name}" if name else ""
    return f"Nomor antrean {spoken}{who}, silakan menuju loket {terbilang(counter)}."


# ── The share of a day kept for the day itself ─────────────────────────────────────────────────
# Bookings from afar for the days to come stop short of it, so a script that fills the days ahead
# still leaves places for the people of the day; staff walk-ins may always use it. dbcode's SQL
# states held_back_places in integer arithmetic too; the equivalence test runs both.


def held_back_places(*, quota: int, percent: int) -> int:
    """Places of a day kept for the day itself: `percent` of the quota, rounded down (a service of
    two places a day keeps both bookable ahead)."""
    return quota * min(max(percent, 0), 100) // 100


def bookable_quota(*, quota: int, percent: int, held_back: bool) -> int:
    """The places a booking may fill: the whole quota, or without the share kept for the day."""
    return quota - held_back_places(quota=quota, percent=percent) if held_back else quota


def holds_back(*, at_the_door: bool, is_today: bool, opened: bool, walk_in_only: bool) -> bool:
    """Whether the day's kept share is closed to this booking: always open to someone at the
    door; from afar, open only on the day itself, once its hour has come, unless kept for walk-ins."""
    if at_the_door:
        return False
    return walk_in_only or not (is_today and opened)
