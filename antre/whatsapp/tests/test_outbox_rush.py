"""The outbox at the opening rush: many messages in flight, each sent once, a citizen's in order, each
number kept to its rate and paused by a 429, and two workers on PostgreSQL never sending one twice."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import defaultdict

import httpx
import pytest
from django.db import connection
from django.utils import timezone

from antre.whatsapp import outbox
from antre.whatsapp.models import BusinessNumber, OutboxMessage, OutboxStatus
from antre.whatsapp.recording import record_outcome
from antre.whatsapp.sending import Outcome

pytestmark = pytest.mark.django_db(transaction=True)


def queue(number: BusinessNumber, citizens: int, each: int = 1, start: int = 0) -> None:
    """`each` texts to every citizen, written in turns (citizen 1's first, citizen 2's first, …)."""
    for turn in range(each):
        for citizen in range(start, start + citizens):
            outbox.enqueue_session(
                phone_number_id=number.phone_number_id,
                to=f"62812000{citizen:05d}",
                body={"type": "text", "text": {"body": f"{citizen}:{turn}"}},
                key=f"{number.phone_number_id}:{citizen}:{turn}",
            )


def unsent() -> bool:
    return OutboxMessage.objects.filter(status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING]).exists()


def work(seconds: float = 30, sender: outbox.Sender | None = None) -> None:
    """One worker's sender on the real clock, until nothing is left to send."""
    sender, deadline = sender or outbox.Sender(), time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            sender.pump(timezone.now())
            if not sender.busy and not unsent():
                break
            time.sleep(0.02)
        sender.drain(timezone.now())
    finally:
        sender.close()
        connection.close()


def arrivals(graph) -> dict[str, list[dict]]:
    """The accepted messages per recipient, in the order they reached the provider."""
    per = defaultdict(list)
    for record in sorted(graph.accepted, key=lambda r: r["at"]):
        per[record["body"]["to"]].append(record)
    return per


