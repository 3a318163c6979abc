"""A day the office closes after citizens have booked it (a power cut, a sudden holiday).

The admin adds the closed day; the tickets already booked for it are cancelled in the same
transaction, so their holders may book another day at once, and each is told: by WhatsApp when a
phone was given, and on the ticket's own page.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.urls import reverse

from antre import clock
from antre.links import public_url
from antre.live import events
from antre.offices.models import ClosedDay, Office
from antre.queueing import signals
from antre.queueing.calling import board
from antre.queueing.life import Action
from antre.queueing.models import Ticket

log = logging.getLogger(__name__)


def cancel_for_closed_day(closed: ClosedDay, *, now: dt.datetime | None = None) -> int:
    """Cancel the tickets still waiting for a day that has become closed; how many were."""
    return _cancel(closed.office_id, closed.date, closed.reason, now=now or clock.now())


def _cancel(office_id: int, day: dt.date, reason: str, *, now: dt.datetime) -> int:
    with transaction.atomic():
        # The office row first, as every gate and counter action takes it (one lock order).
        office = Office.objects.select_for_update(no_key=True).get(pk=office_id)
        today = office.local_today(now)
        tickets = list(
            Ticket.objects.filter(office=office, day=day)
            .waiting()
            .select_related("service")
            .select_for_update(of=("self",))
        )
        rebook = public_url(reverse("queueing:services", args=[office.slug]))
        for ticket in tickets:
            status = ticket.next_status(Action.CLOSE_DAY, today=today, gate=office.gate_enabled)
            ticket.status, ticket.finished_at, ticket.invited_at = status, now, None
            fields = ["status", "finished_at", "invited_at"]
            if ticket.is_inside:
                ticket.left_at = now
                fields.append("left_at")
            ticket.save(update_fields=fields)
            signals.closed_out.send(Ticket, ticket=ticket, reason=reason, rebook_url=rebook)
            if day == today:
                events.record(
                    office_id=office.pk,
                    kind="update",
                    ticket_token=ticket.token,
                    data={"number": ticket.number, "status": ticket.status, "action": "office_closed"},
                    board=lambda: board(office, now=now),
                )
    if tickets:
        log.info("%s tickets of %s cancelled: the office closed that day", len(tickets), day)
    return len(tickets)


def sweep(*, now: dt.datetime | None = None) -> int:
    """Cancel tickets still waiting on a closed day from today on (the worker's job).

    A booking that read its calendar copy before the admin closed the day, and was in flight while
    the closing transaction looked for tickets, is caught here; the booking statement itself refuses
    a closed day from the moment the closing commits.
    """
    now = now or clock.now()
    cancelled = 0
    for closed in ClosedDay.objects.filter(date__gte=(now - dt.timedelta(days=1)).date()):
        if Ticket.objects.filter(office_id=closed.office_id, day=closed.date).waiting().exists():
            cancelled += _cancel(closed.office_id, closed.date, closed.reason, now=now)
    return cancelled


def on_closed_day_saved(sender, instance: ClosedDay, created: bool, raw: bool = False, **kwargs) -> None:
    """post_save of ClosedDay: the tickets of that day go, and the admin is told how many."""
    if raw:  # loading a fixture or a backup: the tickets are as they were saved
        return
    instance.cancelled_tickets = cancel_for_closed_day(instance)
    # Once the day is closed for everyone, once more: a booking in flight while this transaction
    # looked for tickets is caught (and the worker sweeps as well).
    transaction.on_commit(lambda: cancel_for_closed_day(instance))
