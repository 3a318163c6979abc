"""The bot's queue: the webhook only stores a message; the worker answers it here, chat by chat.

A webhook delivery is acknowledged as soon as its messages are stored, so Meta never waits on the
bot at the opening rush. Each chat's messages are answered in the order they came, one at a time:
the answer holds the conversation's row (SKIP LOCKED: a second worker takes other chats meanwhile)
and takes that chat's oldest unanswered message. A photo or PDF is fetched before the transaction:
on SQLite a transaction holds the one write slot, and bookings must not wait on the network.
"""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections, transaction

from antre import clock
from antre.whatsapp import bot, media
from antre.whatsapp.models import Conversation, InboundMessage

log = logging.getLogger(__name__)

TRIES = 3  # a message the bot fails on this often is left unanswered, so the chat goes on
PER_CHAT = 20  # answered in a row for one chat before the others get their turn
CHATS_PER_COMMIT = 20


def answer_waiting(*, limit: int = 200) -> int:
    """Answer the stored messages still waiting, oldest chat first; returns how many were answered."""
    waiting = InboundMessage.objects.filter(answered_at__isnull=True, conversation__isnull=False)
    chats = list(dict.fromkeys(waiting.order_by("pk").values_list("conversation_id", flat=True)[:limit]))
    answered = 0
    for first in range(0, len(chats), CHATS_PER_COMMIT):
        answered += answer_chats([c for c in chats[first : first + CHATS_PER_COMMIT] if c is not None])
    return answered


def answer_chats(chat_ids: list[int]) -> int:
    """Answer some chats' waiting messages, each chat in order, in one transaction (one commit for
    many: on SQLite each commit holds the write slot); a chat another worker holds is left to it."""
    media_of = {
        m.pk: _fetch_media(m)
        for m in InboundMessage.objects.filter(
            conversation_id__in=chat_ids, answered_at__isnull=True, kind__in=("image", "document")
        )
    }
    answered = 0
    with transaction.atomic():
        mine = set(
            Conversation.objects.select_for_update(skip_locked=True)
            .filter(pk__in=chat_ids)
            .values_list("pk", flat=True)
        )
        for chat_id in chat_ids:
            if chat_id in mine:
                answered += _answer_chat(chat_id, media_of)
    return answered


def _answer_chat(chat_id: int, media_of: dict[int, bytes | None]) -> int:
    answered = 0
    for inbound in _waiting(chat_id):  # under the chat's lock: none is answered twice
        if inbound.kind in ("image", "document") and inbound.pk not in media_of:
            break  # came meanwhile: its file is fetched on the next turn, outside the transaction
        inbound.media_bytes = media_of.get(inbound.pk)
        if not _answer(inbound):
            break  # tried again on the next turn, before anything after it
        answered += 1
    return answered


def _waiting(chat_id: int) -> list[InboundMessage]:
    return list(
        InboundMessage.objects.filter(conversation_id=chat_id, answered_at__isnull=True)
        .select_related("number__office")
        .order_by("pk")[:PER_CHAT]
    )


def _answer(inbound: InboundMessage) -> bool:
    """The bot's answer in a savepoint: when it fails, the message is tried again, then left."""
    try:
        with transaction.atomic():
            bot.handle(inbound)
    except Exception:
        log.exception("answering WhatsApp message %s failed", inbound.pk)
        inbound.answer_attempts += 1
        if inbound.answer_attempts >= TRIES:
            inbound.answered_at = clock.now()
        inbound.save(update_fields=["answer_attempts", "answered_at"])
        return False
    inbound.answered_at = clock.now()
    inbound.save(update_fields=["answered_at"])
    return True


def _fetch_media(inbound: InboundMessage) -> bytes | None:
    media_id = inbound.payload.get("media_id") if isinstance(inbound.payload, dict) else None
    if inbound.kind not in ("image", "document") or not isinstance(media_id, str) or not media_id:
        return None
    try:
        return media.download(media_id)
    except media.MediaError:
        return None


def run_forever(stop: threading.Event) -> None:
    """The worker's answerer: looks for stored messages ten times a second."""
    while not stop.is_set():
        try:
            close_old_connections()
            if answer_waiting():
                continue
        except Exception:
            log.exception("the WhatsApp answerer failed; it goes on")
            stop.wait(2)
        stop.wait(0.1)
