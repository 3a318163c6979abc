"""A result picked up at the office: the pickup ticket booked when the application is done, and the
applicant's choice of another day."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils.translation import gettext as _

from antre import clock
from antre.applications.models import (
    PICKUP_MOVED,
    Application,
    AppStatus,
    KindPurpose,
    ResultKind,
    StatusChange,
)
from antre.applications.services import for_applicant, lock_application
from antre.errors import Refusal
from antre.offices.models import Office, Service
from antre.queueing import rules as queue_rules
from antre.queueing.days import day_choices
from antre.queueing.models import Status as TicketStatus
from antre.queueing.models import Ticket
from antre.queueing.services import book_ticket, cancel_ticket, find_service

log = logging.getLogger(__name__)


def pickup_service(application: Application) -> Service:
    """Where a result is picked up: the kind's own service for a pre-registration (the documents
    are already checked), else document pickup."""
    kind = application.kind
    own = kind.service if kind.purpose == KindPurpose.PRE_REGISTRATION and kind.service_id else None
    return find_service(application.office, own.code if own else "AMBIL")


def pickup_days(application: Application, *, now: dt.datetime | None = None) -> list[tuple[dt.date, int]]:
    """The days a pickup can be booked on, with the places left on each: open days with room."""
    try:
        service = pickup_service(application)
    except Refusal:
        return []
    return queue_rules.with_room(day_choices(service, now=now))


def book_pickup(application: Application, day: dt.date | None, *, now: dt.datetime) -> Ticket:
    if day is None:  # nobody chose: the first day with room
        days = pickup_days(application, now=now)
        if not days:
            raise Refusal(
                "quota_full",
                _("Belum ada hari layanan pengambilan yang dapat dipesan."),
                fields={"pickup_day": _("Tidak ada hari yang masih tersedia.")},
            )
        day = days[0][0]
    service = pickup_service(application)
    try:
        return book_ticket(
            office=application.office,
            service_code=service.code,
            name=application.name,
            nik=application.nik,
            phone=application.phone,
            day=day,
            channel="web",
            now=now,
        ).ticket
    except Refusal as refused:
        # A closed or full day: say it on the field where the day is chosen.
        if "date" in refused.fields:
            refused.fields["pickup_day"] = refused.fields.pop("date")
        raise


# Pickup tickets that ended without the visit (or whose day has passed) may be booked again.
_PICKUP_MISSED = (
    TicketStatus.CANCELLED,
    TicketStatus.EXPIRED,
    TicketStatus.NO_SHOW,
    TicketStatus.TURNED_AWAY,
)


def may_move_pickup(application: Application) -> bool:
    """Whether the applicant may choose another pickup day: the pickup is booked and not begun."""
    ticket = application.pickup_ticket
    if application.status != AppStatus.DONE or application.result != ResultKind.PICKUP or ticket is None:
        return False
    if ticket.status in _PICKUP_MISSED:
        return True
    return ticket.status == TicketStatus.BOOKED and ticket.arrived_at is None


def move_pickup(*, code: str, nik: str, day: dt.date, now: dt.datetime | None = None) -> Application:
    """The applicant picks another day: the old pickup ticket is cancelled and a new one booked, together."""
    now = now or clock.now()
    with transaction.atomic():
        application = lock_application(for_applicant(code, nik).code)
        # The office row before the ticket, the order of every gate and counter action; and the
        # check made on the locked ticket, which the gate may have just admitted.
        Office.objects.select_for_update(no_key=True).filter(pk=application.office_id).first()
        if application.pickup_ticket_id:
            application.pickup_ticket = Ticket.objects.select_for_update(of=("self",)).get(
                pk=application.pickup_ticket_id
            )
        if not may_move_pickup(application):
            raise Refusal(
                "invalid_transition",
                _("Hari pengambilan tidak dapat diganti lagi: nomor antreannya sudah dipakai."),
            )
        old = application.pickup_ticket
        assert old is not None  # may_move_pickup says there is one
        if old.day == day and old.status == TicketStatus.BOOKED:
            return application  # the day it already has
        if old.status == TicketStatus.BOOKED and old.day >= application.office.local_today(now):
            cancel_ticket(token=old.token, now=now)
        # A refusal here (the day closed or full) undoes the cancel above with the rest.
        ticket = book_pickup(application, day, now=now)
        application.pickup_ticket = ticket
        application.save(update_fields=["pickup_ticket", "updated_at"])
        StatusChange.objects.create(
            application=application,
            status=application.status,
            **StatusChange.system_note(PICKUP_MOVED, number=ticket.number, day=ticket.day.isoformat()),
        )
    log.info("application %s: pickup moved to %s", application.code, day)
    return application
