"""The WhatsApp Cloud API webhook: verification, the signature of every delivery, and parsing."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from antre import clock, crypto
from antre.offices.models import Office
from antre.whatsapp.models import (
    BusinessNumber,
    Conversation,
    Desk,
    InboundMessage,
    OutboxMessage,
    OutboxStatus,
)

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
    failed = False
    for change in parse_delivery(raw):
        number = _business_number(change) if change.messages else None
        for message in change.messages:
            try:
                # Only stored here: the worker answers (antre.whatsapp.answering), so Meta is
                # answered at once however busy the bot is. A failure here gets Meta's retry.
                with transaction.atomic():
                    _store_message(message, number)
            except Exception:
                log.exception("storing a WhatsApp message failed; Meta will deliver it again")
                failed = True
        for status in change.statuses:
            _apply_status(status)
    if failed:
        return JsonResponse({"ok": False}, status=500)
    return JsonResponse({"ok": True})  # unknown shapes too: a 200 stops the sender's retries


# What the Cloud API sends, as far as Antre relies on it. A delivery is signed by Meta, so a shape
# outside these is a fault or a change on their side: such a message is left out (logged without
# its content), never stored as "None" with a reply queued to nobody, and Meta still gets its 200.
MESSAGE_ID = re.compile(r"[A-Za-z0-9._:=+/-]{1,200}")  # "wamid.HBgL…=": the stored id's column
# A wa_id is the phone number in international form without "+": at most 15 digits (E.164).
WA_ID = re.compile(r"[0-9]{5,15}")
# A business-scoped user id: two-letter country code, a period, alphanumerics ("ID.1502576394655843",
# a parent id "US.ENT.11815…"). Meta allows up to 128 after the period; the columns that carry it as
# the recipient take 40.
USER_ID = re.compile(r"[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}")
USER_ID_MAX = 40
PHONE_NUMBER_ID = re.compile(r"[0-9]{1,40}")
KIND = re.compile(r"[a-z_]{1,20}")


@dataclass(frozen=True)
class Message:
    id: str
    wa_id: str  # "" when the citizen has only a business-scoped id
    user_id: str
    kind: str
    text: str
    media_id: str  # of an image or a document, to fetch
    raw: dict


@dataclass(frozen=True)
class Change:
    phone_number_id: str
    display_number: str
    messages: list[Message] = field(default_factory=list)
    statuses: list[dict] = field(default_factory=list)


def parse_delivery(raw: bytes) -> list[Change]:
    """The changes of a signed delivery, with only the messages whose shape Antre can answer."""
    try:
        payload = _clean(json.loads(raw, parse_constant=_no_constant))
    except (ValueError, RecursionError):
        log.warning("WhatsApp webhook: a signed delivery that is not JSON acknowledged and ignored")
        return []
    changes = []
    for value in _values(payload):
        metadata = value.get("metadata")
        metadata = metadata if isinstance(metadata, dict) else {}
        number_id = metadata.get("phone_number_id")
        if not (isinstance(number_id, str) and PHONE_NUMBER_ID.fullmatch(number_id)):
            log.warning("WhatsApp webhook: a change without a usable phone_number_id left out")
            continue
        display = metadata.get("display_phone_number")
        display = display[:20] if isinstance(display, str) and display else number_id[:20]
        messages = [m for m in map(parse_message, _list(value.get("messages"))) if m is not None]
        statuses = [s for s in _list(value.get("statuses")) if isinstance(s, dict)]
        changes.append(Change(number_id, display, messages, statuses))
    return changes


def parse_message(message) -> Message | None:
    """A message as Antre stores it, or None (with a warning) when its id or sender is unusable."""
    if not isinstance(message, dict):
        _left_out("not an object")
        return None
    message_id = message.get("id")
    if not (isinstance(message_id, str) and MESSAGE_ID.fullmatch(message_id)):
        _left_out("no usable id")
        return None
    wa_id = user_id = ""
    if "from" in message:  # omitted by Meta for a citizen known only by a business-scoped id
        sender = message["from"]
        if isinstance(sender, str) and WA_ID.fullmatch(sender):
            wa_id = sender
        elif _is_user_id(sender):
            user_id = sender
        else:
            _left_out("a sender that is neither a wa_id nor a business-scoped id")
            return None
    scoped = message.get("from_user_id")
    if scoped is not None:
        if not _is_user_id(scoped):
            _left_out("a malformed from_user_id")
            return None
        user_id = scoped
    if not (wa_id or user_id):
        _left_out("no sender")
        return None
    kind = message.get("type")
    kind = kind if isinstance(kind, str) and KIND.fullmatch(kind) else "unknown"
    text, media_id = _content(message, kind)
    return Message(message_id, wa_id, user_id, kind, text[:4000], media_id, message)


def _is_user_id(value) -> bool:
    return isinstance(value, str) and len(value) <= USER_ID_MAX and bool(USER_ID.fullmatch(value))


def _left_out(why: str) -> None:
    log.warning("WhatsApp webhook: a message with %s left out (not stored, not answered)", why)


def _content(message: dict, kind: str) -> tuple[str, str]:
    """(text, media id): the text, an interactive reply's id, or a photo's or document's caption."""
    part = message.get(kind)
    part = part if isinstance(part, dict) else {}
    if kind == "text":
        return _str(part.get("body")), ""
    if kind == "interactive":
        chosen = part.get("list_reply") or part.get("button_reply")
        return _str(chosen.get("id") if isinstance(chosen, dict) else None), ""
    if kind in ("image", "document"):
        media_id = _str(part.get("id"))
        return _str(part.get("caption")), media_id if MESSAGE_ID.fullmatch(media_id) else ""
    return "", ""


