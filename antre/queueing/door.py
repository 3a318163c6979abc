"""The queue's view of the door: who is inside, whose invitation stands, who stepped out a moment.

The gate (above) acts on these; the counter's board and the reports read them. Counting a citizen
out when the counter is done is here too: the counter's verbs do it, and tell the gate by a signal.
"""

from __future__ import annotations

import datetime as dt

from antre.offices.models import Office
from antre.queueing.models import Ticket


def inside_now(office: Office, today: dt.date) -> int:
    return Ticket.objects.filter(office=office, day=today).inside().count()


def standing_invitations(office: Office, today: dt.date, now: dt.datetime) -> list[Ticket]:
    """Today's invitations still running at `now`, in the order they were sent.

    The deadline counts only the door's open time (antre.offices.rules.invitation_deadline), so it
    is worked out here rather than in SQL; an office has a handful of invitations out at a time.
    """
    sent = Ticket.objects.filter(office=office, day=today).invited().order_by("invited_at", "pk")
    return [t for t in sent if t.invited_until(now, office)]


def stepped_out_recently(office: Office, today: dt.date, now: dt.datetime) -> list[Ticket]:
    """Who stepped out within the office's time for coming back: their place is kept for them."""
    if not office.rescreen_after_minutes:
        return []
    since = now - dt.timedelta(minutes=office.rescreen_after_minutes)
    return list(
        Ticket.objects.filter(office=office, day=today, left_at__gt=since)
        .stepped_out()
        .order_by("left_at", "pk")
    )


def holding_places(office: Office, today: dt.date, now: dt.datetime) -> list[Ticket]:
    """Citizens a place inside is kept for: those invited in, whose invitation stands, and those who
    stepped out within the office's time for coming back (`rescreen_after_minutes`)."""
    return standing_invitations(office, today, now) + stepped_out_recently(office, today, now)


def leave_when_done(ticket: Ticket, office: Office, now: dt.datetime) -> list[str]:
    """At the counter's finish or no-show: count the citizen out if the office says so. Office is locked."""
    if office.exit_on_finish and ticket.is_inside:
        ticket.left_at = now
        return ["left_at"]
    return []
