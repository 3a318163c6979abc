"""Issuing a number: the next number of a service's day and the ticket's insert, in one transaction,
each database the way it does it best. The quota, the service and the day are checked again here,
behind the number's row lock, and the session chosen there: bookings of one service-day take turns
at that lock, so a session's count read behind it is exact and its quota is never exceeded."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connection, connections, transaction
from django.utils.translation import gettext as _

from antre.db import hot
from antre.errors import Refusal
from antre.offices.models import Office, Service, ServiceMode, Session
from antre.people.models import User
from antre.queueing import budgets as budget_rules
from antre.queueing import rules, signals
from antre.queueing.days import day_refusal, quota_full, session_full
from antre.queueing.models import ONE_ACTIVE_TICKET, DailySequence, IdempotencyKey, Ticket

log = logging.getLogger(__name__)


def unknown_service() -> Refusal:
    return Refusal(
        "unknown_service",
        _("Layanan tidak ditemukan. Pilih layanan dari daftar."),
        status=422,
        fields={"service": _("Layanan tidak ditemukan.")},
    )


def online_only(service: Service) -> Refusal:
    return Refusal(
        "online_only",
        _("Layanan %(name)s dilayani secara daring; tidak perlu datang ke kantor.") % {"name": service.name},
    )


def _diagnostics(exc: DatabaseError):
    """What PostgreSQL said about an error (constraint, message); None on SQLite."""
    return getattr(exc.__cause__, "diag", None)


def is_second_active_ticket(exc: IntegrityError) -> bool:
    """Whether the unique index on active tickets (service, day, NIK) refused the insert.

    Any other integrity error (a number taken twice, a missing value) is a fault, not a citizen's
    duplicate, and must not be reported as one.
    """
    diag = _diagnostics(exc)
    if diag is not None:  # PostgreSQL names the constraint
        return diag.constraint_name == ONE_ACTIVE_TICKET
    return "queueing_ticket.service_id, queueing_ticket.day, queueing_ticket.nik_hash" in str(exc)  # SQLite


def issue(
    *,
    office: Office,
    service: Service,
    day: dt.date,
    clean: dict[str, str],
    channel: str,
    priority: str,
    issued_by: User | None,
    idempotency_key: str | None,
    fingerprint: str,
    now: dt.datetime,
    sessions: Sequence[Session] = (),
    come_at: dt.datetime | None = None,
    source: str = "",
    held_back: bool = False,
    budgets: Sequence[budget_rules.Budget] = (),
) -> tuple[Ticket, int]:
    """Insert the ticket, in the first of `sessions` (in order) with room for the service; none
    given: a day not divided into sessions. Returns it with how many wait ahead of it.
    `held_back`: the share of the day kept for the day itself is closed to this booking (it stops
    short of it); `budgets`: the daily budgets it spends (antre.queueing.budgets), in its transaction."""
    ticket = Ticket(
        office=office,
        service=service,
        day=day,
        name=clean["name"],
        nik=clean["nik"],
        phone=clean["phone"],
        priority=priority,
        is_priority=bool(priority),
        channel=channel,
        issued_by=issued_by if issued_by and issued_by.is_authenticated else None,
        issued_at=now,
        # Call order after priority: a booking from home queues from the time it is asked to come,
        # so that it does not overtake those who came earlier (antre.queueing.arrivals).
        queued_at=max(come_at, now) if come_at else now,
        come_at=come_at,
        source=source,
    )
    issue = _issue_in_one_statement if connection.vendor == "postgresql" else _issue_in_steps
    ticket, ahead = issue(
        ticket,
        service=service,
        sessions=sessions,
        key=idempotency_key,
        fingerprint=fingerprint,
        now=now,
        held_back=held_back,
        budgets=budgets,
    )
    log.info("ticket %s booked for %s via %s", ticket.number, day, channel)
    return ticket, ahead


@transaction.atomic
def _issue_in_steps(
    ticket: Ticket,
    *,
    service: Service,
    sessions: Sequence[Session],
    key: str | None,
    fingerprint: str,
    now: dt.datetime,
    held_back: bool = False,
    budgets: Sequence[budget_rules.Budget] = (),
) -> tuple[Ticket, int]:
    """SQLite: one IMMEDIATE transaction, which holds the database's only write slot throughout."""
    ticket.seq, taken, waiting, waiting_priority = _take_number(service, ticket.day)
    # The service as it is now, in this transaction: `service` may be a copy kept for a few seconds
    # (the fast lane's, antre.offices.calendar). antre_issue_ticket does the same on PostgreSQL.
    active, mode, quota, prefix, percent = hot.values(
        Service, ["active", "mode", "daily_quota", "prefix", "held_back_percent"], service.pk
    ) or (False, "", 0, "", 0)
    quota = rules.bookable_quota(quota=quota, percent=percent, held_back=held_back)
    if not active:
        raise unknown_service()
    if mode == ServiceMode.ONLINE:
        raise online_only(service)
    if rules.quota_full(quota=quota, taken=taken):
        raise quota_full(service, ticket.day, now=now)
    if sessions:
        ticket.session = rules.first_session_with_room(_session_counts(ticket, sessions))
        if ticket.session is None:
            raise session_full(service, ticket.day, sessions, now=now)
    if _closed_now(ticket):
        raise day_refusal("closed_day", service=service, day=ticket.day, now=now)
    budget_rules.spend(budgets, today=ticket.office.local_today(now))
    ticket.number = rules.format_number(prefix=prefix, seq=ticket.seq)
    hot.insert(ticket)  # a second active ticket of a NIK: the unique index refuses it (IntegrityError)
    if key:
        # Unique per office: a retry racing its first attempt fails here and is answered by replay.
        hot.insert(IdempotencyKey(office=ticket.office, key=key, fingerprint=fingerprint, ticket=ticket))
    signals.booked.send(Ticket, ticket=ticket)
    return ticket, waiting_priority if ticket.is_priority else waiting


