"""Gate actions: screen and admit, record exits, invite the next citizens in while there is room.

Every action here locks the office row first (FOR NO KEY UPDATE, which does not block the
foreign-key checks of inserts elsewhere) and then tickets: one order everywhere, so no deadlock,
and the count inside is exact — two gate tablets cannot admit one person too many.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from antre import clock
from antre.audit import services as audit
from antre.audit.models import Action as Audited
from antre.errors import Refusal
from antre.gate import rules, signals
from antre.gate.lookup import find_ticket, parse_temperature
from antre.gate.models import Outcome, Screening
from antre.live import events
from antre.offices import calendar
from antre.offices import rules as office_rules
from antre.offices.models import Office
from antre.people import authorizers
from antre.people.models import User
from antre.queueing import rules as queue_rules
from antre.queueing.calling import board
from antre.queueing.door import holding_places, inside_now
from antre.queueing.life import Action
from antre.queueing.models import Status, Ticket


@dataclass(frozen=True)
class Entry:
    ticket: Ticket
    admitted: bool
    reason: str | None
    inside: int
    capacity: int


def lock_office(office: Office) -> Office:
    return Office.objects.select_for_update(no_key=True).get(pk=office.pk)


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
    authorizers.require(authorizers.may_screen, officer, office)
    now = now or clock.now()
    temperature = parse_temperature(temperature_c)
    with transaction.atomic():
        office = lock_office(office)
        today = office.local_today(now)
        ticket = find_ticket(office, ticket_ref, today=today, lock=True)
        fever = rules.has_fever(temperature_c=temperature, threshold_c=office.fever_threshold_c)
        target = _check_can_enter(ticket, office, today, now, Action.TURN_AWAY if fever else Action.ADMIT)
        if fever:
            Screening.objects.create(
                office=office,
                ticket=ticket,
                temperature_c=temperature,
                mask=mask,
                hands_washed=hands_washed,
                outcome=Outcome.TURNED_AWAY,
                screened_by=officer,
            )
            ticket.status, ticket.finished_at, ticket.invited_at = target, now, None
            ticket.save(update_fields=["status", "finished_at", "invited_at"])
            invite_next(office, now=now)
            audit.record_ticket(ticket, office, officer, Audited.TURN_AWAY, now, reason="fever")
            _record(office, ticket, "turned_away", now)
            return Entry(ticket, False, "fever", inside_now(office, today), office.capacity)
        if not (mask and hands_washed):
            raise Refusal(
                "screening_incomplete",
                _("Minta warga memakai masker dan mencuci tangan dahulu, lalu periksa lagi."),
                status=422,
                fields={"mask" if not mask else "hands_washed": _("Wajib sebelum masuk.")},
            )
        inside = _check_room(office, ticket, today, now)
        Screening.objects.create(
            office=office,
            ticket=ticket,
            temperature_c=temperature,
            mask=mask,
            hands_washed=hands_washed,
            outcome=Outcome.ADMITTED,
            screened_by=officer,
        )
        returned = ticket.arrived_at is not None
        _come_in(ticket, target, now)
        audit.record_ticket(
            ticket, office, officer, Audited.ADMIT, now, **({"returned": True} if returned else {})
        )
        _record(office, ticket, "returned" if returned else "admitted", now)
        return Entry(ticket, True, None, inside + 1, office.capacity)


def _come_in(ticket: Ticket, status: Status, now: dt.datetime) -> None:
    """Inside now. A citizen back from stepping out keeps the first arrival, and their place."""
    ticket.status, ticket.invited_at = status, None
    ticket.arrived_at = ticket.arrived_at or now
    ticket.left_at = None
    ticket.save(update_fields=["status", "arrived_at", "left_at", "invited_at"])


def _check_room(office: Office, ticket: Ticket, today: dt.date, now: dt.datetime) -> int:
    """How many are inside, or capacity_full. Places held for invited citizens and for those who
    stepped out a moment ago count as taken, except the one held for this citizen."""
    inside = inside_now(office, today)
    held = [t for t in holding_places(office, today, now) if t.pk != ticket.pk]
    if rules.may_admit(inside=inside, capacity=office.capacity, reserved=len(held)):
        return inside
    counts = {"inside": inside, "capacity": office.capacity, "held": len(held)}
    if held:
        message = _(
            "Ruang layanan penuh: %(inside)s orang di dalam dan %(held)s tempat disimpan untuk warga "
            "yang diundang masuk atau sedang keluar sebentar (kapasitas %(capacity)s). Minta warga "
            "menunggu di luar sampai nomornya diundang."
        )
    else:
        message = _("Ruang layanan penuh (%(inside)s dari %(capacity)s orang). Minta warga menunggu di luar.")
    raise Refusal("capacity_full", message % counts, extra=counts)


def door_refusal(office: Office, now: dt.datetime) -> Refusal | None:
    """Why nobody can come in now (before the door opens, after closing, on a closed day), or None."""
    today = office.local_today(now)
    periods = calendar.door_periods(office, today)
    if not periods:
        return Refusal("door_closed", _("Kantor tutup hari ini. Warga belum dapat masuk."))
    opens, closes = periods[0][0], periods[-1][1]
    if now < opens:
        return Refusal(
            "door_closed",
            _("Pintu masuk belum dibuka. Warga dapat masuk mulai pukul %(time)s %(tz)s.")
            % {"time": formats.time_format(opens.astimezone(office.tzinfo), "H.i"), "tz": office.tz_label},
        )
    if now >= closes:
        return Refusal("door_closed", _("Layanan hari ini sudah tutup. Warga tidak dapat masuk lagi."))
    return None


def may_return_unscreened(ticket: Ticket, office: Office, now: dt.datetime) -> bool:
    """Back within the office's time for it: in again without a second screening."""
    minutes, left_at = office.rescreen_after_minutes, ticket.left_at
    return (
        ticket.has_stepped_out
        and left_at is not None
        and minutes > 0
        and now - left_at < dt.timedelta(minutes=minutes)
    )


