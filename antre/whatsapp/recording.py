"""What became of an attempt to send an outbox message, in its row (and a limit's pause in its number's row)."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from antre.applications.storage import transit
from antre.whatsapp.models import BusinessNumber, OutboxMessage, OutboxStatus
from antre.whatsapp.sending import Outcome, document_of

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
GIVE_UP_AFTER = dt.timedelta(days=1)  # beyond WhatsApp's 24-hour window for a reply anyway
PAUSE = 2  # seconds a number rests after a 429 without Retry-After


def record_outcome(message: OutboxMessage, outcome: Outcome, now: dt.datetime) -> int:
    """The outcome of one attempt in the message's row (and a 429's pause in its number's); written
    only while the row is still this worker's claim (its lease unchanged): a claim that outlived its
    lease was taken again by another worker, whose outcome stands."""
    lease = message.lease_until
    if outcome.kind == "held":
        message.status, message.lease_until = OutboxStatus.PENDING, None
        _save_if_mine(message, lease, ["status", "lease_until"])
        return 0
    if not outcome.limit:  # WhatsApp's "not now" (a limit) is not a failed attempt: it goes again
        message.attempts += 1
    if outcome.kind == "sent":
        message.status, message.sent_at, message.provider_id, message.lease_until = (
            OutboxStatus.SENT,
            now,
            outcome.provider_id,
            None,
        )
        if _save_if_mine(message, lease, ["status", "sent_at", "provider_id", "lease_until", "attempts"]):
            transaction.on_commit(lambda: _forget_attachment(message), robust=True)
        return 1
    if outcome.kind == "retry":
        if outcome.pauses_number:
            until = now + dt.timedelta(seconds=outcome.wait or PAUSE)
            BusinessNumber.objects.filter(phone_number_id=message.phone_number_id).filter(
                Q(paused_until__isnull=True) | Q(paused_until__lt=until)
            ).update(paused_until=until)
        return _retry(message, lease, now, outcome)
    message.status, message.last_error, message.lease_until = OutboxStatus.FAILED, outcome.error, None
    _save_if_mine(message, lease, ["status", "last_error", "lease_until", "attempts"])
    log.warning("WhatsApp refused outbox message %s (HTTP %s)", message.pk, outcome.status)
    return 0


def _save_if_mine(message: OutboxMessage, lease: dt.datetime | None, fields: list[str]) -> bool:
    mine = OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.SENDING, lease_until=lease)
    return mine.update(**{field: getattr(message, field) for field in fields}) == 1


def _forget_attachment(message: OutboxMessage) -> None:
    """An officer's attachment is deleted once WhatsApp has it."""
    document = document_of(message.body)
    if "stored" in document:
        transit().delete(document["stored"])
    elif "local_path" in document:  # queued before attachments were shared
        (Path(settings.DATA_DIR) / document["local_path"]).unlink(missing_ok=True)


def _retry(message: OutboxMessage, lease: dt.datetime | None, now: dt.datetime, outcome: Outcome) -> int:
    # Limits do not use up attempts; a message still held back by them a day on is given up.
    held_too_long = bool(outcome.limit) and now - message.created_at > GIVE_UP_AFTER
    give_up = message.attempts >= MAX_ATTEMPTS or held_too_long
    message.status = OutboxStatus.FAILED if give_up else OutboxStatus.PENDING
    wait = outcome.wait
    message.next_attempt_at = now + (dt.timedelta(seconds=wait) if wait else _backoff(message.attempts))
    message.last_error, message.lease_until = outcome.error[:300], None
    _save_if_mine(message, lease, ["status", "next_attempt_at", "last_error", "lease_until", "attempts"])
    return 0


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(5 * 2 ** max(attempts - 1, 0), 900))
