"""Outgoing WhatsApp messages: written in the transaction of the change, sent by the worker.

A slow or failing provider never blocks a request. Each message has a dedupe key, so one event is
queued once. The worker's sender claims messages per business number (SELECT … FOR UPDATE SKIP
LOCKED on PostgreSQL, then marked "sending" for a lease: two workers never hold one message), at
most as many as the number's rate allows in the next second, each given a sending slot from the
number's row (shared by every worker), and sends them from a pool of threads, many in flight at
once. A citizen's messages go one at a time in the order they were written: one is claimed only
when no earlier one to the same recipient is waiting or in flight. WhatsApp's throughput limit
(130429, or a bare 429) pauses its number for Retry-After (other numbers go on); its pair limit
(131056: too many to one citizen) holds only that citizen's messages, which stay in order. On a failure a message is tried again later with back-off, until
WhatsApp accepts it (or refuses it for good, the attempts run out, or it is too late to be worth
telling): nothing is lost while the provider is down.

Delivery is at least once, not exactly once. When WhatsApp accepts a message but the worker never
records it as sent, because it stopped first (the message goes again once its lease is over) or
the answer was lost on the network (tried again like any failure), the citizen gets it twice.
"""

from __future__ import annotations

import datetime as dt
import heapq
import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait

import httpx
from django.conf import settings
from django.db import IntegrityError, close_old_connections, transaction
from django.db.models import Exists, OuterRef, Q

from antre import clock
from antre.whatsapp import sending
from antre.whatsapp.models import BusinessNumber, Desk, OutboxMessage, OutboxStatus
from antre.whatsapp.recording import PAUSE, record_outcome
from antre.whatsapp.sending import Outcome

log = logging.getLogger(__name__)

PACE = 0.93  # of a number's rate: WhatsApp counts any second as the messages reach it, a little
# bunched on the way; at its full rate a few of every second's would come back 130429 (bench/whatsapp.py)
START_AHEAD = 0.3  # seconds before its moment a message goes to a thread of the pool, which waits for it
AHEAD = dt.timedelta(seconds=1)  # sending slots a number's claim takes ahead of now
CLAIM_EVERY = 0.2  # seconds between a number's claims: each looks through all that waits
MOST = 500  # messages a claim looks at: more than a second of the highest tier's
SENDERS = 96  # threads: 80 a second, each waiting up to START_AHEAD and then up to 400 ms: 56, and room
LEASE = dt.timedelta(minutes=5)  # longer than any send (1 s in the schedule, a request, an upload on a slow
# line); a crashed worker's messages, and the citizen's later ones behind them, go again after it
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
    body = template_body(template, params)
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


def template_body(template: str, params: list[str]) -> dict:
    """An approved template's message, in Indonesian, with its body's parameters in order."""
    return {
        "type": "template",
        "template": {
            "name": template,
            "language": {"code": "id"},
            "components": [{"type": "body", "parameters": [{"type": "text", "text": p} for p in params]}],
        },
    }


def enqueue_session(
    *, phone_number_id: str, to: str, body: dict, key: str, conversation=None, by=None
) -> bool:
    """Queue a message of a conversation (inside the 24-hour window: text, lists, buttons, a document;
    or an officer's template at any time); once per key."""
    try:
        with transaction.atomic():
            OutboxMessage.objects.create(
                dedupe_key=key,
                phone_number_id=phone_number_id,
                to=to,
                body=body,
                template=body["template"]["name"] if body.get("type") == "template" else "",
                conversation=conversation,
                by=by,
            )
    except IntegrityError:
        return False
    return True


def _due(now: dt.datetime):
    return Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=OutboxStatus.SENDING, lease_until__lt=now
    )


def _claimable(phone_number_id: str, now: dt.datetime):
    """Due messages of a number whose recipient has no earlier message waiting or in flight."""
    earlier = OutboxMessage.objects.filter(
        to_hash=OuterRef("to_hash"),
        pk__lt=OuterRef("pk"),
        status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING],
    )
    return (
        OutboxMessage.objects.filter(_due(now), phone_number_id=phone_number_id)
        .exclude(Exists(earlier))
        .order_by("pk")
    )