def readmit(
    *, office: Office, ticket_ref: str, officer: User | None, now: dt.datetime | None = None
) -> Entry:
    """A citizen who stepped out comes back within the office's time: in again, without screening."""
    authorizers.require(authorizers.may_screen, officer, office)
    now = now or clock.now()
    with transaction.atomic():
        office = lock_office(office)
        today = office.local_today(now)
        ticket = find_ticket(office, ticket_ref, today=today, lock=True)
        target = _check_can_enter(ticket, office, today, now, Action.READMIT)
        if not may_return_unscreened(ticket, office, now):
            raise Refusal(
                "screening_incomplete",
                _("%(number)s perlu diperiksa ulang: isi suhu, masker dan cuci tangan.")
                % {"number": ticket.number},
                status=422,
                fields={"temperature_c": _("Wajib diisi.")},
            )
        inside = _check_room(office, ticket, today, now)
        _come_in(ticket, target, now)
        audit.record_ticket(ticket, office, officer, Audited.ADMIT, now, returned=True)
        _record(office, ticket, "returned", now)
        return Entry(ticket, True, None, inside + 1, office.capacity)


def _check_can_enter(
    ticket: Ticket, office: Office, today: dt.date, now: dt.datetime, action: Action
) -> Status:
    """The status `action` (admit, readmit, turn away) leads to, or why the citizen cannot come in."""
    if ticket.day != today:
        raise Refusal(
            "wrong_day",
            _("Nomor antrean ini untuk %(day)s, bukan hari ini.")
            % {"day": formats.date_format(ticket.day, "l, j F Y")},
        )
    if ticket.status == Status.WAITING_INSIDE or (ticket.is_inside and ticket.is_active):
        raise Refusal("already_inside", _("%(number)s sudah berada di dalam.") % {"number": ticket.number})
    target = ticket.next_status(action, today=today, gate=office.gate_enabled)
    if target is None:
        raise Refusal(
            "invalid_transition",
            _("%(number)s berstatus “%(status)s” dan tidak dapat masuk.")
            % {"number": ticket.number, "status": ticket.get_status_display()},
        )
    if refusal := door_refusal(office, now):
        raise refusal
    return target


