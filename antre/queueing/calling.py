"""Counter actions: call the next citizen, recall, start, finish, no-show, transfer.

Each action locks what it changes, checks the ticket life (rules.next_status), and records a
live event in the same transaction, so displays learn of a call exactly when it commits.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from antre import clock
from antre.errors import Refusal
from antre.gate import services as gate
from antre.live import events
from antre.offices import calendar
from antre.offices import rules as office_rules
from antre.offices.models import Counter, Office, Service
from antre.people import authorizers
from antre.people.models import User
from antre.queueing import rules, signals
from antre.queueing.models import Status, Ticket
from antre.queueing.services import is_second_active_ticket, next_seq

ACTIONS = ("recall", "start", "finish", "no_show", "transfer")


def call_next(*, counter: Counter, officer: User | None, now: dt.datetime | None = None) -> Ticket | None:
    """Call the next citizen for this counter: priority first, then the longest waiting; None if nobody."""
    authorizers.require(authorizers.may_call, officer, counter.office)
    now = now or clock.now()
    with transaction.atomic():
        # One call at a time per counter: a double click cannot call two people.
        # of=self: locking the office row too would deadlock with event recording, which needs it.
        counter = Counter.objects.select_for_update(of=("self",)).select_related("office").get(pk=counter.pk)
        office = counter.office
        today = office.local_today(now)
        busy = Ticket.objects.filter(
            counter=counter, day=today, status__in=(Status.CALLED, Status.SERVING)
        ).first()
        if busy:
            raise Refusal(
                "counter_busy",
                _("Loket ini masih melayani %(number)s. Selesaikan atau tandai tidak hadir dahulu.")
                % {"number": busy.number},
                extra={"ticket": busy.number},
            )
        waiting = Ticket.objects.queue_of(counter, today)
        if connection.features.has_select_for_update_skip_locked:
            # Two counters calling at once: each skips the row the other has just taken.
            waiting = waiting.select_for_update(skip_locked=True, of=("self",))
        ticket = waiting.select_related("service").first()
        if ticket is None:
            return None
        ticket.status = Status.CALLED
        ticket.counter = counter
        ticket.called_at = now
        ticket.save(update_fields=["status", "counter", "called_at"])
        _announce(ticket, counter, now=now)
        _tell_the_one_coming_up(counter, office, today)
    return ticket


def _tell_the_one_coming_up(counter: Counter, office: Office, today) -> None:
    """The queue moved by one: the citizen who now has N people ahead is told to get ready (once)."""
    ahead = office.notify_when_ahead
    if not ahead:
        return
    upcoming = (
        Ticket.objects.for_counter(counter)
        .filter(day=today)
        .waiting()
        .in_call_order()
        .select_related("service")[ahead : ahead + 1]
    )
    for ticket in upcoming:
        signals.near.send(Ticket, ticket=ticket, ahead=ahead)


def act(
    *, token: str, action: str, officer: User | None, service_code: str = "", now: dt.datetime | None = None
) -> Ticket:
    """Recall, start, finish, no-show or transfer a ticket, as the ticket life allows."""
    now = now or clock.now()
    action = action.replace("-", "_")
    if action not in ACTIONS:
        raise Refusal("unknown_action", _("Aksi tidak dikenal."), status=404)
    with transaction.atomic():
        office_id = Ticket.objects.filter(token=token).values_list("office_id", flat=True).first()
        if office_id is None:
            raise Refusal("not_found", _("Nomor antrean tidak ditemukan."), status=404)
        # The office first, then the ticket: the order the gate uses too, so the two never deadlock.
        office = Office.objects.select_for_update(no_key=True).get(pk=office_id)
        authorizers.require(authorizers.may_call, officer, office)
        ticket = Ticket.objects.select_for_update().get(token=token)
        target = rules.next_status(
            status=ticket.status, action=action, rejoined=ticket.rejoined, gate=office.gate_enabled
        )
        if target is None or (
            action == "recall" and ticket.status == Status.NO_SHOW and ticket.day != office.local_today(now)
        ):
            raise _invalid(ticket, action)
        counter = ticket.counter
        fields = ["status"]
        if action == "recall" and ticket.status == Status.CALLED:
            ticket.recalls += 1
            fields.append("recalls")
        elif action == "recall":  # a no-show who came back rejoins once, at the back
            ticket.rejoined, ticket.queued_at, ticket.counter, ticket.called_at = True, now, None, None
            fields += ["rejoined", "queued_at", "counter", "called_at"]
            if office.gate_enabled and ticket.arrived_at and ticket.left_at:
                # Counted out at the no-show; the officer sees them back inside: counted in again.
                ticket.left_at = None
                fields.append("left_at")
        elif action == "start":
            ticket.started_at = now
            fields.append("started_at")
        elif action in ("finish", "no_show"):
            ticket.finished_at = now
            fields.append("finished_at")
            fields += gate.leave_when_done(ticket, office, now)
        elif action == "transfer":
            service = _transfer_target(office, ticket, service_code)
            # A number of the new service's own: numbers are unique per service and day.
            seq = next_seq(service, ticket.day)
            ticket.transferred_from_id, ticket.service = ticket.service_id, service
            ticket.seq, ticket.number = seq, rules.format_number(prefix=service.prefix, seq=seq)
            ticket.counter, ticket.called_at, ticket.started_at = None, None, None
            fields += ["transferred_from", "service", "seq", "number", "counter", "called_at", "started_at"]
        ticket.status = target
        try:
            ticket.save(update_fields=fields)
        except IntegrityError as exc:
            # A no-show rejoining, or a transfer, makes the ticket active in a service-day where
            # the same NIK has booked again meanwhile: one active ticket per NIK still holds.
            if not is_second_active_ticket(exc):
                raise
            raise Refusal(
                "duplicate_ticket",
                _("Warga ini sudah memiliki nomor antrean aktif lain untuk layanan tersebut hari ini."),
            ) from None
        if "left_at" in fields:
            gate.invite_next(office, now=now)
        if action == "recall" and ticket.status == Status.CALLED:
            _announce(ticket, counter, now=now)
        else:
            events.record(
                office_id=office.pk,
                kind="update",
                ticket_token=ticket.token,
                data={
                    "number": ticket.number,
                    "status": ticket.status,
                    "action": action,
                },
                board=lambda: board(office, now=now),
            )
    return ticket


def _transfer_target(office: Office, ticket: Ticket, code: str) -> Service:
    service = Service.objects.bookable().filter(office=office, code=(code or "").strip().upper()).first()
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
        and Ticket.objects.active().filter(service=service, day=ticket.day, nik=ticket.nik).exists()
    ):
        raise Refusal(
            "duplicate_ticket",
            _("Warga ini sudah memiliki nomor antrean aktif di layanan tujuan."),
            fields={"service": _("Sudah ada nomor antrean di layanan ini.")},
        )
    return service


def _invalid(ticket: Ticket, action: str) -> Refusal:
    if action == "recall" and ticket.status == Status.NO_SHOW:
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
    invited = gate.standing_invitations(office, today, now)
    return {
        "date": today.isoformat(),
        "now": now.isoformat(),  # the server's clock: a screen's own clock may be wrong
        "invited": [t.number for t in invited],
        # Out for a moment, their place kept for them (antre.gate.services.stepped_out_recently).
        "stepped_out": [t.number for t in gate.stepped_out_recently(office, today, now)],
        "calls": [
            {
                "number": t.number,
                "counter": t.counter.number if t.counter else None,
                "name": t.short_name,
                "service": t.service.code,
                "status": t.status,
                "at": t.called_at.isoformat(),
            }
            for t in called
        ],
        "gate": office.gate_enabled,
        "door": _door(office, today, now),
        "inside": gate.inside_now(office, today),
        "capacity": office.capacity,
        "waiting": waiting,
        "message": office.display_message,
    }


def big_panel(board: dict) -> tuple[dict | None, list[dict]]:
    """The display's large call (the latest still at its counter: called or being served) and the
    recent calls listed below it. A call that ended stays in the list, never in large type."""
    calls = board["calls"]
    current = next((c for c in calls if c["status"] in (Status.CALLED, Status.SERVING)), None)
    return current, [c for c in calls if c is not current][:6]
