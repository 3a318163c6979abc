"""A NIK and its owner: booking with someone else's NIK must not lock its owner out. The owner
asking again with the phone of the first booking gets that ticket back on that phone; an officer who has seen the
KTP at the desk releases a booking from afar made with it (docs/security.md, "Booking abuse")."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from antre.audit import services as audit
from antre.audit.models import Action as Audited
from antre.errors import Refusal
from antre.links import public_url
from antre.offices.models import Service
from antre.people.models import User
from antre.queueing import signals
from antre.queueing.days import AT_THE_DOOR
from antre.queueing.models import ACTIVE_STATUSES, Channel, Status, Ticket

log = logging.getLogger(__name__)


def is_staff(user: User | None) -> bool:
    return user is not None and user.is_authenticated


def duplicate() -> Refusal:
    return Refusal(
        "duplicate_ticket",
        _("NIK ini sudah memiliki nomor antrean aktif untuk layanan ini pada tanggal tersebut.")
        + " "
        + _(
            "Bila Anda tidak pernah mendaftarkannya, datanglah ke kantor membawa KTP: petugas akan "
            "membatalkan nomor itu dan memberi Anda nomor baru."
        ),
        fields={"nik": _("Sudah ada nomor antrean aktif untuk NIK ini.")},
    )


def active_ticket_of(service: Service, day: dt.date, nik: str) -> Ticket | None:
    """The NIK's active ticket of a service-day: the one "same NIK" look-up of booking, by the NIK's
    keyed hash (the NIK itself is sealed: antre.crypto)."""
    return Ticket.objects.with_nik(nik).filter(service=service, day=day, status__in=ACTIVE_STATUSES).first()


def second_ticket(
    service: Service, day: dt.date, clean: dict[str, str], *, channel: str, issued_by: User | None, now
) -> Ticket | None:
    """A NIK booked again for a service-day it holds a ticket of. Booked with the same phone: that
    ticket, over WhatsApp (the citizen asking again); from a page or the API, its link is sent to
    that phone and the booking refused (a NIK and a phone are no proof). An officer issuing it at the desk, having
    seen the KTP, against a booking from afar not yet at the office: that booking is released (None:
    issue again). Anyone else is refused, and told how the owner gets it back (docs/security.md)."""
    earlier = active_ticket_of(service, day, clean["nik"])
    if earlier is None:
        raise duplicate()  # released meanwhile: the citizen may try again
    if clean["phone"] and earlier.phone == clean["phone"]:
        if channel == Channel.WHATSAPP:
            return earlier  # the sender's number, which WhatsApp has verified: the owner asking again
        raise _link_sent(earlier, now=now)  # typed on a page: the link goes to that phone, not here
    at_the_desk = channel == Channel.WALK_IN and is_staff(issued_by)
    from_afar_not_here = earlier.channel not in AT_THE_DOOR and earlier.status == Status.BOOKED
    if at_the_desk and from_afar_not_here and earlier.arrived_at is None:
        _release(earlier, officer=issued_by, now=now)
        return None
    raise duplicate()


def _link_sent(ticket: Ticket, *, now: dt.datetime) -> Refusal:
    """The refusal of a NIK booked again with the phone of its ticket: the ticket's link is sent to
    that phone over WhatsApp. Never shown here: a NIK and a phone number are not secrets."""
    url = public_url(reverse("queueing:ticket", args=[ticket.token]))
    sent = signals.link_requested.send(Ticket, ticket=ticket, url=url, key=f"again-{now:%Y%m%d%H%M}")
    if not any(answer for _receiver, answer in sent):
        return duplicate()
    return Refusal(
        "duplicate_ticket",
        _(
            "NIK ini sudah memiliki nomor antrean %(number)s untuk layanan ini pada tanggal tersebut. "
            "Tautannya kami kirim lagi lewat WhatsApp ke nomor HP yang didaftarkan."
        )
        % {"number": ticket.number},
        fields={"nik": _("Sudah ada nomor antrean aktif untuk NIK ini.")},
        extra={"link_sent": True},
    )


def _release(ticket: Ticket, *, officer: User | None, now: dt.datetime) -> None:
    """Cancel a booking made with someone else's NIK, which its owner has shown at the desk."""
    with transaction.atomic():
        released = Ticket.objects.filter(pk=ticket.pk, status=Status.BOOKED, arrived_at__isnull=True).update(
            status=Status.CANCELLED, finished_at=now
        )
        if not released:
            raise duplicate()
        audit.record_ticket(
            ticket, ticket.office, officer, Audited.RELEASE_BOOKING, now, channel=ticket.channel
        )
    log.info("booking %s released: its NIK's owner came to the desk", ticket.number)
