"""Gate actions: screen and admit, record exits, invite the next citizens in while there is room.

Every action here locks the office row first (FOR NO KEY UPDATE, which does not block the
foreign-key checks of inserts elsewhere) and then tickets: one order everywhere, so no deadlock,
and the count inside is exact — two gate tablets cannot admit one person too many.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from antre.errors import Refusal
from antre.gate import rules
from antre.gate.models import Outcome, Screening
from antre.live import events
from antre.offices.models import Office
from antre.people.models import Role, User
from antre.queueing import rules as queue_rules
from antre.queueing.models import Status, Ticket
from antre.whatsapp import notify

GATE_ROLES = (Role.ADMIN, Role.PETUGAS_PINTU)
_TOKEN_IN_URL = re.compile(r"/tiket/([-\w]+)")


@dataclass(frozen=True)
class Entry:
    ticket: Ticket
    admitted: bool
    reason: str | None
    inside: int
    capacity: int


def check_gate_officer(officer: User | None, office: Office) -> None:
    if officer is None or not officer.is_authenticated:
        raise Refusal("unauthorized", _("Silakan masuk sebagai petugas."), status=401)
    if not (officer.has_role(*GATE_ROLES) and officer.works_at(office)):
        raise Refusal("forbidden", _("Hanya petugas pintu kantor ini yang dapat melakukan ini."), status=403)


def lock_office(office: Office) -> Office:
    return Office.objects.select_for_update(no_key=True).get(pk=office.pk)


def inside_now(office: Office, today: dt.date) -> int:
    return Ticket.objects.filter(
        office=office, day=today, arrived_at__isnull=False, left_at__isnull=True
    ).count()


def find_ticket(office: Office, text: str, *, today: dt.date, lock: bool = False) -> Ticket:
    """A ticket from what a scanner or a person typed: the QR's URL, the ticket id, or today's number."""
    raw = (text or "").strip()
    tickets = Ticket.objects.filter(office=office)
    if lock:
        tickets = tickets.select_for_update(of=("self",))
    match = _TOKEN_IN_URL.search(raw)
    token = match.group(1) if match else raw
    ticket = tickets.filter(token=token).first() if token else None
    if ticket is None and (parsed := queue_rules.parse_number(raw)):
        prefix, seq = parsed
        ticket = tickets.filter(day=today, service__prefix=prefix, seq=seq).first()
    if ticket is None:
        raise Refusal(
            "not_found",
            _("Nomor antrean tidak ditemukan. Periksa nomornya atau pindai ulang kode QR."),
            status=404,
            fields={"ticket": _("Tidak ditemukan.")},
        )
    return ticket


def parse_temperature(raw) -> Decimal:
    try:
        value = Decimal(str(raw).replace(",", ".").strip()).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not rules.plausible_temperature(value):
        raise Refusal(
            "invalid_fields",
            _("Periksa kembali isian yang ditandai."),
            status=422,
            fields={"temperature_c": _("Suhu tidak masuk akal; ukur ulang (contoh: 36,5).")},
        )
    return value


def screen(
    *,
    office: Office,
    ticket_ref: str,
    temperature_c,
    mask: bool,
    hands_washed: bool,
    officer: User | None,
    now: dt.datetime | None = None,
) -> Entry:
    """Screen a citizen at the door: turn away on fever, otherwise admit while there is room."""
    check_gate_officer(officer, office)
    now = now or timezone.now()
    temperature = parse_temperature(temperature_c)
    with transaction.atomic():
        office = lock_office(office)
        today = office.local_today(now)
        ticket = find_ticket(office, ticket_ref, today=today, lock=True)
        _check_can_enter(ticket, office, today)
        if rules.has_fever(temperature_c=temperature, threshold_c=office.fever_threshold_c):
            Screening.objects.create(
                office=office,
                ticket=ticket,
                temperature_c=temperature,
                mask=mask,
                hands_washed=hands_washed,
                outcome=Outcome.TURNED_AWAY,
                screened_by=officer,
            )
            ticket.status, ticket.finished_at, ticket.invited_at = Status.TURNED_AWAY, now, None
            ticket.save(update_fields=["status", "finished_at", "invited_at"])
            invite_next(office, now=now)
            _record(office, ticket, "turned_away", now)
            return Entry(ticket, False, "fever", inside_now(office, today), office.capacity)
        if not (mask and hands_washed):
            raise Refusal(
                "screening_incomplete",
                _("Minta warga memakai masker dan mencuci tangan dahulu, lalu periksa lagi."),
                status=422,
                fields={"mask" if not mask else "hands_washed": _("Wajib sebelum masuk.")},
            )
        inside = inside_now(office, today)
        reserved = active_invitations(office, today, now).exclude(pk=ticket.pk).count()
        if not rules.may_admit(
            inside=inside, capacity=office.capacity, reserved=0 if _invited(ticket, office, now) else reserved
        ):
            raise Refusal(
                "capacity_full",
                _("Ruang layanan penuh (%(inside)s dari %(capacity)s orang). Minta warga menunggu di luar.")
                % {"inside": inside, "capacity": office.capacity},
                extra={"inside": inside, "capacity": office.capacity},
            )
        Screening.objects.create(
            office=office,
            ticket=ticket,
            temperature_c=temperature,
            mask=mask,
            hands_washed=hands_washed,
            outcome=Outcome.ADMITTED,
            screened_by=officer,
        )
        ticket.status, ticket.arrived_at, ticket.invited_at = Status.WAITING_INSIDE, now, None
        ticket.save(update_fields=["status", "arrived_at", "invited_at"])
        _record(office, ticket, "admitted", now)
        return Entry(ticket, True, None, inside + 1, office.capacity)


def _invited(ticket: Ticket, office: Office, now: dt.datetime) -> bool:
    return bool(ticket.invited_at) and not rules.invitation_lapsed(
        invited_at=ticket.invited_at, now=now, minutes=office.invitation_minutes
    )


def _check_can_enter(ticket: Ticket, office: Office, today: dt.date) -> None:
    if ticket.day != today:
        raise Refusal(
            "wrong_day",
            _("Nomor antrean ini untuk tanggal %(day)s, bukan hari ini.")
            % {"day": ticket.day.strftime("%d-%m-%Y")},
        )
    if ticket.status == Status.WAITING_INSIDE or (
        ticket.arrived_at and not ticket.left_at and ticket.is_active
    ):
        raise Refusal("already_inside", _("%(number)s sudah berada di dalam.") % {"number": ticket.number})
    if ticket.status != Status.BOOKED:
        raise Refusal(
            "invalid_transition",
            _("%(number)s berstatus “%(status)s” dan tidak dapat masuk.")
            % {"number": ticket.number, "status": ticket.get_status_display()},
        )


def record_exit(
    *, office: Office, ticket_ref: str, officer: User | None, now: dt.datetime | None = None
) -> Entry:
    """A citizen left the service area: the place is free for the next one."""
    check_gate_officer(officer, office)
    now = now or timezone.now()
    with transaction.atomic():
        office = lock_office(office)
        today = office.local_today(now)
        ticket = find_ticket(office, ticket_ref, today=today, lock=True)
        if not ticket.arrived_at or ticket.left_at:
            raise Refusal("not_inside", _("%(number)s tidak tercatat di dalam.") % {"number": ticket.number})
        ticket.left_at = now
        fields = ["left_at"]
        if ticket.status == Status.WAITING_INSIDE:  # left before being called
            ticket.status, ticket.finished_at = Status.CANCELLED, now
            fields += ["status", "finished_at"]
        ticket.save(update_fields=fields)
        invite_next(office, now=now)
        _record(office, ticket, "left", now)
        return Entry(ticket, False, None, inside_now(office, today), office.capacity)


def leave_when_done(ticket: Ticket, office: Office, now: dt.datetime) -> list[str]:
    """At the counter's finish or no-show: count the citizen out if the office says so. Office is locked."""
    if office.exit_on_finish and ticket.arrived_at and not ticket.left_at:
        ticket.left_at = now
        return ["left_at"]
    return []