def _str(value) -> str:
    return value if isinstance(value, str) else ""


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _values(payload) -> list[dict]:
    if not isinstance(payload, dict):
        return []
    return [
        change["value"]
        for entry in _list(payload.get("entry"))
        if isinstance(entry, dict)
        for change in _list(entry.get("changes"))
        if isinstance(change, dict) and isinstance(change.get("value"), dict)
    ]


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON a database stores")


def _clean(value):
    """The payload without what no column can hold: NUL characters and lone surrogates in strings."""
    if isinstance(value, str):
        return value.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, list):
        return [_clean(item) for item in value]
    if isinstance(value, dict):
        return {_clean(key): _clean(item) for key, item in value.items()}
    return value


def _business_number(change: Change) -> BusinessNumber | None:
    """The office's number the citizen wrote to; one seen for the first time becomes the first
    office's general desk (SPEC §6), so the citizen is answered before anyone maps it in the admin."""
    number = BusinessNumber.objects.filter(phone_number_id=change.phone_number_id).first()
    if number is not None:
        return number
    office = _first_office()
    if office is None:
        return None
    try:
        with transaction.atomic():
            number = BusinessNumber.objects.create(
                phone_number_id=change.phone_number_id,
                office=office,
                desk=Desk.GENERAL,
                display_number=change.display_number,
                added_automatically=True,
            )
    except IntegrityError:
        # Two first messages at once: the unique phone_number_id let the other one's insert win.
        return BusinessNumber.objects.get(phone_number_id=change.phone_number_id)
    log.warning(
        "WhatsApp number %s added as the general desk of %s; check it in the admin",
        change.phone_number_id,
        office.slug,
    )
    return number


def _first_office() -> Office | None:
    return Office.objects.order_by("pk").first()


def _store_message(message: Message, number: BusinessNumber | None) -> InboundMessage | None:
    """Store a message the first time it arrives, in its conversation, for the bot to answer; None
    for a repeat (already stored)."""
    payload = kept_payload(message.raw)
    if message.media_id:
        payload["media_id"] = message.media_id  # fetched by the answerer, not in Meta's request
    try:
        with transaction.atomic():
            return InboundMessage.objects.create(
                message_id=message.id,
                number=number,
                wa_id=message.wa_id,
                user_id=message.user_id,
                kind=message.kind,
                text=message.text,
                payload=payload,
                conversation=_conversation(number, message) if number else None,
                answered_at=None if number else clock.now(),  # no office to answer for
            )
    except IntegrityError:
        log.info("WhatsApp message %s delivered again; handled once", message.id)
        return None


def _conversation(number: BusinessNumber, message: Message) -> Conversation:
    """The citizen's conversation with the number, begun with their first message."""
    citizen = message.wa_id or message.user_id
    conversation, _created = Conversation.objects.get_or_create(
        number=number,
        citizen_hash=crypto.lookup_hash(citizen),
        defaults={"citizen": citizen, "phone": f"+{message.wa_id}" if message.wa_id else ""},
    )
    return conversation


def kept_payload(raw: dict) -> dict:
    """What of a message the conversation reads back later: a document's file name and the media's
    type. The rest (the sender's number, the text, ids) is in the columns or not needed."""
    kept: dict = {"type": raw.get("type", "")}
    for kind in ("document", "image"):
        media = raw.get(kind)
        if isinstance(media, dict):
            kept[kind] = {k: media[k] for k in ("filename", "mime_type") if isinstance(media.get(k), str)}
    return kept


def _apply_status(status: dict) -> None:
    provider_id = status.get("id")
    if status.get("status") == "failed" and isinstance(provider_id, str) and provider_id:
        OutboxMessage.objects.filter(provider_id=provider_id).update(
            status=OutboxStatus.FAILED, last_error=json.dumps(status.get("errors", []))[:300]
        )