class Sender:
    """Claims, sends concurrently and records; `pump` is one round, called again and again.

    Claimed messages wait in a schedule for their slot; only then does a thread of the pool take one
    (so the threads are busy with requests, not with waiting)."""

    def __init__(
        self, client: httpx.Client | None = None, senders: int = SENDERS, claim_every: float = CLAIM_EVERY
    ) -> None:
        self.claim_every = claim_every
        self.senders = senders
        limits = httpx.Limits(max_connections=senders, max_keepalive_connections=senders)
        self.own_client = client is None
        self.client = client or httpx.Client(timeout=10, limits=limits)
        self.pool = ThreadPoolExecutor(senders, thread_name_prefix="antre-wa-send")
        self.scheduled: list[tuple[float, int, OutboxMessage]] = []  # a heap: (monotonic slot, pk, message)
        self.in_flight: dict[Future, OutboxMessage] = {}
        self.held: list[OutboxMessage] = []  # their number was paused before their slot came
        self.paused: dict[str, float] = {}  # number -> monotonic time: told by a 429 in this process
        self.slots: dict[str, dt.datetime] = {}  # for messages of a number no longer in the admin
        self.next_claim: dict[str, float] = {}  # number -> monotonic time of its next claim
        self.rates: dict[str, float] = {}  # number -> messages a second it is paced at
        self.last_start: dict[str, float] = {}  # number -> monotonic moment of its latest send
        self.claimed_at: dict[int, float] = {}  # message pk -> monotonic moment of its claim
        self.next_record = 0.0  # outcomes are recorded together, as often as claims are made
        self.numbers: set[str] = set()  # numbers with messages due, and when to look again
        self.next_look = 0.0

    @property
    def busy(self) -> bool:
        return bool(self.scheduled or self.in_flight or self.held)

    def close(self) -> None:
        self.pool.shutdown(wait=True)
        if self.own_client:
            self.client.close()

    def pump(self, now: dt.datetime) -> int:
        """Record what has been sent, claim what may go in the next second, and start what is due;
        returns how many were sent."""
        sent = 0
        if time.monotonic() >= self.next_record:
            sent = self.record(now)
            self.next_record = time.monotonic() + self.claim_every
        if time.monotonic() >= self.next_look:  # a look through all that waits: as often as claims
            self.numbers = set(
                OutboxMessage.objects.filter(_due(now)).values_list("phone_number_id", flat=True).distinct()
            )
            self.next_look = time.monotonic() + self.claim_every
        for phone_number_id in self.numbers:
            if self.paused.get(phone_number_id, 0) > time.monotonic():
                continue
            if len(self.scheduled) + len(self.in_flight) >= 2 * self.senders:
                break  # the pool is behind (a slow provider): claim again once it catches up
            for message, delay in self._claim(phone_number_id, now):
                heapq.heappush(self.scheduled, (time.monotonic() + delay, message.pk, message))
        self.start_due()
        return sent

    def start_due(self) -> None:
        """Hand the pool each message whose slot is within START_AHEAD, with the moment to send it:
        its slot, or 1/pace after this worker's previous start for the number when that is later.
        A thread woken late (the database's write slot, a busy machine) thus starts the late slots'
        messages spaced out rather than in one burst that WhatsApp would count in one second (and
        answer 130429), as long as the pool has free threads (claims stop while it has none); how
        often this thread wakes does not bound the rate, as the pool's threads wait for the moment
        themselves. Two workers each keep their own spacing, within the slots the number's row
        shares out."""
        config = settings.WHATSAPP
        horizon = time.monotonic() + START_AHEAD
        while self.scheduled and self.scheduled[0][0] <= horizon:
            slot, pk, message = heapq.heappop(self.scheduled)
            number = message.phone_number_id
            if self.paused.get(number, 0) > time.monotonic():
                self.held.append(message)
                continue
            spaced = self.last_start.get(number, 0.0) + 1 / self.rates.get(number, 80 * PACE)
            start = max(slot, spaced, time.monotonic())  # a late slot's message goes now, or after
            if start > horizon:
                heapq.heappush(self.scheduled, (start, pk, message))
                continue
            try:
                file = sending.attachment(message.body)
            except Exception:  # the database gone mid-failover: the message goes back, in order
                log.warning("reading outbox message %s's attachment failed; it waits", message.pk)
                self.held.append(message)
                continue
            self.last_start[number] = start
            self.in_flight[self.pool.submit(self._send, config, message, file, start)] = message

    def drain(self, now: dt.datetime) -> int:
        while self.scheduled:
            time.sleep(max(0.0, self.scheduled[0][0] - time.monotonic()))
            self.start_due()
        wait(list(self.in_flight))
        return self.record(now)

    def record(self, now: dt.datetime) -> int:
        finished = [f for f in self.in_flight if f.done()]
        held, self.held = self.held, []
        if not finished and not held:
            return 0
        done = held + [self.in_flight[f] for f in finished]
        with transaction.atomic():  # one commit for many: on SQLite each commit holds the write slot
            for message in held:
                record_outcome(message, Outcome("held"), now)
            sent = sum(record_outcome(self.in_flight.pop(f), f.result(), now) for f in finished)
        for message in done:
            self.claimed_at.pop(message.pk, None)
        return sent

    def _claim(self, phone_number_id: str, now: dt.datetime) -> list[tuple[OutboxMessage, float]]:
        """Up to a second's worth of the number's messages, each with its delay until its slot."""
        if self.next_claim.get(phone_number_id, 0) > time.monotonic():
            return []
        self.next_claim[phone_number_id] = time.monotonic() + self.claim_every
        # Found before the transaction, which on SQLite holds the write slot: only their ids are
        # locked and claimed in it. An earlier message of a recipient never turns waiting again
        # once sent, so what was found stays in order.
        found = list(_claimable(phone_number_id, now).values_list("pk", flat=True)[:MOST])
        if not found:
            return []
        with transaction.atomic():
            number = (
                BusinessNumber.objects.select_for_update().filter(phone_number_id=phone_number_id).first()
            )
            if number is not None and number.paused_until and number.paused_until > now:
                return []
            rate = (number.messages_per_second if number is not None else 80) * PACE
            self.rates[phone_number_id] = rate
            last = number.next_slot_at if number is not None else self.slots.get(phone_number_id)
            start = max(now, last or now)
            room = int((now + AHEAD - start).total_seconds() * rate)
            if room <= 0:
                return []
            claimed = list(
                OutboxMessage.objects.filter(_due(now), pk__in=found[:room])
                .select_for_update(skip_locked=True)
                .order_by("pk")
            )
            # Conditional: on SQLite (no row locks, one worker) it still never takes a message twice.
            OutboxMessage.objects.filter(_due(now), pk__in=[m.pk for m in claimed]).update(
                status=OutboxStatus.SENDING, lease_until=now + LEASE
            )
            for message in claimed:  # as the row now says: the outcome is written only while it does
                message.status, message.lease_until = OutboxStatus.SENDING, now + LEASE
                self.claimed_at[message.pk] = time.monotonic()
            slot = dt.timedelta(seconds=1 / rate)
            if number is not None:
                number.next_slot_at = start + slot * len(claimed)
                number.save(update_fields=["next_slot_at"])
            else:
                self.slots[phone_number_id] = start + slot * len(claimed)
        base = (start - now).total_seconds()
        return [(m, base + i / rate) for i, m in enumerate(claimed)]

    def _send(self, config: dict, message: OutboxMessage, file: bytes | None, start: float) -> Outcome:
        time.sleep(max(0.0, start - time.monotonic()))
        if time.monotonic() > self.claimed_at.get(message.pk, time.monotonic()) + LEASE.total_seconds() - 30:
            return Outcome("held")  # its lease nearly over: another worker may take it, so not this one
        if self.paused.get(message.phone_number_id, 0) > time.monotonic():
            return Outcome("held")  # a 429 came while it waited for its slot
        outcome = sending.post(self.client, config, message.phone_number_id, message.to, message.body, file)
        if outcome.pauses_number:
            until = time.monotonic() + (outcome.wait or PAUSE)
            self.paused[message.phone_number_id] = max(self.paused.get(message.phone_number_id, 0.0), until)
        return outcome