def active_invitations(office: Office, today: dt.date, now: dt.datetime):
    since = now - dt.timedelta(minutes=office.invitation_minutes)
    return Ticket.objects.filter(office=office, day=today, status=Status.BOOKED, invited_at__gt=since)


def invite_next(office: Office, *, now: dt.datetime) -> list[Ticket]:
    """Lapse old invitations and invite the next booked citizens while there is room. Office is locked."""
    if not office.gate_enabled:
        return []
    today = office.local_today(now)
    since = now - dt.timedelta(minutes=office.invitation_minutes)
    lapsed = list(
        Ticket.objects.filter(
            office=office, day=today, status=Status.BOOKED, invited_at__lte=since
        ).select_for_update()
    )
    for ticket in lapsed:
        # Not here in time: the place goes to the next one; this citizen goes to the back, and may
        # be invited once more.
        ticket.invited_at, ticket.queued_at = None, now
        ticket.save(update_fields=["invited_at", "queued_at"])
        _record(office, ticket, "invitation_lapsed", now)
    room = rules.invitations_to_send(
        inside=inside_now(office, today),
        capacity=office.capacity,
        invited=active_invitations(office, today, now).count(),
    )
    if room == 0:
        return []
    chosen = list(
        Ticket.objects.filter(
            office=office,
            day=today,
            status=Status.BOOKED,
            invited_at__isnull=True,
            invitations__lt=rules.MAX_INVITATIONS,
        )
        .in_call_order()
        .select_for_update(of=("self",))[:room]
    )
    for ticket in chosen:
        ticket.invited_at, ticket.invitations = now, ticket.invitations + 1
        ticket.save(update_fields=["invited_at", "invitations"])
        notify.ticket_invited(ticket, office.invitation_minutes)
        _record(office, ticket, "invited", now, kind="invite")
    return chosen


def refresh_invitations(office: Office, *, now: dt.datetime | None = None) -> list[Ticket]:
    """The worker's tick: lapse and send invitations for one office."""
    now = now or timezone.now()
    with transaction.atomic():
        return invite_next(lock_office(office), now=now)


def _record(office: Office, ticket: Ticket, action: str, now: dt.datetime, kind: str = "update") -> None:
    from antre.queueing.calling import board

    events.record(
        office_id=office.pk,
        kind=kind,
        ticket_token=ticket.token,
        data={"number": ticket.number, "status": ticket.status, "action": action},
        board=lambda: board(office, now=now),
    )