def test_two_workers_send_each_message_exactly_once_and_each_citizens_in_order(desk, graph):
    if connection.vendor != "postgresql":
        pytest.skip("on SQLite one worker sends (the write slot serialises everything anyway)")
    graph.delay = 0.03
    queue(desk, citizens=40, each=4)
    workers = [threading.Thread(target=work) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    texts = [r["body"]["text"]["body"] for r in graph.accepted]
    assert len(texts) == 160 and len(set(texts)) == 160  # every message, none twice
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == 160
    for recipient, records in arrivals(graph).items():
        assert [r["body"]["text"]["body"].split(":")[1] for r in records] == ["0", "1", "2", "3"], recipient
        for earlier, later in zip(records, records[1:], strict=False):
            assert later["at"] >= earlier["answered"]  # never two in flight to one citizen


def test_many_messages_are_in_flight_at_once_and_a_citizens_go_one_after_another(desk, graph):
    graph.delay = 0.25  # the Cloud API's latency
    queue(desk, citizens=60, each=2)
    started = time.monotonic()
    work()
    took = time.monotonic() - started
    assert len(graph.accepted) == 120
    assert took < 6  # one at a time would take 30 s
    for records in arrivals(graph).values():
        assert [r["body"]["text"]["body"].split(":")[1] for r in records] == ["0", "1"]
        assert records[1]["at"] >= records[0]["answered"]


def test_a_number_is_kept_to_its_rate_set_in_the_admin(desk, graph):
    desk.messages_per_second = 20
    desk.save()
    queue(desk, citizens=50)
    work()
    times = sorted(r["at"] for r in graph.accepted)
    assert len(times) == 50
    assert times[-1] - times[0] >= 49 / 20 * 0.9  # at 80 a second they would take 0.6 s
    busiest = max(sum(1 for t in times if start <= t < start + 1) for start in times)
    assert busiest <= 23  # 20 a second, with a thread woken late now and then


def test_a_sender_woken_late_does_not_send_a_burst_beyond_the_rate(desk, graph):
    """WhatsApp counts any second: slots missed while the sender's thread was held up go spread out."""
    desk.messages_per_second = 20
    desk.save()
    queue(desk, citizens=40)
    sender = outbox.Sender()
    sender.pump(timezone.now())  # a second's worth claimed and scheduled
    time.sleep(0.7)  # the thread held up (the database's write slot, a busy machine)
    work(sender=sender)
    times = sorted(r["at"] for r in graph.accepted)
    assert len(times) == 40
    busiest = max(sum(1 for t in times if start <= t < start + 1) for start in times)
    assert busiest <= 22  # 20 a second (paced at 18.6); a burst of the late ones would make about 30


def test_a_429_pauses_its_number_for_retry_after_while_the_other_number_goes_on(desk, graph, office):
    other = BusinessNumber.objects.create(office=office, phone_number_id="1200", display_number="0811-2")
    graph.throttled_number, graph.throttle_next, graph.retry_after = "/1100/", 1, 2
    queue(desk, citizens=10)
    queue(other, citizens=10, start=100)
    work()
    throttled = next(r for r in graph.received if r.get("throttled"))
    # Sent after the 429 was answered, leaving 0.25 s for a send already on its way as it came back.
    desk_after = [
        r["at"] for r in graph.accepted if "/1100/" in r["path"] and r["at"] > throttled["answered"] + 0.25
    ]
    other_numbers = [r["at"] for r in graph.accepted if "/1200/" in r["path"]]
    assert len(graph.accepted) == 20  # the refused one went again, once
    assert min(desk_after) >= throttled["answered"] + 1.9  # the number rested for Retry-After
    assert max(other_numbers) < throttled["answered"] + 1.5  # the other number did not wait
    desk.refresh_from_db()
    assert desk.paused_until is not None


def test_a_pair_limit_holds_only_that_citizens_messages_in_order_and_the_number_goes_on(desk, graph):
    graph.throttled_number, graph.throttle_next, graph.retry_after = "/1100/", 1, 2
    graph.throttle_kind = "pair"  # 131056: too many messages to one citizen in a short time
    queue(desk, citizens=10, each=2)
    work()
    throttled = next(r for r in graph.received if r.get("throttled"))
    held = throttled["body"]["to"]
    per = arrivals(graph)
    assert sum(len(records) for records in per.values()) == 20  # the refused one went again, once
    assert [r["body"]["text"]["body"].split(":")[1] for r in per[held]] == ["0", "1"]
    assert per[held][0]["at"] >= throttled["answered"] + 1.9  # that citizen waited for Retry-After
    others = [r["at"] for to, records in per.items() if to != held for r in records]
    assert max(others) < throttled["answered"] + 1.5  # everyone else's went on at once
    desk.refresh_from_db()
    assert desk.paused_until is None  # the number itself was never paused


def test_a_throughput_error_sent_as_http_400_is_tried_again_not_refused(desk, graph):
    """Meta names its limits by error code; a 130429 may come with HTTP 400, and is not a refusal."""
    answers = iter([(400, {"error": {"code": 130429, "message": "(#130429) Rate limit hit"}})])

    def handler(request: httpx.Request) -> httpx.Response:
        status, payload = next(answers, (200, {"messages": [{"id": "wamid.ok"}]}))
        return httpx.Response(status, json=payload)

    queue(desk, citizens=1)
    client = httpx.Client(transport=httpx.MockTransport(handler))
    outbox.deliver_due(client=client)
    message = OutboxMessage.objects.get()
    assert message.status == OutboxStatus.PENDING and "number limit" in message.last_error
    desk.refresh_from_db()
    assert desk.paused_until is not None
    outbox.deliver_due(
        now=max(desk.paused_until, message.next_attempt_at) + dt.timedelta(seconds=1), client=client
    )
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT


def test_a_limit_uses_up_no_attempt_and_a_message_held_back_by_limits_a_day_is_given_up(desk, graph):
    graph.throttled_number, graph.throttle_next, graph.retry_after = "/1100/", 1, 1
    queue(desk, citizens=1)
    outbox.deliver_due()
    message = OutboxMessage.objects.get()
    assert message.status == OutboxStatus.PENDING and message.attempts == 0  # "not now" is no failure
    graph.throttle_next = 1
    outbox.deliver_due(now=message.created_at + dt.timedelta(hours=25))
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED and len(graph.accepted) == 0


def test_an_outcome_that_comes_after_another_worker_took_the_message_again_changes_nothing(desk):
    queue(desk, citizens=1)
    sender = outbox.Sender()
    try:
        [(message, _delay)] = sender._claim(desk.phone_number_id, timezone.now())
    finally:
        sender.close()
    retaken = timezone.now() + outbox.LEASE * 2  # its lease ran out and another worker claimed it
    OutboxMessage.objects.filter(pk=message.pk).update(lease_until=retaken)
    record_outcome(message, Outcome("retry", error="HTTP 503", status=503), timezone.now())
    row = OutboxMessage.objects.get()
    assert row.status == OutboxStatus.SENDING and row.lease_until == retaken and row.attempts == 0