def record_exit(
    *,
    office: Office,
    ticket_ref: str,
    officer: User | None,
    going_home: bool = False,
    now: dt.datetime | None = None,
) -> Entry:
    """A citizen left the service area: the place is free for the next one.

    One who has not been served yet only steps out (a photocopy, a child): the number is kept and
    the gate lets them in again on return (SPEC §5). Going home for good ends the number, and is
    asked for on purpose (`going_home`).
    """
    authorizers.require(authorizers.may_screen, officer, office)
    now = now or clock.now()
    with transaction.atomic():
        office = lock_office(office)
        today = office.local_today(now)
        ticket = find_ticket(office, ticket_ref, today=today, lock=True)
        home = ticket.next_status(Action.GO_HOME, today=today, gate=office.gate_enabled)
        out = ticket.next_status(Action.STEP_OUT, today=today, gate=office.gate_enabled)
        if going_home and ticket.has_stepped_out:
            action = _go_home(ticket, home, now)  # told at the door after stepping out: the number ends
        elif not ticket.is_inside:
            raise Refusal("not_inside", _("%(number)s tidak tercatat di dalam.") % {"number": ticket.number})
        elif out is None:  # served, or ended: counted out, and the status stays
            ticket.left_at = now
            ticket.save(update_fields=["left_at"])
            action = "left"
        else:
            ticket.left_at = now
            action = _go_home(ticket, home, now) if going_home else _step_out(ticket, out)
        invite_next(office, now=now)
        _record(office, ticket, action, now)
        return Entry(ticket, False, None, inside_now(office, today), office.capacity)


def _step_out(ticket: Ticket, status: Status) -> str:
    """Out for a moment: back to booked, with the number and its place in the line. A counter that
    had called them is free to call the next citizen."""
    ticket.status, ticket.counter, ticket.called_at, ticket.called_by = status, None, None, None
    ticket.save(update_fields=["status", "left_at", "counter", "called_at", "called_by"])
    return "stepped_out"


def _go_home(ticket: Ticket, status: Status | None, now: dt.datetime) -> str:
    assert status is not None  # the ticket's life lets anyone inside or stepped out go home
    ticket.status, ticket.finished_at, ticket.counter = status, now, None
    ticket.invited_at = None
    ticket.save(update_fields=["status", "finished_at", "left_at", "counter", "invited_at"])
    return "went_home"


def invite_next(office: Office, *, now: dt.datetime) -> list[Ticket]:
    """Lapse old invitations and invite the next booked citizens while there is room and the door is
    open. Office is locked."""
    if not office.gate_enabled:
        return []
    today = office.local_today(now)
    sent = Ticket.objects.filter(office=office, day=today).invited().select_for_update(of=("self",))
    for ticket in sent:
        if ticket.invited_until(now, office):
            continue
        # Not here in time: the place goes to the next one; this citizen goes to the back, and may
        # be invited once more.
        ticket.invited_at, ticket.queued_at = None, now
        ticket.save(update_fields=["invited_at", "queued_at"])
        _record(office, ticket, "invitation_lapsed", now)
    periods = calendar.door_periods(office, today)
    if not office_rules.may_invite(
        now=now, periods=periods, stop_minutes=office.last_invitation_minutes_before_closing
    ):
        return []  # before opening, in the break, near closing: nobody is called to the door
    room = rules.invitations_to_send(
        inside=inside_now(office, today),
        capacity=office.capacity,
        held=len(holding_places(office, today, now)),
    )
    if room == 0:
        return []
    chosen = list(
        # not_yet_in: one who stepped out knows to come back, and is not invited again.
        Ticket.objects.filter(
            office=office, day=today, invited_at__isnull=True, invitations__lt=queue_rules.MAX_INVITATIONS
        )
        .not_yet_in()
        .in_call_order()
        .select_for_update(of=("self",))[:room]
    )
    for ticket in chosen:
        ticket.invited_at, ticket.invitations = now, ticket.invitations + 1
        ticket.save(update_fields=["invited_at", "invitations"])
        signals.invited.send(Ticket, ticket=ticket, until=calendar.invitation_deadline(office, now))
        _record(office, ticket, "invited", now, kind="invite")
    return chosen


def on_room_changed(sender, *, office: Office, now: dt.datetime, **_kw) -> None:
    """Someone left the room (or came back) at a counter's action: invite whom there is room for."""
    invite_next(office, now=now)


def refresh_invitations(office: Office, *, now: dt.datetime | None = None) -> list[Ticket]:
    """The worker's tick: lapse and send invitations for one office."""
    now = now or clock.now()
    with transaction.atomic():
        return invite_next(lock_office(office), now=now)


def _record(office: Office, ticket: Ticket, action: str, now: dt.datetime, kind: str = "update") -> None:
    events.record(
        office_id=office.pk,
        kind=kind,
        ticket_token=ticket.token,
        data={"number": ticket.number, "status": ticket.status, "action": action},
        board=lambda: board(office, now=now),
    )
