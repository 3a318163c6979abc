"""The life of an application (the Applications issue), as a pure table. No Django."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

TRANSITIONS: dict[tuple[str, str], str] = {
    ("submitted", "claim"): "in_review",
    ("in_review", "needs_fix"): "needs_fix",
    ("needs_fix", "resubmit"): "in_review",
    ("in_review", "approve"): "approved",
    ("in_review", "reject"): "rejected",
    ("approved", "publish"): "done",
}


def next_status(*, status: str, action: str) -> str | None:
    return TRANSITIONS.get((status, action))


def due_date(*, submitted: dt.date, working_days: int, is_open: Callable[[dt.date], bool]) -> dt.date:
    """The day the service-level target falls on: `working_days` open days after submission."""
    day, left = submitted, working_days
    for _ in range(working_days * 7 + 31):  # bounded even for an office closed for weeks
        if left <= 0:
            break
        day += dt.timedelta(days=1)
        if is_open(day):
            left -= 1
    return day
