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


Period = tuple[dt.datetime, dt.datetime]


def estimate_call_at(
    *,
    ahead: int,
    minutes_per_visit: int,
    counters: int,
    now: dt.datetime,
    periods: list[Period],
) -> dt.datetime | None:
    """When a ticket with `ahead` people before it is likely called: the queue shared by the counters,
    counting only the time they serve (`periods`, in order: opening to the break, the break to
    closing). None when that time runs past the day's last period: not today, as far as we can tell.
    """
    left = dt.timedelta(minutes=ahead / max(counters, 1) * minutes_per_visit)
    for start, end in periods:
        if end <= now:
            continue
        begin = max(start, now)
        if begin + left < end:  # a call due the moment a period ends waits for the next one
            return begin + left
        left -= end - begin
    return None


def announcement_text(*, number: str, name: str, counter: int) -> str:
    """What the waiting room hears: the number and counter in Indonesian words, the shortened name.

    "A-012", "Ni Made S.", 3 -> "Nomor antrean A dua belas, atas nama Ni Made S., silakan menuju loket tiga."
    """
    from lokal.terbilang import terbilang

    parsed = parse_number(number)
    spoken = f"{' '.join(parsed[0])} {terbilang(parsed[1])}" if parsed else number
    who = f", atas nama {name}" if name else ""
    return f"Nomor antrean {spoken}{who}, silakan menuju loket {terbilang(counter)}."