_SESSION_QUOTA_SQL = "SELECT quota FROM offices_sessionquota WHERE session_id = %s AND service_id = %s"
_SESSION_TAKEN_SQL = "SELECT COUNT(*) FROM queueing_ticket WHERE service_id = %s AND day = %s AND session_id = %s AND status <> %s"


def _session_counts(ticket: Ticket, sessions: Sequence[Session]) -> Iterator[tuple[Session, int | None, int]]:
    """Each candidate session with the service's quota in it, as the database has it now, and its
    tickets taken (rules.is_taken), counted only when it has a quota. antre_issue_ticket does the
    same on PostgreSQL."""
    day = connection.ops.adapt_datefield_value(ticket.day)
    with connection.cursor() as cursor:
        for session in sessions:
            cursor.execute(_SESSION_QUOTA_SQL, [session.pk, ticket.service_id])
            row = cursor.fetchone()
            if row is None:
                yield session, None, 0
                continue
            cursor.execute(_SESSION_TAKEN_SQL, [ticket.service_id, day, session.pk, rules.NOT_TAKEN.value])
            yield session, row[0], cursor.fetchone()[0]


_CLOSED_SQL = "SELECT 1 FROM offices_closedday WHERE office_id = %s AND date = %s"


def _closed_now(ticket: Ticket) -> bool:
    """Whether the day was closed meanwhile: the calendar checked before is a copy, seconds old.
    antre_issue_ticket asks the same on PostgreSQL."""
    with connection.cursor() as cursor:
        cursor.execute(_CLOSED_SQL, [ticket.office_id, connection.ops.adapt_datefield_value(ticket.day)])
        return cursor.fetchone() is not None


_ISSUE_SQL = (
    "SELECT ticket_id, ticket_seq, ticket_number, ahead, ticket_session"
    " FROM antre_issue_ticket(%s, %s, %s, %s::bigint[], %s)"
)


def _issue_in_one_statement(
    ticket: Ticket,
    *,
    service: Service,
    sessions: Sequence[Session],
    key: str | None,
    fingerprint: str,
    now: dt.datetime,
    held_back: bool = False,
    budgets: Sequence[budget_rules.Budget] = (),
) -> tuple[Ticket, int]:
    """PostgreSQL: the same steps in one call of antre_issue_ticket (antre.queueing.dbcode).

    Outside a transaction the call is a transaction of its own: one round trip, and the number's
    row lock is held only while PostgreSQL works. Inside one (a caller's, or to put a WhatsApp
    message in the same commit) it runs in a savepoint, so a refusal leaves the caller's
    transaction usable.
    """
    db = connections[DEFAULT_DB_ALIAS]  # looked up once: each lookup goes through a thread-local
    params: list[Any] = [
        hot.row_json(ticket),
        key or "",
        fingerprint,
        [session.pk for session in sessions],
        held_back,
    ]
    own_transaction = db.in_atomic_block or ticket.phone or budgets
    try:
        with transaction.atomic() if own_transaction else contextlib.nullcontext():
            # The budgets' rows first, then the number's (in the function): the one lock order.
            budget_rules.spend(budgets, today=ticket.office.local_today(now))
            with db.cursor() as cursor:
                cursor.execute(_ISSUE_SQL, params)
                pk, ticket.seq, ticket.number, ahead, session_id = cursor.fetchone()
            ticket.session = next((s for s in sessions if s.pk == session_id), None)
            hot.stored(ticket, pk)
            signals.booked.send(Ticket, ticket=ticket)
    except DatabaseError as exc:  # RAISE in PL/pgSQL arrives as psycopg's RaiseException
        refused = getattr(_diagnostics(exc), "message_primary", None)
        if refused == "antre:quota_full":
            raise quota_full(service, ticket.day, now=now) from None
        if refused == "antre:session_full":
            raise session_full(service, ticket.day, sessions, now=now) from None
        if refused == "antre:unknown_service":
            raise unknown_service() from None
        if refused == "antre:online_only":
            raise online_only(service) from None
        if refused == "antre:closed_day":
            raise day_refusal("closed_day", service=service, day=ticket.day, now=now) from None
        raise
    return ticket, ahead


def next_seq(service: Service, day: dt.date) -> int:
    """Take the next number of (service, day); see _take_number."""
    return _take_number(service, day)[0]


def _take_number(service: Service, day: dt.date) -> tuple[int, int, int, int]:
    """The next number of (service, day) by one atomic upsert, with the day's counts.

    The counts (taken against the quota, waiting, waiting with priority) are kept on the same
    row by triggers (antre.queueing.dbcode). On PostgreSQL the upserted row stays locked until
    commit, so bookings of one service and day queue here and each sees the counts of every
    earlier booking, and a refused booking rolls its number back, leaving no gap. SQLite gets the
    same from IMMEDIATE transactions, which let one writer in at a time.
    """
    table = connection.ops.quote_name(DailySequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (service_id, day, last, taken, waiting, waiting_priority) "  # noqa: S608 (table name is ours)
            f"VALUES (%s, %s, 1, 0, 0, 0) "
            f"ON CONFLICT (service_id, day) DO UPDATE SET last = {table}.last + 1 "
            f"RETURNING last, taken, waiting, waiting_priority",
            [service.pk, connection.ops.adapt_datefield_value(day)],
        )
        return cursor.fetchone()
