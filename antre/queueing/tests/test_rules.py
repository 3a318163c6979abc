"""Queue rules without a database: numbers, quotas, estimates."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from antre.queueing.rules import (
    estimate_call_at,
    first_day_with_room,
    format_number,
    parse_number,
    quota_left,
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


def test_first_day_with_room():
    d1, d2, d3 = (dt.date(2026, 12, d) for d in (1, 2, 3))
    assert first_day_with_room(days=[d1, d2, d3], taken={d1: 50, d2: 49}, quota=50) == d2
    assert first_day_with_room(days=[d1], taken={d1: 50}, quota=50) is None


def test_estimate_shares_the_queue_between_counters_and_waits_for_opening():
    opens = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
    before = opens - dt.timedelta(hours=2)
    assert estimate_call_at(ahead=0, minutes_per_visit=10, counters=2, now=before, opens_at=opens) == opens
    assert estimate_call_at(
        ahead=6, minutes_per_visit=10, counters=2, now=before, opens_at=opens
    ) == opens + dt.timedelta(minutes=30)
    later = opens + dt.timedelta(hours=1)
    assert estimate_call_at(
        ahead=1, minutes_per_visit=10, counters=0, now=later, opens_at=opens
    ) == later + dt.timedelta(minutes=10)


STATUSES = [
    "booked",
    "waiting_inside",
    "called",
    "serving",
    "done",
    "no_show",
    "cancelled",
    "expired",
    "turned_away",
]
ACTIONS = ["call", "recall", "start", "finish", "no_show", "transfer", "cancel"]


@given(
    status=st.sampled_from(STATUSES),
    action=st.sampled_from(ACTIONS),
    rejoined=st.booleans(),
    gate=st.booleans(),
)
def test_the_ticket_life(status, action, rejoined, gate):
    from antre.queueing.rules import next_status

    after = next_status(status=status, action=action, rejoined=rejoined, gate=gate)
    if status in ("done", "cancelled", "expired", "turned_away"):
        assert after is None  # the end of a ticket's life
    if after == "called":
        assert status in ("booked", "waiting_inside", "called")
    if status == "no_show" and action == "recall":
        assert after == (None if rejoined else ("waiting_inside" if gate else "booked"))
    if action == "finish":
        assert after == ("done" if status == "serving" else None)
    if action == "call":
        # Behind a gate only admitted tickets are called; without one, booked tickets too.
        assert after == (
            "called" if status == "waiting_inside" or (status == "booked" and not gate) else None
        )


def test_announcement_in_indonesian_words():
    from antre.queueing.rules import announcement_text

    assert announcement_text(number="A-012", name="Ni Made S.", counter=3) == (
        "Nomor antrean A dua belas, atas nama Ni Made S., silakan menuju loket tiga."
    )
    assert announcement_text(number="G-120", name="", counter=11) == (
        "Nomor antrean G seratus dua puluh, silakan menuju loket sebelas."
    )
