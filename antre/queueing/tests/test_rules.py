"""Queue rules without a database: numbers, quotas, estimates."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from antre.conftest import MONDAY, wita
from antre.queueing.rules import (
    Status,
    day_counts,
    estimate_call_at,
    format_number,
    parse_number,
    quota_full,
    quota_left,
    with_room,
)


@given(prefix=st.sampled_from(["A", "B", "G", "AB"]), seq=st.integers(1, 99_999))
def test_a_number_reads_back_as_itself(prefix, seq):
    assert parse_number(format_number(prefix=prefix, seq=seq)) == (prefix, seq)


@given(a=st.integers(1, 5000), b=st.integers(1, 5000))
def test_distinct_sequences_give_distinct_numbers(a, b):
    assert (format_number(prefix="A", seq=a) == format_number(prefix="A", seq=b)) == (a == b)


def test_numbers_have_three_digits_at_least():
    assert format_number(prefix="A", seq=12) == "A-012"
    assert format_number(prefix="D", seq=1234) == "D-1234"
    with pytest.raises(ValueError):
        format_number(prefix="A", seq=0)


@pytest.mark.parametrize(
    ("typed", "parsed"),
    [("a12", ("A", 12)), (" A - 012 ", ("A", 12)), ("12", None), ("A-0", None), ("A-1B", None)],
)
def test_numbers_as_typed_at_the_gate(typed, parsed):
    assert parse_number(typed) == parsed


@given(quota=st.integers(0, 500), taken=st.integers(0, 600))
def test_quota_left_is_never_negative(quota, taken):
    left = quota_left(quota=quota, taken=taken)
    assert left >= 0
    assert left == max(quota - taken, 0)


@given(quota=st.integers(0, 500), taken=st.integers(0, 600))
def test_a_day_is_full_once_its_quota_is_taken(quota, taken):
    assert quota_full(quota=quota, taken=taken) == (taken >= quota)


def test_only_days_with_a_place_left_are_offered():
    d1, d2, d3 = (dt.date(2026, 12, d) for d in (1, 2, 3))
    assert with_room([(d1, 0), (d2, 3), (d3, 1)]) == [(d2, 3), (d3, 1)]


def test_every_ticket_but_a_cancelled_one_keeps_its_place():
    tickets = [(status, False) for status in Status]
    assert day_counts(tickets).taken == len(Status) - 1
    assert day_counts([(Status.CANCELLED, True)]).taken == 0


def test_booked_and_admitted_tickets_wait_and_priority_ones_wait_ahead():
    counts = day_counts(
        [("booked", True), ("waiting_inside", False), ("called", True), ("no_show", False), ("booked", False)]
    )
    assert (counts.taken, counts.waiting, counts.waiting_priority) == (5, 3, 1)


OPENS = wita(MONDAY, 8)  # a rule of the clock only: the test week's Monday will do


DAY = [(wita(MONDAY, 8), wita(MONDAY, 15))]
WITH_BREAK = [(wita(MONDAY, 8), wita(MONDAY, 12)), (wita(MONDAY, 13), wita(MONDAY, 15))]


def test_estimate_shares_the_queue_between_counters_and_waits_for_opening():
    before = OPENS - dt.timedelta(hours=2)
    assert estimate_call_at(ahead=0, minutes_per_visit=10, counters=2, now=before, periods=DAY) == OPENS
    assert estimate_call_at(
        ahead=6, minutes_per_visit=10, counters=2, now=before, periods=DAY
    ) == OPENS + dt.timedelta(minutes=30)
    later = OPENS + dt.timedelta(hours=1)
    assert estimate_call_at(
        ahead=1, minutes_per_visit=10, counters=0, now=later, periods=DAY
    ) == later + dt.timedelta(minutes=10)


def test_the_lunch_break_does_not_count_and_nothing_is_promised_after_closing():
    # Ten ahead at 15 minutes each from 10:00: 12:30 by the clock, but the counters stop at noon.
    assert estimate_call_at(
        ahead=10, minutes_per_visit=15, counters=1, now=wita(MONDAY, 10), periods=WITH_BREAK
    ) == wita(MONDAY, 13, 30)
    # Whoever is next when the break starts is called when it ends.
    assert estimate_call_at(
        ahead=0, minutes_per_visit=15, counters=1, now=wita(MONDAY, 12, 20), periods=WITH_BREAK
    ) == wita(MONDAY, 13)
    # Past closing, or more people ahead than the day has time for: no time to promise.
    assert (
        estimate_call_at(
            ahead=0, minutes_per_visit=15, counters=1, now=wita(MONDAY, 15, 5), periods=WITH_BREAK
        )
        is None
    )
    assert (
        estimate_call_at(ahead=20, minutes_per_visit=15, counters=1, now=wita(MONDAY, 11), periods=WITH_BREAK)
        is None
    )
    assert (
        estimate_call_at(ahead=0, minutes_per_visit=15, counters=1, now=wita(MONDAY, 9), periods=[]) is None
    )


def served_between(start: dt.datetime, end: dt.datetime, periods) -> dt.timedelta:
    """The counters' time between two instants: the overlap with the periods."""
    total = dt.timedelta(0)
    for begin, finish in periods:
        total += max(min(end, finish) - max(start, begin), dt.timedelta(0))
    return total


