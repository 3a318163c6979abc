"""A ticket's life without a database: which action leads where, and when it may not."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from antre.queueing.life import TRANSITIONS, Action, callable_statuses, from_statuses, next_status, target_of
from antre.queueing.rules import WAITING, Status

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
ACTIONS = [
    "call",
    "recall",
    "start",
    "finish",
    "no_show",
    "transfer",
    "cancel",
    "close_day",
    "admit",
    "readmit",
    "turn_away",
    "step_out",
    "go_home",
    "expire",
]
MONDAY = dt.date(2026, 12, 7)  # a rule of dates only: any day will do


@given(
    status=st.sampled_from(STATUSES),
    action=st.sampled_from(ACTIONS),
    rejoined=st.booleans(),
    gate=st.booleans(),
)
def test_the_ticket_life(status, action, rejoined, gate):
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


def test_the_statuses_and_actions_are_the_ones_named_here():
    assert [s.value for s in Status] == STATUSES
    assert [a.value for a in Action] == ACTIONS
    assert {action for _, action in TRANSITIONS} == set(Action)


@given(status=st.sampled_from(STATUSES), gate=st.booleans())
def test_the_gate_lets_in_or_turns_away_only_a_booked_citizen(status, gate):
    for action in ("admit", "readmit"):
        after = next_status(status=status, action=action, gate=gate)
        assert after == ("waiting_inside" if status == "booked" else None)
    assert next_status(status=status, action="turn_away", gate=gate) == (
        "turned_away" if status == "booked" else None
    )


@given(status=st.sampled_from(STATUSES), gate=st.booleans())
def test_stepping_out_keeps_the_number_and_going_home_ends_it(status, gate):
    not_yet_served = status in ("waiting_inside", "called")
    assert next_status(status=status, action="step_out", gate=gate) == ("booked" if not_yet_served else None)
    home = next_status(status=status, action="go_home", gate=gate)
    assert home == ("cancelled" if not_yet_served or status == "booked" else None)


@given(status=st.sampled_from(STATUSES), days=st.integers(-3, 3))
def test_a_holder_cancels_a_waiting_ticket_until_its_day_has_passed(status, days):
    day = MONDAY + dt.timedelta(days=days)
    after = next_status(status=status, action="cancel", gate=False, day=day, today=MONDAY)
    assert after == ("cancelled" if status in ("booked", "waiting_inside") and days >= 0 else None)
    # A day the office closes cancels whatever still waits for it, past or not.
    closed = next_status(status=status, action="close_day", gate=False, day=day, today=MONDAY)
    assert closed == ("cancelled" if status in ("booked", "waiting_inside") else None)


@given(days=st.integers(-3, 3), rejoined=st.booleans(), gate=st.booleans())
def test_a_no_show_rejoins_once_and_only_on_its_own_day(days, rejoined, gate):
    day = MONDAY + dt.timedelta(days=days)
    after = next_status(
        status="no_show", action="recall", gate=gate, rejoined=rejoined, day=day, today=MONDAY
    )
    waiting = "waiting_inside" if gate else "booked"
    assert after == (waiting if days == 0 and not rejoined else None)


def test_what_is_cancelled_is_what_waits():
    # The closed-day sweep chooses its tickets with TicketQuerySet.waiting(): the same set.
    assert set(from_statuses(Action.CANCEL)) == set(from_statuses(Action.CLOSE_DAY)) == set(WAITING)


def test_what_expires_and_what_is_called():
    assert set(from_statuses(Action.EXPIRE)) == {"booked", "waiting_inside", "called", "serving"}
    assert target_of(Action.EXPIRE) == "expired"
    assert callable_statuses(gate=False) == ("booked", "waiting_inside")
    assert callable_statuses(gate=True) == ("waiting_inside",)
