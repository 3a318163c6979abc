"""The rules of a day in sessions, without a database: what fits a weekday, which sessions a booking
may still take, and when booking for today stops on a day divided into sessions."""

import datetime as dt
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from antre.offices import rules

EIGHT, TEN, NOON, ONE, THREE = dt.time(8), dt.time(10), dt.time(12), dt.time(13), dt.time(15)
HOURS = {w: (EIGHT, THREE) for w in range(4)} | {4: (EIGHT, dt.time(11, 30))}
MONDAY = dt.date(2026, 11, 30)
TUESDAY = MONDAY + dt.timedelta(days=1)


@dataclass(frozen=True)
class Slot:
    starts: dt.time
    ends: dt.time


MORNING, LATE_MORNING, AFTERNOON = Slot(EIGHT, TEN), Slot(TEN, NOON), Slot(ONE, THREE)


@pytest.mark.parametrize(
    ("starts", "ends", "hours", "pause", "others", "why"),
    [
        (EIGHT, TEN, (EIGHT, THREE), None, [], None),
        (TEN, NOON, (EIGHT, THREE), None, [(EIGHT, TEN)], None),  # touching is not overlapping
        (TEN, EIGHT, (EIGHT, THREE), None, [], "order"),
        (TEN, TEN, (EIGHT, THREE), None, [], "order"),
        (EIGHT, TEN, None, None, [], "closed"),  # a weekday the office does not open
        (dt.time(7, 30), TEN, (EIGHT, THREE), None, [], "outside"),
        (ONE, dt.time(15, 30), (EIGHT, THREE), None, [], "outside"),
        (dt.time(11), ONE, (EIGHT, THREE), (NOON, ONE), [], "break"),
        (ONE, THREE, (EIGHT, THREE), (NOON, ONE), [], None),  # from the end of the break
        (dt.time(9), dt.time(11), (EIGHT, THREE), None, [(EIGHT, TEN)], "overlap"),
        (EIGHT, THREE, (EIGHT, THREE), None, [(TEN, NOON)], "overlap"),  # around another
    ],
)
def test_a_session_fits_inside_the_hours_out_of_the_break_and_clear_of_the_others(
    starts, ends, hours, pause, others, why
):
    assert rules.session_conflict(starts=starts, ends=ends, hours=hours, pause=pause, others=others) == why


def test_friday_after_prayers_fits_a_friday_with_a_long_break():
    friday = (EIGHT, THREE)
    prayers = (dt.time(11, 30), dt.time(13, 30))
    morning = (EIGHT, dt.time(11))
    assert (
        rules.session_conflict(
            starts=dt.time(13, 30), ends=THREE, hours=friday, pause=prayers, others=[morning]
        )
        is None
    )
    assert (
        rules.session_conflict(starts=dt.time(13), ends=THREE, hours=friday, pause=prayers, others=[morning])
        == "break"
    )


def test_on_a_later_day_every_session_is_open_today_only_those_not_ended():
    day = [AFTERNOON, MORNING, LATE_MORNING]  # in any order: they come back by start
    assert rules.open_sessions(sessions=day, day=TUESDAY, today=MONDAY, now=dt.time(14)) == [
        MORNING,
        LATE_MORNING,
        AFTERNOON,
    ]
    # 09.59: the morning session is running, and comes first; at 10.00 it has ended.
    assert rules.open_sessions(sessions=day, day=MONDAY, today=MONDAY, now=dt.time(9, 59))[0] == MORNING
    assert rules.open_sessions(sessions=day, day=MONDAY, today=MONDAY, now=TEN) == [LATE_MORNING, AFTERNOON]
    # In the lunch hour, the afternoon's session is the next one.
    assert rules.open_sessions(sessions=day, day=MONDAY, today=MONDAY, now=dt.time(12, 30)) == [AFTERNOON]
    assert rules.open_sessions(sessions=day, day=MONDAY, today=MONDAY, now=THREE) == []


def test_a_full_session_points_on_to_the_later_ones():
    day = [AFTERNOON, MORNING, LATE_MORNING]
    assert rules.sessions_after(sessions=day, after=EIGHT) == [LATE_MORNING, AFTERNOON]
    assert rules.sessions_after(sessions=day, after=ONE) == []


def test_today_is_bookable_from_afar_until_its_last_session_ends():
    ends = {0: NOON}  # Monday's sessions end at noon, though the office stays open until 15.00
    kwargs = {"today": MONDAY, "hours": HOURS, "closed": set(), "days_ahead": 3, "sessions_end": ends}
    assert rules.bookable_days(now=dt.time(11, 59), **kwargs)[0] == MONDAY
    assert rules.bookable_days(now=NOON, **kwargs)[0] == TUESDAY
    assert rules.refuse_day(day=MONDAY, now=NOON, **kwargs) == "sessions_over"
    assert rules.refuse_day(day=TUESDAY, now=NOON, **kwargs) is None  # a later day: all its sessions ahead
    # Without sessions (or for someone at the door) the day goes on until the cut-off.
    assert rules.refuse_day(day=MONDAY, now=NOON, **kwargs | {"sessions_end": None}) is None
    # Closing and the cut-off still come first when they are earlier.
    assert (
        rules.refuse_day(day=MONDAY, now=THREE, **kwargs | {"sessions_end": {0: THREE}})
        == "office_closed_today"
    )
    late = kwargs | {"sessions_end": {0: THREE}, "cutoff_minutes": 30}
    assert rules.refuse_day(day=MONDAY, now=dt.time(14, 45), **late) == "same_day_closed"


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("0123", {0, 1, 2, 3}),
        ("4", {4}),
        (" 40 ", {0, 4}),
        ("", None),
        ("7", None),
        ("00", None),
        ("1,2", None),
    ],
)
def test_weekdays_are_digits_monday_zero(text, days):
    parsed = rules.parse_weekdays(text)
    assert (set(parsed) if parsed is not None else None) == days


@pytest.mark.parametrize(
    ("text", "time"),
    [
        ("08:00", EIGHT),
        ("8:00", EIGHT),
        ("13.30", dt.time(13, 30)),
        ("24:00", None),
        ("08:60", None),
        ("0800", None),
        ("", None),
        (None, None),
        ("08:00:00", None),
        ("ab:cd", None),
    ],
)
def test_a_session_is_named_by_its_start(text, time):
    assert rules.parse_clock(text) == time


@given(hour=st.integers(0, 23), minute=st.integers(0, 59))
def test_every_start_time_reads_back(hour, minute):
    assert rules.parse_clock(f"{hour:02d}:{minute:02d}") == dt.time(hour, minute)
