"""Counter actions, one verb each: call the next citizen, recall, start, finish, no-show, transfer.

Each verb locks what it changes, asks the ticket's life (queueing.life) and records a live event in
the same transaction, so displays learn of a call exactly when it commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial

from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from antre import clock
from antre.audit import services as audit
from antre.audit.models import Action as Audited
from antre.errors import Refusal
from antre.live import events
from antre.offices import calendar
from antre.offices import rules as office_rules
from antre.offices.models import Counter, Office, Service
from antre.people import authorizers
from antre.people.models import User
from antre.queueing import door, forecasting, rules, signals, staffing
from antre.queueing.issuing import is_second_active_ticket, next_seq
from antre.queueing.life import Action
from antre.queueing.models import Status, Ticket

_NOT_CALLED = ["counter", "called_at", "called_by"]  # a ticket back in a line: no counter calls it


def call_next(*, counter: Counter, officer: User | None, now: dt.datetime | None = None) -> Ticket | None:
    """Call the next citizen for this counter: priority first, then the longest waiting; None if nobody."""
    authorizers.require(authorizers.may_call, officer, counter.office)
    now = now or clock.now()
    refuse_on_a_closed_day(counter.office, now)
    with transaction.atomic():
        # One call at a time per counter: a double click cannot call two people.
        # of=self: locking the office row too would deadlock with event recording, which needs it.
        counter = Counter.objects.select_for_update(of=("self",)).select_related("office").get(pk=counter.pk)
        office = counter.office
        today = office.local_today(now)
        staffing.refuse_if_busy(counter, today)
        waiting = Ticket.objects.queue_of(counter, today)
        if connection.features.has_select_for_update_skip_locked:
            # Two counters calling at once: each skips the row the other has just taken.
            waiting = waiting.select_for_update(skip_locked=True, of=("self",))
        ticket = waiting.select_related("service").first()
        if ticket is None:
            staffing.open_if_closed(counter, officer, now)  # calling is working: the counter is open
            return None
        ticket.status = _next_status(ticket, office, Action.CALL, now)
        ticket.counter, ticket.called_at, ticket.called_by = counter, now, officer
        ticket.save(update_fields=["status", "counter", "called_at", "called_by"])
        detail = {"counter": counter.number, "service": ticket.service.code}
        audit.record_ticket(ticket, office, officer, Audited.CALL, now, **detail)
        _announce(ticket, counter, now=now)
        # Officers forget "Buka loket": calling is working, so the counter's shift begins now. After
        # the call's own writes, so that every call takes the day's number row before the office's
        # event row (two counters opening at once deadlocked when the opening came first).
        staffing.open_if_closed(counter, officer, now)
        _tell_the_one_coming_up(counter, office, today)
    return ticket


def refuse_on_a_closed_day(office: Office, now: dt.datetime) -> None:
    """No call on a day the office is closed (a weekend, a holiday): nobody is booked for it, and the
    call would open the counter, a shift the staffing log and the wait predictor would count."""
    if not calendar.calendar_of(office).is_open(office.local_today(now)):
        raise Refusal(
            "closed_day",
            _("Kantor tutup hari ini. Tidak ada nomor antrean yang dipanggil dan loket tidak dibuka."),
        )


def _tell_the_one_coming_up(counter: Counter, office: Office, today) -> None:
    """The queue moved: citizens with N or fewer people ahead, as the counters will really call
    them (across counters serving overlapping services, antre.queueing.forecasting), are told to
    get ready (once each: the outbox keys the message per ticket)."""
    limit = office.notify_when_ahead
    if not limit:
        return
    projected = forecasting.ahead_now(office, clock.now())
    near = [token for token, ahead in projected.items() if ahead <= limit]
    if not near:
        return
    for ticket in (
        Ticket.objects.filter(token__in=near, day=today).waiting().select_related("service", "office")
    ):
        if not ticket.is_inside and office.gate_enabled and ticket.invited_at is None:
            continue  # outside and not invited in: the invitation tells them to come
        signals.near.send(Ticket, ticket=ticket, ahead=projected[ticket.token])


def recall_ticket(*, token: str, officer: User | None, now: dt.datetime | None = None) -> Ticket:
    """Call a called citizen again; or put a no-show who came back in the queue, once, at the back."""
    now = now or clock.now()
    with transaction.atomic():
        office, ticket, target = _take(token, officer, Action.RECALL, now)
        if ticket.status == Status.CALLED:
            assert ticket.counter is not None  # a called ticket is at the counter that called it
            ticket.recalls += 1
            ticket.called_by = officer
            _save(ticket, target, ["recalls", "called_by"])
            audit.record_ticket(ticket, office, officer, Audited.RECALL, now, counter=ticket.counter.number)
            _announce(ticket, ticket.counter, now=now)
            return ticket
        # Back in the line: nobody is calling them now.
        ticket.rejoined, ticket.queued_at, ticket.counter, ticket.called_at = True, now, None, None
        ticket.called_by = None
        fields = ["rejoined", "queued_at", *_NOT_CALLED]
        counted_in = office.gate_enabled and ticket.arrived_at and ticket.left_at
        if counted_in:
            # Counted out at the no-show; the officer sees them back inside: counted in again.
            ticket.left_at = None
            fields.append("left_at")
        _save(ticket, target, fields)
        if counted_in:
            signals.room_changed.send(Office, office=office, now=now)
        audit.record_ticket(ticket, office, officer, Audited.RECALL, now, rejoin=True)
        _record(office, ticket, "recall", now)
    return ticket


def start_service(*, token: str, officer: User | None, now: dt.datetime | None = None) -> Ticket:
    """The called citizen is at the counter: service begins."""
    now = now or clock.now()
    with transaction.atomic():
        office, ticket, target = _take(token, officer, Action.START, now)
        ticket.started_at = now
        _save(ticket, target, ["started_at"])
        audit.record_ticket(ticket, office, officer, Audited.START, now)
        _record(office, ticket, "start", now)
    return ticket


def finish_service(*, token: str, officer: User | None, now: dt.datetime | None = None) -> Ticket:
    """The citizen has been served."""
    return _end(token, officer, Action.FINISH, now or clock.now())


def mark_no_show(*, token: str, officer: User | None, now: dt.datetime | None = None) -> Ticket:
    """The called citizen did not come to the counter."""
    return _end(token, officer, Action.NO_SHOW, now or clock.now())


def _end(token: str, officer: User | None, action: Action, now: dt.datetime) -> Ticket:
    """Finish or no-show: the ticket's visit ends, and the gate may count the citizen out."""
    with transaction.atomic():
        office, ticket, target = _take(token, officer, action, now)
        ticket.finished_at = now
        fields = ["finished_at", *door.leave_when_done(ticket, office, now)]
        _save(ticket, target, fields)
        if "left_at" in fields:
            signals.room_changed.send(Office, office=office, now=now)
        audit.record_ticket(ticket, office, officer, Audited(action.value), now)
        _record(office, ticket, action.value, now)
        if action == Action.FINISH:
            signals.served.send(Ticket, ticket=ticket)
    return ticket