def deliver_due(*, now: dt.datetime | None = None, client: httpx.Client | None = None) -> int:
    """Send what is due now (up to a second's worth per number) and wait for it; returns how many were sent."""
    if not _ready():
        return 0
    now = now or clock.now()
    _expire(now)
    sender, sent = Sender(client, claim_every=0), 0
    try:
        while True:  # a citizen's next message is due once the one before it is sent
            sent += sender.pump(now)
            if not sender.busy:
                return sent
            sent += sender.drain(now)
    finally:
        sender.close()


def run_forever(stop: threading.Event) -> None:
    """The worker's sender: claims and sends continuously, so that slots are filled at the number's rate."""
    sender, expired_at = Sender(), 0.0
    try:
        while not stop.is_set():
            try:
                close_old_connections()
                if not _ready():
                    stop.wait(2)
                    continue
                now = clock.now()
                if time.monotonic() - expired_at > 1:
                    _expire(now)
                    expired_at = time.monotonic()
                sender.pump(now)
            except Exception:
                log.exception("the WhatsApp sender failed; it goes on")
                stop.wait(2)
            stop.wait(0.01 if sender.busy else 0.1)
        sender.drain(clock.now())
    finally:
        sender.close()


def _ready() -> bool:
    if not settings.WHATSAPP["token"]:
        # Without a token the Cloud API refuses every message (401), and each refusal would count
        # as an attempt: they stay pending instead, and go once the token is set. The admin says why.
        _tell_once_no_token()
        return False
    return True


def _expire(now: dt.datetime) -> None:
    # Told too late is told wrong ("come in by 08.10" the next day): such messages are not sent.
    OutboxMessage.objects.filter(status=OutboxStatus.PENDING, expires_at__lte=now).update(
        status=OutboxStatus.FAILED, last_error=EXPIRED
    )


_told = False


def _tell_once_no_token() -> None:
    global _told
    if not _told and OutboxMessage.objects.filter(status=OutboxStatus.PENDING).exists():
        _told = True
        log.warning("ANTRE_WHATSAPP_TOKEN is not set: WhatsApp messages wait unsent until it is")
