"""Taking a queue number by chat (service, day, name, NIK), and the numbers a citizen holds."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from antre import clock, ratelimit
from antre.errors import Refusal
from antre.links import public_url
from antre.queueing import confirming
from antre.queueing import rules as queue_rules
from antre.queueing.days import day_choices
from antre.queueing.models import Ticket
from antre.queueing.services import book_ticket, find_service
from antre.whatsapp import notify
from antre.whatsapp.bot.replies import Reply
from antre.whatsapp.models import Conversation
from antre.whatsapp.notify import visit_when


def ticket_link(ticket: Ticket) -> str:
    return public_url(reverse("queueing:ticket", args=[ticket.token]))


def start(conversation: Conversation, reply: Reply) -> None:
    """Offer the office's in-person services."""
    services = list(conversation.number.office.services.bookable())
    conversation.state = {"flow": "antre", "step": "service"}
    reply.choose(_("Pilih layanan tatap muka:"), [(f"svc:{s.code}", s.name, s.description) for s in services])


def list_tickets(conversation: Conversation, reply: Reply) -> None:
    """The active numbers booked with this chat's phone number, from today on."""
    office = conversation.number.office
    if not conversation.phone:  # a business-scoped id without a number: nothing to match on
        reply.text(
            _("Nomor antrean tidak dapat dicari dari akun ini. Buka tautan yang Anda terima saat mendaftar.")
        )
        return
    tickets = (
        Ticket.objects.active()
        .with_phone(conversation.phone)
        .filter(office=office, day__gte=office.local_today())
    )
    lines = [
        f"{t.number} — {t.service.name}, {formats.date_format(t.day, 'j F')}: {ticket_link(t)}"
        for t in tickets
    ]
    reply.text(
        "\n".join(lines) if lines else _("Tidak ada nomor antrean yang berlaku untuk nomor WhatsApp ini.")
    )


def go_on(conversation: Conversation, reply: Reply, text: str) -> None:
    """The next step of a booking: the citizen's answer to the last question."""
    state = conversation.state
    step = state.get("step")
    if step == "service" and text.startswith("svc:"):
        _offer_days(conversation, reply, state, text.removeprefix("svc:"))
    elif step == "day" and text.startswith("day:"):
        _take_day(conversation, reply, state, text.removeprefix("day:"))
    elif step == "name":
        state.update(step="nik", name=text)
        reply.text(_("Ketik NIK (16 digit)."))
    elif step == "nik":
        _book(conversation, reply, state, text)
    else:
        reply.text(_("Silakan pilih dari daftar, atau ketik *menu*."))


def _offer_days(conversation: Conversation, reply: Reply, state: dict[str, Any], code: str) -> None:
    try:
        service = find_service(conversation.number.office, code)
    except Refusal as refusal:
        reply.text(refusal.message)
        return
    days = queue_rules.with_room(day_choices(service))[:10]
    state.update(step="day", service=service.code)
    reply.choose(
        service.name + "\n" + _("Pilih tanggal kunjungan:"),
        [
            (
                f"day:{d.isoformat()}",
                formats.date_format(d, "D, j M"),
                ngettext("sisa %(n)s tempat", "sisa %(n)s tempat", left) % {"n": left},
            )
            for d, left in days
        ],
    )


def _take_day(conversation: Conversation, reply: Reply, state: dict[str, Any], day: str) -> None:
    service = find_service(conversation.number.office, state["service"])
    offered = {d.isoformat() for d, _left in queue_rules.with_room(day_choices(service))}
    if day not in offered:
        reply.text(_("Pilih tanggal dari daftar, atau ketik *menu*."))
        return
    state.update(step="name", day=day)
    reply.text(_("Ketik nama lengkap sesuai KTP."))


def _book(conversation: Conversation, reply: Reply, state: dict[str, Any], nik: str) -> None:
    try:
        with notify.answered_in_chat():
            booking = book_ticket(
                office=conversation.number.office,
                service_code=state["service"],
                name=state["name"],
                nik=nik,
                phone=conversation.phone,
                day=dt.date.fromisoformat(state["day"]),
                channel="whatsapp",
                idempotency_key=f"wa:{reply.inbound.message_id}",
                source=conversation.source,
                client="",  # a citizen's own booking: the NIK's and the phone's daily budgets apply
            )
    except Refusal as refusal:
        fields = "; ".join(refusal.fields.values()) if refusal.fields else ""
        reply.text(
            f"{refusal.message} {fields}".strip()
            + "\n"
            + _("Ketik NIK lagi, atau *menu* untuk mulai dari awal.")
        )
        if refusal.code != "invalid_fields":
            conversation.state = {}
        return
    conversation.ticket, conversation.state = booking.ticket, {}
    _tell_booked(reply, booking.ticket)


def _tell_booked(reply: Reply, ticket: Ticket) -> None:
    reply.text(
        _("Nomor antrean Anda *%(number)s* untuk %(service)s, %(day)s.\nIkuti dan batalkan di: %(link)s")
        % {
            "number": ticket.number,
            "service": ticket.service.name,
            "day": visit_when(ticket),  # with the session the booking took, the first with room
            "link": ticket_link(ticket),
        }
    )


CONFIRMATION_GUESSES = 5  # codes a chat may send in a day that confirm nothing


def confirm(conversation: Conversation, reply: Reply, code: str) -> None:
    """A booking made on a web page, confirmed by its code sent from the phone it names: booked now,
    if a place is left (antre.queueing.confirming)."""
    if not conversation.phone:
        reply.text(_("Kode konfirmasi hanya dapat dikirim dari akun WhatsApp dengan nomor HP."))
        return
    guesses = f"wa-confirm:{conversation.citizen_hash}"
    if settings.RATELIMIT_ENABLED and ratelimit.peek(guesses) >= CONFIRMATION_GUESSES:
        reply.text(
            _("Terlalu banyak kode yang salah hari ini. Coba lagi besok, atau datang langsung ke kantor.")
        )
        return
    try:
        with notify.answered_in_chat():
            booking = confirming.confirm(
                conversation.number.office, code, conversation.phone, now=clock.now()
            )
    except Refusal as refusal:
        if settings.RATELIMIT_ENABLED and refusal.code == "confirmation_unknown":
            ratelimit.count(guesses, expires=int(time.time()) + 86400)
        reply.text(refusal.message)
        return
    conversation.ticket = booking.ticket
    _tell_booked(reply, booking.ticket)