def transfer_ticket(
    *, token: str, officer: User | None, service_code: str, now: dt.datetime | None = None
) -> Ticket:
    """Send a called or served citizen on to another service's queue, with a number of that service."""
    now = now or clock.now()
    with transaction.atomic():
        office, ticket, target = _take(token, officer, Action.TRANSFER, now)
        service = _transfer_target(office, ticket, service_code)
        was = ticket.number
        # A number of the new service's own: numbers are unique per service and day.
        seq = next_seq(service, ticket.day)
        ticket.transferred_from_id, ticket.service = ticket.service_id, service
        ticket.seq, ticket.number = seq, rules.format_number(prefix=service.prefix, seq=seq)
        ticket.counter, ticket.called_at, ticket.called_by, ticket.started_at = None, None, None, None
        _save(ticket, target, ["transferred_from", "service", "seq", "number", *_NOT_CALLED, "started_at"])
        moved = {"subject": was, "to": ticket.number, "service": service.code}
        audit.record_ticket(ticket, office, officer, Audited.TRANSFER, now, **moved)
        _record(office, ticket, "transfer", now)
    return ticket


def counter_verb(action: str, *, service_code: str = "") -> Callable[..., Ticket]:
    """The verb an action's name means, as the API's path and the console's buttons name it ("no-show"
    or "no_show"); the verb takes the ticket's token and the officer."""
    verbs: dict[str, Callable[..., Ticket]] = {
        "recall": recall_ticket,
        "start": start_service,
        "finish": finish_service,
        "no_show": mark_no_show,
        "transfer": partial(transfer_ticket, service_code=service_code),
    }
    verb = verbs.get(action.replace("-", "_"))
    if verb is None:
        raise Refusal("unknown_action", _("Aksi tidak dikenal."), status=404)
    return verb


