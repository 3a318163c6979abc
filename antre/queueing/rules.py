"""Queue rules: numbers, quotas, positions and estimates. Pure functions, no Django."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping


def format_number(*, prefix: str, seq: int) -> str:
    """The number people see and hear: prefix, dash, at least three digits ("A-012")."""
    if seq < 1:
        raise ValueError("sequence numbers start at 1")
    return f"{prefix}-{seq:03d}"


def parse_number(text: str) -> tuple[str, int] | None:
    """("A", 12) from "A-012", "a12" or "A 012", as a barcode scanner or a person types it."""
    cleaned = "".join(ch for ch in (text or "").strip().upper() if ch not in " -")
    prefix = "".join(ch for ch in cleaned if ch.isalpha())
    digits = cleaned[len(prefix) :]
    if not prefix or not cleaned.startswith(prefix) or not digits.isdigit() or int(digits) < 1:
        return None
    return prefix, int(digits)


def quota_left(*, quota: int, taken: int) -> int:
    return max(quota - taken, 0)


def first_day_with_room(
    *, days: Iterable[dt.date], taken: Mapping[dt.date, int], quota: int
) -> dt.date | None:
    """The first of `days` (in order) whose quota is not used up."""
    for day in days:
        if taken.get(day, 0) < quota:
            return day
    return None


def estimate_call_at(
    *,
    ahead: int,
    minutes_per_visit: int,
    counters: int,
    now: dt.datetime,
    opens_at: dt.datetime,
) -> dt.datetime:
    """When a ticket with `ahead` people before it is likely called: the queue shared by the counters."""
    start = max(now, opens_at)
    per_counter = ahead / max(counters, 1)
    return start + dt.timedelta(minutes=per_counter * minutes_per_visit)
