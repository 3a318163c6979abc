"""Writing the audit log: one entry per staff action, in the action's own transaction."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from django.db import transaction

from antre.audit.models import Action, AuditEntry
from antre.offices.models import Office
from antre.people.models import User


def record(
    *,
    office: Office,
    actor: User | None,
    action: Action,
    subject: str = "",
    subject_day: dt.date | None = None,
    detail: dict | None = None,
    at: dt.datetime,
) -> AuditEntry:
    """Note that `actor` (a User, or None for the system) did `action` to `subject` at `office`.

    Called inside the action's transaction, so an action rolled back leaves no entry and a done one
    always has its entry. One INSERT, no query: the office and the actor are already loaded.
    """
    # An entry outside a transaction would stay behind when the action it notes fails.
    assert transaction.get_connection().in_atomic_block, "audit.record runs in the action's transaction"
    entry = AuditEntry(
        office=office,
        at=at,
        actor=actor,
        actor_username=actor.username if actor is not None else "",
        actor_role=actor.role if actor is not None else "",
        action=action,
        subject=subject,
        subject_day=subject_day,
        detail=detail or {},
    )
    entry.save(force_insert=True)
    return entry


class Numbered(Protocol):
    """A ticket, as the log names it (antre.queueing sits above this app)."""

    number: str
    day: dt.date


def record_ticket(
    ticket: Numbered, office: Office, actor: User | None, action: Action, at: dt.datetime, **detail
) -> AuditEntry:
    """record() for an action on a ticket: its number and day are the subject."""
    subject = detail.pop("subject", "") or ticket.number
    return record(
        office=office,
        actor=actor,
        action=action,
        subject=subject,
        subject_day=ticket.day,
        detail=detail,
        at=at,
    )
