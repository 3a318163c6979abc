"""A held booking confirmed: its code came over WhatsApp from the phone it names, so it books now,
if a place is left (antre.queueing.confirmations holds it; the bot calls confirm())."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from antre.offices.models import Office
from antre.queueing import confirmations
from antre.queueing.services import Booking, book_ticket


def confirm(office: Office, code: str, phone: str, *, now: dt.datetime) -> Booking:
    """Book the held booking of `code`, sent from `phone` (E.164): the Booking, or a refusal saying
    why not (a code not valid for this phone, no place left). Once booked it is gone."""
    with transaction.atomic():
        pending = confirmations.take(office, code, phone, now)
        booking = book_ticket(
            office=office,
            service_code=pending.service.code,
            name=pending.name,
            nik=pending.nik,
            phone=pending.phone,
            day=pending.day,
            session=pending.session or None,
            channel=pending.channel,
            priority=pending.priority,
            source=pending.source,
            idempotency_key=f"confirm:{pending.pk}",
            now=now,
            client="",  # a citizen's own booking, from the phone it names: the NIK's and phone's budgets
        )
        pending.delete()
    return booking
