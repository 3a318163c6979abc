"""Outgoing WhatsApp messages: written in the transaction of the change, sent by the worker.

A slow or failing provider never blocks a request. Each message has a dedupe key, so one event is
queued once. The worker claims a message with a conditional UPDATE (one worker has it at a time,
for its lease), sends it, and on a failure tries again later with back-off and the provider's
Retry-After, until WhatsApp accepts it (or refuses it for good, the attempts run out, or it is too
late to be worth telling): nothing is lost while the provider is down.

Delivery is at least once, not exactly once. When WhatsApp accepts a message but the worker never
records it as sent, because it stopped first (the message goes again once its lease is over) or
the answer was lost on the network (tried again like any failure), the citizen gets it twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import httpx
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q

from antre import clock
from antre.whatsapp.models import BusinessNumber, Desk, OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

BATCH = 50  # per tick: well under the Cloud API's default 80 messages a second
LEASE = dt.timedelta(minutes=15)  # longer than a whole batch of slow sends
MAX_ATTEMPTS = 12
EXPIRED = "kedaluwarsa: tidak dikirim, waktunya sudah lewat"


def number_for(office_id: int, desk: str = Desk.GENERAL) -> BusinessNumber | None:
    numbers = BusinessNumber.objects.filter(office_id=office_id)
    return numbers.filter(desk=desk).first() or numbers.order_by("pk").first()


def enqueue(
    *,
    office_id: int,
    to: str,
    template: str,
    params: list[str],
    key: str,
    desk: str = Desk.GENERAL,
    expires_at: dt.datetime | None = None,
) -> bool:
    """Queue a template message in the current transaction; False when WhatsApp is not set up or it is queued."""
    number = number_for(office_id, desk)
    recipient = "".join(ch for ch in to if ch.isdigit())
    if number is None or not recipient:
        return False
    body = {
        "type": "template",
        "template": {
            "name": template,
            "language": {"code": "id"},
            "components": [{"type": "body", "parameters": [{"type": "text", "text": p} for p in params]}],
        },
    }
    try:
        with transaction.atomic():
            OutboxMessage.objects.create(
                dedupe_key=key,
                phone_number_id=number.phone_number_id,
                to=recipient,
                body=body,
                template=template,
                expires_at=expires_at,
            )
    except IntegrityError:
        return False  # this event was queued already
    return True


def enqueue_session(
    *, phone_number_id: str, to: str, body: dict, key: str, conversation=None, by=None
) -> bool:
    """Queue a reply inside the 24-hour window (text, lists, buttons, a document); once per key."""
    try:
        with transaction.atomic():
            OutboxMessage.objects.create(
                dedupe_key=key,
                phone_number_id=phone_number_id,
                to=to,
                body=body,
                conversation=conversation,
                by=by,
            )
    except IntegrityError:
        return False
    return True


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(5 * 2 ** max(attempts - 1, 0), 900))


def deliver_due(*, now: dt.datetime | None = None, client: httpx.Client | None = None) -> int:
    """Send what is due; returns how many were sent."""
    if not settings.WHATSAPP["token"]:
        # Without a token the Cloud API refuses every message (401), and each refusal would count
        # as an attempt: they stay pending instead, and go once the token is set. The admin says why.
        _tell_once_no_token()
        return 0
    now = now or clock.now()
    # Told too late is told wrong ("come in by 08.10" the next day): such messages are not sent.
    OutboxMessage.objects.filter(status=OutboxStatus.PENDING, expires_at__lte=now).update(
        status=OutboxStatus.FAILED, last_error=EXPIRED
    )
    due = list(
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    # A message left "sending" by a crashed worker is tried again once its lease is over.
    stale = list(
        OutboxMessage.objects.filter(status=OutboxStatus.SENDING, lease_until__lt=now).values_list(
            "pk", flat=True
        )[:BATCH]
    )
    config = settings.WHATSAPP
    own_client = client is None
    client = client or httpx.Client(timeout=10)
    sent = 0
    try:
        for pk in due + stale:
            claimed = (
                OutboxMessage.objects.filter(pk=pk)
                .filter(
                    Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
                    | Q(status=OutboxStatus.SENDING, lease_until__lt=now)
                )
                .update(status=OutboxStatus.SENDING, lease_until=clock.now() + LEASE)
            )
            if not claimed:
                continue  # another worker has it
            message = OutboxMessage.objects.get(pk=pk)
            sent += _send(client, config, message, now)
    finally:
        if own_client:
            client.close()
    return sent


_told = False


def _tell_once_no_token() -> None:
    global _told
    if not _told and OutboxMessage.objects.filter(status=OutboxStatus.PENDING).exists():
        _told = True
        log.warning("ANTRE_WHATSAPP_TOKEN is not set: WhatsApp messages wait unsent until it is")


def _send(client: httpx.Client, config: dict, message: OutboxMessage, now: dt.datetime) -> int:
    url = f"{config['api_base']}/{message.phone_number_id}/messages"
    headers = {"Authorization": f"Bearer {config['token']}"}
    body = message.body
    message.attempts += 1
    try:
        if body.get("type") == "document" and "local_path" in body.get("document", {}):
            body = _uploaded(client, config, message, headers)
        payload = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": message.to, **body}
        response = client.post(url, json=payload, headers=headers)
    except httpx.HTTPError as exc:
        return _retry(message, now, f"network: {exc}")
    except Exception as exc:  # a missing attachment, an odd answer: retried, then failed, never stuck
        log.warning("sending outbox message %s failed: %s", message.pk, type(exc).__name__)
        return _retry(message, now, f"{type(exc).__name__}")
    if response.status_code == 200:
        try:
            provider_id = response.json()["messages"][0]["id"]
        except (ValueError, KeyError, IndexError, TypeError):
            provider_id = ""
        message.status, message.sent_at, message.provider_id, message.lease_until = (
            OutboxStatus.SENT,
            now,
            provider_id,
            None,
        )
        message.save(update_fields=["status", "sent_at", "provider_id", "lease_until", "attempts"])
        _forget_attachment(message)
        return 1
    if response.status_code == 429 or response.status_code >= 500:
        wait = response.headers.get("Retry-After", "")
        return _retry(message, now, f"HTTP {response.status_code}", int(wait) if wait.isdecimal() else None)
    message.status, message.last_error, message.lease_until = (
        OutboxStatus.FAILED,
        f"HTTP {response.status_code}: {response.text[:250]}",
        None,
    )
    message.save(update_fields=["status", "last_error", "lease_until", "attempts"])
    log.warning("WhatsApp refused outbox message %s (HTTP %s)", message.pk, response.status_code)
    return 0


def _forget_attachment(message: OutboxMessage) -> None:
    """An officer's attachment is deleted once WhatsApp has it."""
    local = (
        message.body.get("document", {}).get("local_path") if message.body.get("type") == "document" else None
    )
    if local:
        (Path(settings.DATA_DIR) / local).unlink(missing_ok=True)


def _uploaded(client: httpx.Client, config: dict, message: OutboxMessage, headers: dict) -> dict:
    """An officer's document goes up to the Cloud API's media endpoint first; the message names its id."""
    document = message.body["document"]
    path = Path(settings.DATA_DIR) / document["local_path"]
    response = client.post(
        f"{config['api_base']}/{message.phone_number_id}/media",
        headers=headers,
        data={"messaging_product": "whatsapp", "type": document["mime_type"]},
        files={"file": (document["filename"], path.read_bytes(), document["mime_type"])},
    )
    response.raise_for_status()
    return {"type": "document", "document": {"id": response.json()["id"], "filename": document["filename"]}}


def _retry(message: OutboxMessage, now: dt.datetime, error: str, wait: int | None = None) -> int:
    give_up = message.attempts >= MAX_ATTEMPTS
    message.status = OutboxStatus.FAILED if give_up else OutboxStatus.PENDING
    message.next_attempt_at = now + (dt.timedelta(seconds=wait) if wait else _backoff(message.attempts))
    message.last_error, message.lease_until = error[:300], None
    message.save(update_fields=["status", "next_attempt_at", "last_error", "lease_until", "attempts"])
    return 0
