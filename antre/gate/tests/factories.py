"""A citizen at the door, for tests: screened through the gate's own `screen`, so admissions,
capacity and invitations follow the real rules."""

from __future__ import annotations

import datetime as dt

from antre.gate import services as gate
from antre.offices.models import Office
from antre.people.models import User
from antre.queueing.models import Ticket


def enter(
    office: Office,
    ticket: Ticket | str,
    officer: User,
    *,
    temperature: str = "36.6",
    mask: bool = True,
    hands_washed: bool = True,
    now: dt.datetime | None = None,
) -> gate.Entry:
    """The holder of `ticket` (a Ticket, or the token or number shown at the door) is screened by
    `officer`, at `now` (by default the clock's): healthy, masked and with washed hands unless the
    test says otherwise."""
    return gate.screen(
        office=office,
        ticket_ref=ticket.token if isinstance(ticket, Ticket) else ticket,
        temperature_c=temperature,
        mask=mask,
        hands_washed=hands_washed,
        officer=officer,
        now=now,
    )
