"""The days a person asks a report for (`from`, `to` as YYYY-MM-DD), read the same way on every
report page and API: a default when left empty, and what is wrong, per field, in words for people."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

LONGEST_SPAN = 366  # days in one request: a year, leap or not


def span_of(
    first_text: str | None,
    last_text: str | None,
    *,
    today: dt.date,
    start: str = "month",
    longest: int = LONGEST_SPAN,
) -> tuple[dt.date, dt.date, dict[str, str]]:
    """The days asked for, ending today by default and starting, by default, on the first of the
    last day's month (`start="month"`) or year (`start="year"`); and what is wrong with them per
    field (empty when nothing is)."""
    problem: dict[str, str] = {}
    last = _date(last_text, today, "to", problem)
    default_first = last.replace(day=1) if start == "month" else last.replace(month=1, day=1)
    first = _date(first_text, default_first, "from", problem)
    if not problem and first > today:
        problem["from"] = _("Hari itu belum tiba: pilih tanggal sampai hari ini.")
    if not problem and first > last:
        problem["from"] = _("Tanggal awal harus sama dengan atau sebelum tanggal akhir.")
    if not problem and (last - first).days >= longest:
        problem["to"] = _("Paling lama %(n)s hari sekaligus.") % {"n": longest}
    return first, last, problem


def _date(text: str | None, default: dt.date, name: str, problem: dict[str, str]) -> dt.date:
    if not text:
        return default
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        problem[name] = _("Bukan tanggal: tulis TTTT-BB-HH, misalnya 2026-12-07.")
        return default
