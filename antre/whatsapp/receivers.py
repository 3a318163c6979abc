"""WhatsApp listens to what happens to tickets and applications, and tells the citizen.

Connected in WhatsappConfig.ready(). Each receiver queues a message in the sender's transaction
(antre.whatsapp.notify); the outbox's key keeps a message from being queued twice.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db.models.signals import post_delete, post_save

from antre.applications import signals as applications
from antre.gate import signals as gate
from antre.offices.models import Office
from antre.people.rules import normalize_phone
from antre.queueing import confirmations
from antre.queueing import signals as queueing
from antre.whatsapp import notify
from antre.whatsapp.models import BusinessNumber, Desk


def _booked(sender, *, ticket, **_kw) -> None:
    notify.ticket_booked(ticket)


def _called(sender, *, ticket, counter_number: int, **_kw) -> None:
    notify.ticket_called(ticket, counter_number)


def _near(sender, *, ticket, ahead: int, **_kw) -> None:
    notify.ticket_near(ticket, ahead)


def _leave_home(sender, *, ticket, come_at, **_kw) -> None:
    notify.ticket_leave_home(ticket, come_at)


def _closed_out(sender, *, ticket, reason: str, rebook_url: str, **_kw) -> None:
    notify.ticket_office_closed(ticket, reason, rebook_url)


def _link_requested(sender, *, ticket, url: str, key: str, **_kw) -> bool:
    return notify.ticket_link(ticket, url, key=key)


def _invited(sender, *, ticket, until, **_kw) -> None:
    notify.ticket_invited(ticket, until)


def _served(sender, *, ticket, **_kw) -> None:
    notify.visit_survey(ticket)


def _application_changed(sender, *, application, step: int, **_kw) -> None:
    notify.application_changed(application, step)
    notify.application_survey(application)


_numbers: dict[int, tuple[float, str]] = {}  # office id -> (until, digits): one query per office a minute
NUMBER_KEPT = 60.0


def number_to_confirm_to(office: Office) -> str:
    """The office's WhatsApp number (digits) where a web booking is confirmed: the general desk's
    first, else any; "" without one, or while the webhook cannot take messages (no app secret).
    Asked by every citizen booking, so kept a minute per process; a change of numbers forgets it."""
    if not settings.WHATSAPP.get("app_secret"):
        return ""
    until, digits = _numbers.get(office.pk, (0.0, ""))
    if until < time.monotonic():
        digits = _find_number(office)
        _numbers[office.pk] = (time.monotonic() + NUMBER_KEPT, digits)
    return digits


def _find_number(office: Office) -> str:
    numbers = BusinessNumber.objects.filter(office=office).order_by("desk", "pk")
    for number in [n for n in numbers if n.desk == Desk.GENERAL] + list(numbers):
        if digits := (normalize_phone(number.display_number) or "").lstrip("+"):
            return digits
    return ""


def forget_numbers(*_args, **_kw) -> None:
    """Forget the numbers kept (a number added, changed or removed; each test starts afresh)."""
    _numbers.clear()


def connect() -> None:
    uid = "antre.whatsapp"  # connecting twice (tests reload apps) keeps one receiver each
    confirmations.use_number(number_to_confirm_to)
    post_save.connect(forget_numbers, sender=BusinessNumber, dispatch_uid=f"{uid}.numbers_saved")
    post_delete.connect(forget_numbers, sender=BusinessNumber, dispatch_uid=f"{uid}.numbers_deleted")
    queueing.booked.connect(_booked, dispatch_uid=f"{uid}.booked")
    queueing.called.connect(_called, dispatch_uid=f"{uid}.called")
    queueing.near.connect(_near, dispatch_uid=f"{uid}.near")
    queueing.served.connect(_served, dispatch_uid=f"{uid}.served")
    queueing.leave_home.connect(_leave_home, dispatch_uid=f"{uid}.leave_home")
    queueing.closed_out.connect(_closed_out, dispatch_uid=f"{uid}.closed_out")
    queueing.link_requested.connect(_link_requested, dispatch_uid=f"{uid}.link_requested")
    gate.invited.connect(_invited, dispatch_uid=f"{uid}.invited")
    applications.changed.connect(_application_changed, dispatch_uid=f"{uid}.application_changed")
