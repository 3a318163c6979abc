"""A ticket's whole life (SPEC §5): the actions that change its status (rules.Status), and the one
table of which action leads where. Pure: no Django.

Every place that changes a ticket's status asks `next_status` (through `Ticket.next_status`) and
refuses when it answers None. Invitations (sent, lapsed) and counting a served citizen out at the
gate change no status, so they are not in the table.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from antre.queueing.rules import Status


class Action(StrEnum):
    # At the counter.
    CALL = "call"
    RECALL = "recall"  # called again; a no-show rejoins the queue, once, at the back
    START = "start"
    FINISH = "finish"
    NO_SHOW = "no_show"
    TRANSFER = "transfer"
    # The holder; or the office, closing a day already booked.
    CANCEL = "cancel"
    CLOSE_DAY = "close_day"
    # At the gate.
    ADMIT = "admit"  # screened and let in: the first time, or back after stepping out
    READMIT = "readmit"  # back within the office's time for it, without a second screening
    TURN_AWAY = "turn_away"
    STEP_OUT = "step_out"  # out for a moment, not yet served: the number and its place are kept
    GO_HOME = "go_home"
    # The worker, once the ticket's day has ended.
    EXPIRE = "expire"


# A target, not a status: the office's waiting status, waiting_inside behind a gate, booked without one.
WAITING = "waiting"

_S, _A = Status, Action
TRANSITIONS: dict[tuple[str, str], str] = {
    (_S.BOOKED, _A.CALL): _S.CALLED,  # without a gate only (OUTSIDE_THE_GATE)
    (_S.WAITING_INSIDE, _A.CALL): _S.CALLED,
    (_S.CALLED, _A.RECALL): _S.CALLED,
    (_S.NO_SHOW, _A.RECALL): WAITING,  # once, on its own day (next_status)
    (_S.CALLED, _A.START): _S.SERVING,
    (_S.SERVING, _A.FINISH): _S.DONE,
    (_S.CALLED, _A.NO_SHOW): _S.NO_SHOW,
    (_S.CALLED, _A.TRANSFER): _S.WAITING_INSIDE,
    (_S.SERVING, _A.TRANSFER): _S.WAITING_INSIDE,
    (_S.BOOKED, _A.CANCEL): _S.CANCELLED,  # not once its day has passed (next_status)
    (_S.WAITING_INSIDE, _A.CANCEL): _S.CANCELLED,
    (_S.BOOKED, _A.CLOSE_DAY): _S.CANCELLED,
    (_S.WAITING_INSIDE, _A.CLOSE_DAY): _S.CANCELLED,
    (_S.BOOKED, _A.ADMIT): _S.WAITING_INSIDE,
    (_S.BOOKED, _A.READMIT): _S.WAITING_INSIDE,
    (_S.BOOKED, _A.TURN_AWAY): _S.TURNED_AWAY,
    (_S.WAITING_INSIDE, _A.STEP_OUT): _S.BOOKED,
    (_S.CALLED, _A.STEP_OUT): _S.BOOKED,  # the counter that called them is free again
    (_S.WAITING_INSIDE, _A.GO_HOME): _S.CANCELLED,
    (_S.CALLED, _A.GO_HOME): _S.CANCELLED,
    (_S.BOOKED, _A.GO_HOME): _S.CANCELLED,  # said at the door after stepping out
    (_S.BOOKED, _A.EXPIRE): _S.EXPIRED,
    (_S.WAITING_INSIDE, _A.EXPIRE): _S.EXPIRED,
    (_S.CALLED, _A.EXPIRE): _S.EXPIRED,
    (_S.SERVING, _A.EXPIRE): _S.EXPIRED,
}

# Behind a gate a booked citizen is still outside: only those let in are called.
OUTSIDE_THE_GATE: frozenset[tuple[str, str]] = frozenset({(_S.BOOKED, _A.CALL)})


def next_status(
    *,
    status: str,
    action: str,
    gate: bool,
    rejoined: bool = False,
    day: dt.date | None = None,
    today: dt.date | None = None,
) -> Status | None:
    """The status after `action`, or None when the ticket's life does not allow it.

    `day` and `today` (the ticket's day and the office's) bring the rules of time: a ticket of a past
    day is no longer cancelled (it expires), and a no-show rejoins only on its own day.
    """
    target = TRANSITIONS.get((status, action))
    if target is None or (gate and (status, action) in OUTSIDE_THE_GATE):
        return None
    rejoining = status == Status.NO_SHOW and action == Action.RECALL
    if rejoining and rejoined:
        return None
    if day is not None and today is not None:
        if action == Action.CANCEL and day < today:
            return None
        if rejoining and day != today:
            return None
    if target == WAITING:
        return Status.WAITING_INSIDE if gate else Status.BOOKED
    return Status(target)


def from_statuses(action: str, *, gate: bool = False) -> tuple[Status, ...]:
    """The statuses `action` may start from, in the table's order: for choosing tickets in a query.
    `gate` matters only to a call."""
    return tuple(
        Status(status)
        for status, act in TRANSITIONS
        if act == action and not (gate and (status, act) in OUTSIDE_THE_GATE)
    )


def callable_statuses(*, gate: bool) -> tuple[Status, ...]:
    """Behind a gate only admitted tickets are called; without one, today's booked tickets wait too."""
    return from_statuses(Action.CALL, gate=gate)


def target_of(action: str) -> Status:
    """The one status `action` leads to from wherever it is allowed: for one UPDATE of many tickets."""
    (target,) = {target for (_, act), target in TRANSITIONS.items() if act == action}
    return Status(target)
