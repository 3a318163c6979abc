"""Office calendar rules without a database: local dates, open days, bookable days."""

import datetime as dt

import pytest

from antre.offices import rules
from antre.offices.rules import bookable_days, local_date, refuse_day

HOURS = {w: (dt.time(8), dt.time(15)) for w in range(4)} | {4: (dt.time(8), dt.time(11, 30))}
MONDAY = dt.date(2026, 11, 30)


def test_the_office_day_starts_at_the_office_midnight_not_utc():
    # 16:30 UTC on Sunday is 00:30 on Monday in WITA (UTC+8).
    instant = dt.datetime(2026, 11, 29, 16, 30, tzinfo=dt.UTC)
    assert local_date(instant=instant, tz="Asia/Makassar") == MONDAY
    assert local_date(instant=instant, tz="UTC") == dt.date(2026, 11, 29)


def test_naive_instants_are_refused():
    with pytest.raises(ValueError):
        local_date(instant=dt.datetime(2026, 1, 1), tz="Asia/Makassar")


def test_bookable_days_skip_weekends_closed_days_and_today_after_closing():
    closed = {MONDAY + dt.timedelta(days=2)}
    days = bookable_days(today=MONDAY, now=dt.time(9), hours=HOURS, closed=closed, days_ahead=7)
    assert days == [
        MONDAY,
        MONDAY + dt.timedelta(days=1),
        MONDAY + dt.timedelta(days=3),
        MONDAY + dt.timedelta(days=4),
        MONDAY + dt.timedelta(days=7),
    ]
    late = bookable_days(today=MONDAY, now=dt.time(15), hours=HOURS, closed=closed, days_ahead=1)
    assert late == [MONDAY + dt.timedelta(days=1)]


@pytest.mark.parametrize(
    ("day", "now", "why"),
    [
        (MONDAY - dt.timedelta(days=1), dt.time(9), "date_in_past"),
        (MONDAY + dt.timedelta(days=15), dt.time(9), "date_too_far"),
        (MONDAY + dt.timedelta(days=5), dt.time(9), "closed_day"),  # Saturday
        (MONDAY, dt.time(15, 1), "office_closed_today"),
        (MONDAY + dt.timedelta(days=4), dt.time(9), None),  # Friday
        (MONDAY, dt.time(7), None),
    ],
)
def test_refuse_day(day, now, why):
    assert refuse_day(day=day, today=MONDAY, now=now, hours=HOURS, closed=set(), days_ahead=14) == why


def test_the_week_is_written_as_a_notice_board_would():
    eight, three, half_past_eleven = dt.time(8), dt.time(15), dt.time(11, 30)
    hours = {d: (eight, three) for d in range(4)} | {4: (eight, half_past_eleven)}
    lunch = {d: (dt.time(12), dt.time(13)) for d in range(4)}
    assert rules.week_rows(hours=hours, breaks=lunch) == [
        rules.WeekRow(0, 3, (eight, three), (dt.time(12), dt.time(13))),
        rules.WeekRow(4, 4, (eight, half_past_eleven), None),
        rules.WeekRow(5, 6, None, None),
    ]


def test_the_next_open_day_skips_weekends_and_closed_days():
    hours = {d: (dt.time(8), dt.time(15)) for d in range(5)}
    friday = dt.date(2030, 1, 4)
    monday = friday + dt.timedelta(days=3)
    assert rules.next_open_day(after=friday, hours=hours, closed=set()) == monday
    assert rules.next_open_day(after=friday, hours=hours, closed={monday}) == monday + dt.timedelta(days=1)
    assert rules.next_open_day(after=friday, hours={}, closed=set()) is None
