"""Recording live events inside the transaction that caused them, and waking listeners after commit."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction

from antre.live import siblings
from antre.live.hub import CHANNEL, hub
from antre.live.models import EventSequence, LiveEvent

log = logging.getLogger(__name__)


def record(
    *,
    office_id: int,
    kind: str,
    data: dict[str, Any],
    ticket_token: str = "",
    board: Callable[[], dict[str, Any]] | None = None,
) -> LiveEvent:
    """Store an event in the current transaction; listeners learn of it only if the transaction commits.

    On PostgreSQL, NOTIFY inside the transaction is delivered at commit to every process that
    listens (and never on rollback). In this process, waiting streams are woken on commit.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("live events are recorded inside the transaction of the change they describe")
    seq = _next_seq(office_id)
    if board is not None:
        # Read behind the sequence lock: the board of event N+1 then includes the change of event N.
        data = {**data, "board": board()}
    event = LiveEvent.objects.create(
        office_id=office_id, seq=seq, kind=kind, data=data, ticket_token=ticket_token
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, str(office_id)])
    transaction.on_commit(lambda: _wake_here(office_id))
    return event


def _next_seq(office_id: int) -> int:
    table = connection.ops.quote_name(EventSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (office_id, last) VALUES (%s, 1) "  # noqa: S608 (table name is ours)
            f"ON CONFLICT (office_id) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [office_id],
        )
        return cursor.fetchone()[0]


def _wake_here(office_id: int) -> None:
    hub.wake_threadsafe(office_id)
    if connection.vendor == "sqlite":  # PostgreSQL's NOTIFY has woken the other processes
        siblings.announce(office_id)
