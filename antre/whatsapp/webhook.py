"""The WhatsApp Cloud API webhook: verification, the signature of every delivery, and parsing."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from antre.whatsapp import bot, media
from antre.whatsapp.models import BusinessNumber, InboundMessage, OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)


def signature_ok(raw: bytes, header: str | None, secret: str) -> bool:
    """X-Hub-Signature-256 is the HMAC-SHA256 of the raw body with the app secret."""
    if not secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest().encode()
    return hmac.compare_digest(expected, header.removeprefix("sha256=").encode("utf-8", "replace"))


@csrf_exempt
@require_http_methods(["GET", "POST"])
def webhook(request: HttpRequest) -> HttpResponse:
    config = settings.WHATSAPP
    if request.method == "GET":
        # Meta's subscription check: echo hub.challenge when the verify token matches.
        if (
            request.GET.get("hub.mode") == "subscribe"
            and config["verify_token"]
            and hmac.compare_digest(
                request.GET.get("hub.verify_token", "").encode("utf-8", "replace"),
                config["verify_token"].encode(),
            )
        ):
            return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
        return HttpResponseForbidden("verification failed")
    raw = request.body
    if not signature_ok(raw, request.headers.get("X-Hub-Signature-256"), config["app_secret"]):
        log.warning("WhatsApp webhook with a bad signature refused")
        return HttpResponseForbidden("bad signature")
    try:
        payload = json.loads(raw)
    except ValueError:
        return JsonResponse({"ok": True})  # signed but unreadable: acknowledged so Meta stops retrying
    failed = False
    for change in _changes(payload):
        value = change.get("value") or {}
        number = (
            BusinessNumber.objects.filter(
                phone_number_id=(value.get("metadata") or {}).get("phone_number_id", "")
            ).first()
            or _general_desk()
        )
        contacts = {
            c.get("wa_id") or c.get("user_id"): c for c in value.get("contacts") or [] if isinstance(c, dict)
        }
        for message in value.get("messages") or []:
            if not isinstance(message, dict):
                continue
            # A photo or PDF is fetched from the Cloud API first, outside the transaction: on SQLite
            # a transaction holds the one write slot, and bookings must not wait on the network.
            media_bytes = (
                _fetch_media(message)
                if not InboundMessage.objects.filter(message_id=str(message.get("id", ""))).exists()
                else None
            )
            try:
                # Stored and answered together: if answering fails, the message is not marked as
                # seen, and Meta's retry (after our 500) gets it answered.
                with transaction.atomic():
                    if stored := _store_message(message, number, contacts):
                        stored.media_bytes = media_bytes
                        bot.handle(stored)
            except Exception:
                log.exception("answering a WhatsApp message failed; Meta will deliver it again")
                failed = True
        for status in value.get("statuses") or []:
            if isinstance(status, dict):
                _apply_status(status)
    if failed:
        return JsonResponse({"ok": False}, status=500)
    return JsonResponse({"ok": True})  # unknown shapes too: a 200 stops the sender's retries


def _fetch_media(message: dict) -> bytes | None:
    kind = message.get("type")
    if kind not in ("image", "document"):
        return None
    try:
        return media.download(str((message.get(kind) or {}).get("id", "")))
    except media.MediaError:
        return None


def _general_desk() -> BusinessNumber | None:
    """SPEC §6: a number not mapped yet is answered by the general desk of the first office."""
    from antre.offices.models import Office

    office = Office.objects.order_by("pk").first()
    if office is None:
        return None
    return BusinessNumber.objects.filter(office=office, desk="general").order_by("pk").first()


def _changes(payload) -> list[dict]:
    if not isinstance(payload, dict):
        return []
    return [
        change
        for entry in payload.get("entry") or []
        if isinstance(entry, dict)
        for change in entry.get("changes") or []
        if isinstance(change, dict)
    ]


def parse_text(message: dict) -> tuple[str, str]:
    """(kind, text) of a message: text, an interactive reply's id, or the caption of media."""
    kind = str(message.get("type", "unknown"))
    if kind == "text":
        return kind, str((message.get("text") or {}).get("body", ""))
    if kind == "interactive":
        reply = message.get("interactive") or {}
        chosen = reply.get("list_reply") or reply.get("button_reply") or {}
        return kind, str(chosen.get("id", ""))
    if kind in ("image", "document"):
        return kind, str((message.get(kind) or {}).get("caption", ""))
    return kind, ""


def _store_message(message: dict, number: BusinessNumber | None, contacts: dict) -> InboundMessage | None:
    """Store a message the first time it arrives; None for a repeat (already answered)."""
    message_id = str(message.get("id", ""))
    if not message_id:
        return None
    kind, text = parse_text(message)
    sender = str(message.get("from", ""))
    try:
        with transaction.atomic():
            return InboundMessage.objects.create(
                message_id=message_id,
                number=number,
                wa_id=sender if sender.isdigit() else "",
                user_id=str(message.get("from_user_id") or ("" if sender.isdigit() else sender)),
                kind=kind,
                text=text[:4000],
                payload=message,
            )
    except IntegrityError:
        log.info("WhatsApp message %s delivered again; handled once", message_id)
        return None


def _apply_status(status: dict) -> None:
    provider_id = str(status.get("id", ""))
    if status.get("status") == "failed" and provider_id:
        OutboxMessage.objects.filter(provider_id=provider_id).update(
            status=OutboxStatus.FAILED, last_error=json.dumps(status.get("errors", []))[:300]
        )