def _take(
    token: str, officer: User | None, action: Action, now: dt.datetime
) -> tuple[Office, Ticket, Status]:
    """In the verb's transaction: the ticket's office and then the ticket, locked, for an officer of
    that office, with the status the ticket's life allows `action` to lead to."""
    office_id = Ticket.objects.filter(token=token).values_list("office_id", flat=True).first()
    if office_id is None:
        raise Refusal("not_found", _("Nomor antrean tidak ditemukan."), status=404)
    # The office first, then the ticket: the order the gate uses too, so the two never deadlock.
    office = Office.objects.select_for_update(no_key=True).get(pk=office_id)
    authorizers.require(authorizers.may_call, officer, office)
    ticket = Ticket.objects.select_for_update().get(token=token)
    return office, ticket, _next_status(ticket, office, action, now)


def _next_status(ticket: Ticket, office: Office, action: Action, now: dt.datetime) -> Status:
    target = ticket.next_status(action, today=office.local_today(now), gate=office.gate_enabled)
    if target is None:
        raise _invalid(ticket, action)
    return target


def _save(ticket: Ticket, status: Status, fields: list[str]) -> None:
    ticket.status = status
    try:
        ticket.save(update_fields=["status", *fields])
    except IntegrityError as exc:
        # A no-show rejoining, or a transfer, makes the ticket active in a service-day where
        # the same NIK has booked again meanwhile: one active ticket per NIK still holds.
        if not is_second_active_ticket(exc):
            raise
        raise Refusal(
            "duplicate_ticket",
            _("Warga ini sudah memiliki nomor antrean aktif lain untuk layanan tersebut hari ini."),
        ) from None


def _record(office: Office, ticket: Ticket, action: str, now: dt.datetime) -> None:
    """The ticket changed: its page, the console and the board learn of it."""
    events.record(
        office_id=office.pk,
        kind="update",
        ticket_token=ticket.token,
        data={"number": ticket.number, "status": ticket.status, "action": action},
        board=lambda: board(office, now=now),
    )


def _transfer_target(office: Office, ticket: Ticket, code: str) -> Service:
    service = Service.objects.bookable().filter(office=office, code=office_rules.normal_code(code)).first()
    if service is None:
        raise Refusal(
            "unknown_service",
            _("Pilih layanan tatap muka tujuan pemindahan."),
            status=422,
            fields={"service": _("Layanan tidak ditemukan.")},
        )
    if service.pk == ticket.service_id:
        raise Refusal(
            "invalid_transition",
            _("Nomor antrean sudah berada di layanan ini."),
            fields={"service": _("Pilih layanan lain.")},
        )
    if (
        ticket.nik
        and Ticket.objects.active().filter(service=service, day=ticket.day, nik_hash=ticket.nik_hash).exists()
    ):
        raise Refusal(
            "duplicate_ticket",
            _("Warga ini sudah memiliki nomor antrean aktif di layanan tujuan."),
            fields={"service": _("Sudah ada nomor antrean di layanan ini.")},
        )
    return service


def _invalid(ticket: Ticket, action: Action) -> Refusal:
    if action == Action.RECALL and ticket.status == Status.NO_SHOW:
        message = _("%(number)s sudah pernah masuk antrean lagi; hanya boleh sekali.") % {
            "number": ticket.number
        }
    else:
        message = _("%(number)s berstatus “%(status)s”; aksi ini tidak dapat dilakukan.") % {
            "number": ticket.number,
            "status": ticket.get_status_display(),
        }
    return Refusal("invalid_transition", message, extra={"status": ticket.status})


