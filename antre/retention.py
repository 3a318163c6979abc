"""How long personal data is kept, as the privacy notice promises (UU 27/2022): `antre purge`, and the
worker every few hours (antre.worker.purge).

- A ticket keeps its citizen's name, NIK and phone for the office's `personal_data_days` (90 by
  default) after its day; then they are cleared. What the reports read stays: the service, the times,
  the channel, the source and the kecamatan (kept apart from the NIK when it was booked).
- WhatsApp messages are kept 90 days; a conversation with nothing said for 90 days goes with them.
- An application, with its documents and its history, is deleted a year after it ended (done or
  rejected), or after a year left waiting for the citizen (submitted and never sent on, or sent back
  to be fixed and never fixed).
- A booking's Idempotency-Key is kept two days: long enough for any retry.
- A booking held for its WhatsApp confirmation goes once its 30 minutes have passed.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from antre.applications.models import Application, AppStatus
from antre.offices.models import Office
from antre.queueing.models import IdempotencyKey, PendingBooking, Ticket
from antre.whatsapp.models import Conversation, InboundMessage, OutboxMessage

WHATSAPP_DAYS = 90
APPLICATION_DAYS = 365
IDEMPOTENCY_DAYS = 2
# An application in one of these, untouched for APPLICATION_DAYS, is deleted.
ENDED = (AppStatus.DONE, AppStatus.REJECTED, AppStatus.SUBMITTED, AppStatus.NEEDS_FIX)


def anonymise_tickets(*, now: dt.datetime) -> int:
    """Clear name, NIK and phone of every ticket older than its office's period; how many were cleared."""
    cleared = 0
    for office in Office.objects.all():
        before = office.local_today(now) - dt.timedelta(days=office.personal_data_days)
        old = Ticket.objects.filter(office=office, day__lt=before).exclude(
            Q(name="") & Q(nik_hash="") & Q(phone_hash="") & Q(nik="") & Q(phone="")
        )
        # An update, not save(): the kecamatan, read from the NIK when it was booked, stays.
        cleared += old.update(name="", nik="", phone="", nik_hash="", phone_hash="")
    return cleared


def forget_whatsapp(*, now: dt.datetime) -> int:
    cutoff = now - dt.timedelta(days=WHATSAPP_DAYS)
    with transaction.atomic():
        removed = InboundMessage.objects.filter(received_at__lt=cutoff).delete()[0]
        removed += OutboxMessage.objects.filter(created_at__lt=cutoff).delete()[0]
        idle = Q(last_inbound_at__lt=cutoff) | Q(last_inbound_at__isnull=True)
        removed += Conversation.objects.filter(idle).exclude(inbound__received_at__gte=cutoff).delete()[0]
    return removed


def delete_applications(*, now: dt.datetime) -> int:
    """Applications that ended a year ago, each with its documents (the files go with their rows:
    antre.applications.apps); how many applications were deleted."""
    cutoff = now - dt.timedelta(days=APPLICATION_DAYS)
    deleted = 0
    for application in Application.objects.filter(status__in=ENDED, updated_at__lt=cutoff).iterator():
        application.delete()  # in one transaction with its documents and history
        deleted += 1
    return deleted


def forget_idempotency_keys(*, now: dt.datetime) -> int:
    return IdempotencyKey.objects.filter(created_at__lt=now - dt.timedelta(days=IDEMPOTENCY_DAYS)).delete()[0]


def forget_unconfirmed(*, now: dt.datetime) -> int:
    """Bookings held for a confirmation that never came (antre.queueing.confirmations)."""
    return PendingBooking.objects.filter(expires_at__lt=now).delete()[0]
