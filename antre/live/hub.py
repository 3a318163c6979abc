"""The per-process fan-out: one database read per office per change, shared by every open stream.

Streams (SSE responses) subscribe to an office feed. When the feed is woken — after a commit in
this process, by PostgreSQL NOTIFY from another process, or by a periodic safety poll — it reads
the new events once and hands them to every subscriber's queue. Ticket streams also get the
waiting positions, computed once per change for the whole office by the function the stream hands
in (the queue's, from antre.queueing.live: the hub is plumbing and knows no queue).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection

from antre.live import siblings
from antre.live.models import LiveEvent

CHANNEL = "antre_live"  # PostgreSQL NOTIFY: an office's events changed (the payload is its id)

log = logging.getLogger(__name__)

SAFETY_POLL_SECONDS = 10.0
# The longest wait between two attempts to LISTEN again: during a failover the listener finds the
# promoted standby within this much, then catches up on every feed.
LISTEN_RETRY_MAX_SECONDS = 2.0
T = TypeVar("T")


def frame(*, data: Any, event: str | None = None, id: int | None = None) -> bytes:
    lines = []
    if id is not None:
        lines.append(f"id: {id}")
    if event:
        lines.append(f"event: {event}")
    lines.append("data: " + json.dumps(data, separators=(",", ":"), ensure_ascii=False))
    return ("\n".join(lines) + "\n\n").encode()


@dataclass
class Batch:
    events: list[dict[str, Any]]
    positions: dict[str, dict[str, Any]] | None  # token -> {"position", "estimated_call_at"}
    frames: dict[int, bytes] = field(default_factory=dict)

    def frame(self, event: dict[str, Any]) -> bytes:
        """The SSE frame of an event, encoded once for all the displays that receive it."""
        encoded = self.frames.get(event["seq"])
        if encoded is None:
            encoded = self.frames[event["seq"]] = frame(
                id=event["seq"], event=event["kind"], data=event["data"]
            )
        return encoded


@dataclass(eq=False)
class Subscriber:
    queue: asyncio.Queue = field(default_factory=lambda: asyncio.Queue(maxsize=256))
    overflowed: bool = False

    def offer(self, batch: Batch) -> None:
        try:
            self.queue.put_nowait(batch)
        except asyncio.QueueFull:
            # A stuck client must not grow memory without bound; it is told to reconnect and
            # resumes from its Last-Event-ID, losing nothing.
            self.overflowed = True


@dataclass(eq=False)
class Feed:
    office_id: int
    last_seq: int = 0
    subscribers: set[Subscriber] = field(default_factory=set)
    positions: Callable[[int], dict[str, dict[str, Any]]] | None = None  # while a ticket page listens
    wants_positions: int = 0
    dirty: bool = False
    refreshing: bool = False
    task: asyncio.Task | None = None


def _event_dict(event: LiveEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "kind": event.kind,
        "data": event.data,
        "ticket": event.ticket_token,
        "created_at": event.created_at,
    }


def events_since(office_id: int, seq: int, limit: int = 500) -> list[dict[str, Any]]:
    rows = LiveEvent.objects.filter(office_id=office_id, seq__gt=seq).order_by("seq")[:limit]
    return [_event_dict(e) for e in rows]


def last_seq(office_id: int) -> int:
    row = LiveEvent.objects.filter(office_id=office_id).order_by("-seq").values_list("seq", flat=True).first()
    return row or 0


def _dropping_a_broken_connection(fn: Callable[..., T], *args: Any) -> T:
    try:
        return fn(*args)
    except DatabaseError:
        # Outside a request nothing else drops this thread's connection once the database has
        # closed it (a failover, a restart): every later read would fail on it. Django's check
        # closes it when it is broken, so the next read connects again.
        close_old_connections()
        raise


async def in_thread(fn: Callable[..., T], *args: Any) -> T:
    """fn(*args) in a worker thread (the SSE lane's reads); a broken connection is not kept."""
    return await sync_to_async(_dropping_a_broken_connection, thread_sensitive=False)(fn, *args)


def _read(office_id: int, seq: int, positions_of: Callable[[int], dict] | None) -> Batch:
    close_old_connections()
    events = events_since(office_id, seq)
    positions = positions_of(office_id) if events and positions_of else None
    return Batch(events=events, positions=positions)


class Hub:
    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.feeds: dict[int, Feed] = {}
        self._listener: asyncio.Task | None = None
        self._poller: asyncio.Task | None = None
        # The datagram socket other processes wake this one by (SQLite); False: tried, polling only.
        self._siblings: socket.socket | Literal[False] | None = None

    # -- called from request threads -------------------------------------------------------------
    def wake_threadsafe(self, office_id: int) -> None:
        loop = self.loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop is shutting down
            loop.call_soon_threadsafe(self.wake, office_id)

    # -- on the event loop -----------------------------------------------------------------------
    def _ensure_started(self) -> None:
        loop = asyncio.get_running_loop()
        if self.loop is not loop:
            if self.loop is not None:
                siblings.close(self.loop, self._siblings or None)
            self.loop = loop
            self.feeds = {}
            self._listener = self._poller = self._siblings = None
        if self._poller is None:
            self._poller = loop.create_task(self._poll_forever())
        if self._listener is None and connection.vendor == "postgresql":
            self._listener = loop.create_task(self._listen_forever())
        if self._siblings is None and connection.vendor == "sqlite":
            self._siblings = siblings.listen(loop, self.wake) or False

    async def subscribe(
        self, office_id: int, *, positions: Callable[[int], dict] | None = None
    ) -> tuple[Feed, Subscriber]:
        """Listen to an office's events; `positions` (the queue's, by token) is read with each batch."""
        self._ensure_started()
        feed = self.feeds.get(office_id)
        if feed is None:
            # A feed lives only while someone listens, so its last_seq is never stale.
            feed = Feed(office_id=office_id)
            feed.last_seq = await in_thread(last_seq, office_id)
            feed = self.feeds.setdefault(office_id, feed)
        subscriber = Subscriber()
        feed.subscribers.add(subscriber)
        if positions is not None:
            feed.positions = positions
            feed.wants_positions += 1
        return feed, subscriber

    def unsubscribe(self, feed: Feed, subscriber: Subscriber, *, positions: bool = False) -> None:
        feed.subscribers.discard(subscriber)
        feed.wants_positions -= 1 if positions else 0
        if feed.wants_positions == 0:
            feed.positions = None
        if not feed.subscribers and self.feeds.get(feed.office_id) is feed:
            del self.feeds[feed.office_id]

    def wake(self, office_id: int) -> None:
        feed = self.feeds.get(office_id)
        if feed is None or not feed.subscribers:
            return
        if feed.refreshing:
            feed.dirty = True
            return
        feed.refreshing = True
        feed.task = asyncio.get_running_loop().create_task(self._refresh(feed))

    async def _refresh(self, feed: Feed) -> None:
        try:
            while True:
                feed.dirty = False
                batch = await sync_to_async(_read, thread_sensitive=False)(
                    feed.office_id, feed.last_seq, feed.positions
                )
                if batch.events:
                    feed.last_seq = batch.events[-1]["seq"]
                    for subscriber in list(feed.subscribers):
                        subscriber.offer(batch)
                if not feed.dirty and len(batch.events) < 500:
                    break
        except Exception:
            log.exception("reading live events of office %s failed", feed.office_id)
        finally:
            feed.refreshing = False

    async def _poll_forever(self) -> None:
        """Safety net: a NOTIFY or datagram lost (a listener reconnecting, a full buffer) is picked up within seconds."""
        while True:
            await asyncio.sleep(SAFETY_POLL_SECONDS)
            for office_id in list(self.feeds):
                self.wake(office_id)

    async def _listen_forever(self) -> None:
        import psycopg  # lazy: only a PostgreSQL server listens for NOTIFY

        db = settings.DATABASES["default"]
        params = {
            "dbname": db["NAME"],
            "user": db.get("USER") or None,
            "password": db.get("PASSWORD") or None,
            "host": db.get("HOST") or None,
            "port": db.get("PORT") or None,
        }
        # libpq options such as sslmode apply here too; Django's own keys do not.
        django_only = {"pool", "isolation_level", "server_side_binding", "assume_role", "cursor_factory"}
        params.update({k: v for k, v in db.get("OPTIONS", {}).items() if k not in django_only})
        delay = 0.5
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    **{k: v for k, v in params.items() if v}, autocommit=True
                ) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    delay = 0.5
                    for office_id in list(self.feeds):  # catch up on what happened while away
                        self.wake(office_id)
                    async for note in conn.notifies():
                        with contextlib.suppress(ValueError):
                            self.wake(int(note.payload))
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database restarted or the network blinked
                log.warning("LISTEN %s lost (%s); reconnecting in %.1f s", CHANNEL, exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, LISTEN_RETRY_MAX_SECONDS)


hub = Hub()
