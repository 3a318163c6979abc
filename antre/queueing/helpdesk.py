"""The help desk: staff find a citizen's ticket by its number or NIK, and give the link back.

A citizen who lost the ticket's link (the id in it is the ticket's only secret) asks at the door or
a counter. Only the office's staff may look a NIK up; the link goes back only through the channel
the citizen booked with (the phone given at booking) or on paper handed over in person, never to
someone who merely knows a NIK.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from antre import clock
from antre.audit import services as audit
from antre.audit.models import Action as Audited
from antre.errors import Refusal
from antre.links import public_url
from antre.offices.models import Office
from antre.people import authorizers
from antre.people.models import User
from antre.people.rules import mask_nik
from antre.queueing import rules, signals
from antre.queueing.models import ACTIVE_STATUSES, Ticket

log = logging.getLogger(__name__)

MAX_RESULTS = 50


def find_tickets(
    *, office: Office, query: str, officer: User | None, now: dt.datetime | None = None
) -> list[Ticket]:
    """Today's and coming days' tickets with this number (A-012) or this NIK, newest day last."""
    authorizers.require(authorizers.may_use_helpdesk, officer, office)
    now = now or clock.now()
    today = office.local_today(now)
    text = (query or "").strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    tickets = Ticket.objects.filter(office=office, day__gte=today).select_related("service")
    if len(digits) == 16 and len(digits) == len(text.replace(" ", "").replace(".", "")):
        found, how = tickets.with_nik(digits), "nik"
        log.info("help desk: %s looked up NIK %s", officer, mask_nik(digits))  # a User prints as its username
    elif parsed := rules.parse_number(text):
        found, how = tickets.filter(service__prefix=parsed[0], seq=parsed[1]), "number"
    else:
        raise Refusal(
            "invalid_fields",
            _("Ketik nomor antrean (contoh: A-012) atau NIK 16 digit."),
            status=422,
            fields={"q": _("Nomor antrean atau NIK 16 digit.")},
        )
    shown = list(found.order_by("day", "service__order", "seq")[:MAX_RESULTS])
    with transaction.atomic():
        # The page shows each ticket's full name and phone: the head of office sees who looked whom up.
        for ticket in shown:
            audit.record_ticket(ticket, office, officer, Audited.VIEW_TICKET, now, found_by=how)
    return shown


def resend_link(
    *, office: Office, token: str, officer: User | None, request=None, now: dt.datetime | None = None
) -> Ticket:
    """Send the ticket's link again by WhatsApp, to the phone given at booking.

    Once per ticket and minute: a double tap sends one message.
    """
    authorizers.require(authorizers.may_use_helpdesk, officer, office)
    now = now or clock.now()
    ticket = Ticket.objects.select_related("office", "service").filter(office=office, token=token).first()
    if ticket is None:
        raise Refusal("not_found", _("Nomor antrean tidak ditemukan."), status=404)
    if ticket.status not in ACTIVE_STATUSES:
        raise Refusal(
            "invalid_transition",
            _("%(number)s sudah tidak berlaku; tautannya tidak perlu dikirim lagi.")
            % {"number": ticket.number},
        )
    if not ticket.phone:
        raise Refusal(
            "no_phone",
            _("Warga ini tidak memberi nomor HP saat mendaftar. Cetak tiketnya dan serahkan langsung."),
        )
    url = public_url(reverse("queueing:ticket", args=[ticket.token]), request)  # opened on the phone
    sent = signals.link_requested.send(Ticket, ticket=ticket, url=url, key=f"{now:%Y%m%d%H%M}")
    if not any(answer for _receiver, answer in sent):
        raise Refusal(
            "whatsapp_off",
            _(
                "WhatsApp kantor belum diatur, atau tautan baru saja dikirim. Cetak tiketnya dan serahkan langsung."
            ),
        )
    log.info(
        "help desk: %s sent the link of %s again", officer, ticket.number
    )  # a User prints as its username
    return ticket