def _announce(ticket: Ticket, counter: Counter, *, now: dt.datetime) -> None:
    office = counter.office
    signals.called.send(Ticket, ticket=ticket, counter_number=counter.number)
    events.record(
        office_id=office.pk,
        kind="call",
        ticket_token=ticket.token,
        data={
            "number": ticket.number,
            "counter": counter.number,
            "name": ticket.short_name,
            "service": ticket.service.code,
            "recall": ticket.recalls,
            "at": now.isoformat(),
            "say": rules.announcement_text(
                number=ticket.number, name=ticket.short_name, counter=counter.number
            ),
        },
        board=lambda: board(office, now=now),
    )


def _door(office: Office, today, now: dt.datetime) -> dict:
    """Whether the door takes citizens in now, for the screen outside it."""
    state, at = office_rules.door_state(
        now=now,
        periods=calendar.door_periods(office, today),
        stop_minutes=office.last_invitation_minutes_before_closing,
    )
    return {"state": state, "at": at.isoformat() if at else None}


def board(office: Office, *, now: dt.datetime | None = None) -> dict:
    """What the waiting-room display shows. Public: numbers, counters and short names, never a NIK."""
    now = now or clock.now()
    today = office.local_today(now)
    todays = Ticket.objects.filter(office=office, day=today)
    called = list(
        todays.filter(called_at__isnull=False, counter__isnull=False)
        # A citizen who did not come (no-show) is no longer the call in progress on the screen.
        .exclude(status__in=(Status.CANCELLED, Status.NO_SHOW))
        .select_related("counter", "service")
        .order_by("-called_at")[:8]
    )
    waiting = dict(
        todays.callable(gate=office.gate_enabled)
        .values_list("service__code")
        .annotate(n=Count("pk"))
        .values_list("service__code", "n")
    )
    invited = door.standing_invitations(office, today, now)
    return {
        "date": today.isoformat(),
        "now": now.isoformat(),  # the server's clock: a screen's own clock may be wrong
        "invited": [t.number for t in invited],
        # Out for a moment, their place kept for them (antre.queueing.door.stepped_out_recently).
        "stepped_out": [t.number for t in door.stepped_out_recently(office, today, now)],
        "calls": [
            {
                "number": t.number,
                "counter": t.counter.number if t.counter else None,
                "name": t.short_name,
                "service": t.service.code,
                "status": t.status,
                "at": t.called_at.isoformat() if t.called_at else None,
            }
            for t in called
        ],
        "gate": office.gate_enabled,
        "door": _door(office, today, now),
        "inside": door.inside_now(office, today),
        "capacity": office.capacity,
        "waiting": waiting,
        # A newcomer's expected wait per service, from the wait predictor's kept projection (a few
        # seconds old at most): what the waiting room reads before taking a number.
        "waits": _waits(office, now, today, waiting),
        "message": office.display_message,
    }


def _waits(office: Office, now: dt.datetime, today, waiting: dict[str, int]) -> dict[str, int]:
    """Minutes a newcomer would wait, per service: the kept projection's newcomer, or later if more
    wait inside now. At a door, the bookings due now and not in yet are ahead of a newcomer too: the
    projection counts them (those waiting inside alone told "< 5 menit" at the rush)."""
    if not calendar.serving_periods(office, today):
        return {}
    projected = forecasting.outlook(office, now, rush=True)
    local = office.local_now(now)
    minute = local.hour * 60 + local.minute + local.second / 60
    waits = {}
    for code, first in projected.next_call.items():
        at = max(first, projected.newcomer(code, waiting.get(code, 0)) or first)
        if at is not None:
            waits[code] = max(round(at - minute), 0)
    return waits


def big_panel(board: dict) -> tuple[dict | None, list[dict]]:
    """The display's large call (the latest still at its counter: called or being served) and the
    recent calls listed below it. A call that ended stays in the list, never in large type."""
    calls = board["calls"]
    current = next((c for c in calls if c["status"] in (Status.CALLED, Status.SERVING)), None)
    return current, [c for c in calls if c is not current][:6]