@st.composite
def days_with_a_break(draw):
    """A day's opening hours with or without a break, in minutes after midnight."""
    opens = draw(st.integers(6 * 60, 10 * 60))
    closes = draw(st.integers(opens + 60, 18 * 60))
    if draw(st.booleans()):
        pause_starts = draw(st.integers(opens + 1, closes - 2))
        pause_ends = draw(st.integers(pause_starts + 1, closes - 1))
        minutes = [(opens, pause_starts), (pause_ends, closes)]
    else:
        minutes = [(opens, closes)]
    midnight = OPENS.replace(hour=0)
    return [(midnight + dt.timedelta(minutes=a), midnight + dt.timedelta(minutes=b)) for a, b in minutes]


ESTIMATES = {
    "periods": days_with_a_break(),
    "now": st.integers(0, 24 * 60 - 1).map(lambda m: OPENS.replace(hour=0) + dt.timedelta(minutes=m)),
    "ahead": st.integers(0, 200),
    "minutes_per_visit": st.integers(1, 30),
    "counters": st.integers(0, 6),
}


@given(**ESTIMATES)
def test_an_estimate_never_falls_in_the_break_or_after_closing(
    periods, now, ahead, minutes_per_visit, counters
):
    estimate = estimate_call_at(
        ahead=ahead, minutes_per_visit=minutes_per_visit, counters=counters, now=now, periods=periods
    )
    work = dt.timedelta(minutes=ahead / max(counters, 1) * minutes_per_visit)
    if estimate is None:
        # Only when the rest of the day has no room for the people ahead.
        assert served_between(now, periods[-1][1], periods) <= work
        return
    assert estimate >= now
    assert any(start <= estimate < end for start, end in periods)
    # The counters' time until the estimate is the queue's work: the break is not counted.
    assert served_between(now, estimate, periods) == work


@given(**ESTIMATES)
def test_one_more_person_ahead_never_brings_the_call_forward(
    periods, now, ahead, minutes_per_visit, counters
):
    fields = {"minutes_per_visit": minutes_per_visit, "counters": counters, "now": now, "periods": periods}
    sooner = estimate_call_at(ahead=ahead, **fields)
    later = estimate_call_at(ahead=ahead + 1, **fields)
    assert later is None or (sooner is not None and later >= sooner)


def test_announcement_in_indonesian_words():
    from antre.queueing.rules import announcement_text

    assert announcement_text(number="A-012", name="Ni Made S.", counter=3) == (
        "Nomor antrean A dua belas, atas nama Ni Made S., silakan menuju loket tiga."
    )
    assert announcement_text(number="G-120", name="", counter=11) == (
        "Nomor antrean G seratus dua puluh, silakan menuju loket sebelas."
    )
