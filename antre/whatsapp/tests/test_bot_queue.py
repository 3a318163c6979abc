"""The bot's queue: the webhook answers Meta at once and only stores; the answerer replies, each chat
in the order its messages came, also with two workers on PostgreSQL."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading

import pytest
from django.db import connection

from antre.whatsapp import answering
from antre.whatsapp.models import InboundMessage, OutboxMessage
from antre.whatsapp.tests.test_whatsapp import SECRET, delivery


def deliver(client, payload) -> int:
    """Meta's signed delivery to the webhook alone (no answerer's turn); the status it got."""
    raw = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    return client.post(
        "/whatsapp/webhook", raw, content_type="application/json", headers={"X-Hub-Signature-256": signature}
    ).status_code


def replies_to(message_id: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(dedupe_key__startswith=f"reply:{message_id}:").order_by("pk"))


@pytest.mark.django_db
def test_the_webhook_stores_and_the_answerer_replies(client, desk, graph):
    assert deliver(client, delivery("wamid.Q1", "halo")) == 200
    stored = InboundMessage.objects.get(message_id="wamid.Q1")
    assert stored.answered_at is None and not replies_to("wamid.Q1")  # the bot did not run in the request
    assert answering.answer_waiting() == 1
    assert "Om Swastiastu" in replies_to("wamid.Q1")[0].body["interactive"]["body"]["text"]
    assert answering.answer_waiting() == 0  # answered once


@pytest.mark.django_db(transaction=True)
def test_two_answerers_reply_to_each_chat_in_the_order_its_messages_came(client, desk, graph):
    if connection.vendor != "postgresql":
        pytest.skip("on SQLite one worker answers")
    sent = []
    for turn in range(4):
        for citizen in range(15):
            message_id = f"wamid.O{citizen}.{turn}"
            assert deliver(client, delivery(message_id, "halo", sender=f"628120000{citizen:04d}")) == 200
            sent.append(message_id)

    def answerer() -> None:
        try:
            while answering.answer_waiting():
                pass
        finally:
            connection.close()

    workers = [threading.Thread(target=answerer) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not InboundMessage.objects.filter(answered_at__isnull=True).exists()
    for citizen in range(15):
        asked = [f"wamid.O{citizen}.{turn}" for turn in range(4)]
        replies = OutboxMessage.objects.filter(dedupe_key__contains=f"wamid.O{citizen}.").order_by("pk")
        answered = [m.dedupe_key.split(":")[1] for m in replies]
        assert answered == asked  # one reply each, in the order asked
