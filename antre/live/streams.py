"""Server-sent event streams: the office board for displays, and one ticket for its holder."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from antre import clock
from antre.live.hub import Batch, events_since, frame, hub, in_thread

KEEPALIVE_SECONDS = 15.0
RETRY_MS = 3000
REPLAY_LIMIT = 200


def parse_last_event_id(raw: str | None) -> int | None:
    try:
        value = int(raw) if raw else None
    except ValueError:
        return None
    return value if value is not None and value >= 0 else None


async def _batches(feed_sub) -> AsyncIterator[Batch | None]:
    """Batches as they come; None every keep-alive interval; ends when the client is too slow."""
    _feed, subscriber = feed_sub
    while not subscriber.overflowed:
        batch = None
        # asyncio.timeout, not wait_for: wait_for wraps every wait in a task of its own, and with
        # thousands of displays that is most of the cost of delivering one call.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(KEEPALIVE_SECONDS):
                batch = await subscriber.queue.get()
        yield batch


async def office_stream(office_id: int, board_now, last_event_id: int | None) -> AsyncIterator[bytes]:
    """Board events of one office. A display that reconnects gets the calls it missed, then lives on."""
    feed, subscriber = await hub.subscribe(office_id)
    try:
        yield f"retry: {RETRY_MS}\n\n".encode()
        sent = feed.last_seq
        missed = None
        if last_event_id is not None and last_event_id <= feed.last_seq:
            missed = await in_thread(events_since, office_id, last_event_id, REPLAY_LIMIT)
        if missed and len(missed) < REPLAY_LIMIT:
            now = clock.now()
            for event in missed:
                # Marked as a replay, with its age by the server's clock: a display decides whether a
                # missed call is still worth announcing without trusting its own clock.
                age = int((now - event["created_at"]).total_seconds())
                data = {**event["data"], "replayed": True, "age_s": age}
                yield frame(id=event["seq"], event=event["kind"], data=data)
                sent = event["seq"]
        else:
            board = await in_thread(board_now)
            yield frame(id=sent, event="board", data=board)
        async for batch in _batches((feed, subscriber)):
            if batch is None:
                yield b": keep-alive\n\n"
                continue
            for event in batch.events:
                if event["seq"] > sent:
                    yield batch.frame(event)
                    sent = event["seq"]
    finally:
        hub.unsubscribe(feed, subscriber)


async def ticket_stream(office_id: int, token: str, ticket_now, positions_of) -> AsyncIterator[bytes]:
    """One ticket's state: position as the queue moves, and the call with its counter.

    `ticket_now()` reads the ticket's state; `positions_of(office_id)` every waiting ticket's position.
    """
    feed, subscriber = await hub.subscribe(office_id, positions=positions_of)
    try:
        yield f"retry: {RETRY_MS}\n\n".encode()
        state = await in_thread(ticket_now)
        yield frame(id=feed.last_seq, event="ticket", data=state)
        last_progress = (state.get("position"), state.get("estimated_call_at"))
        async for batch in _batches((feed, subscriber)):
            if batch is None:
                yield b": keep-alive\n\n"
                continue
            seq = batch.events[-1]["seq"]
            if any(event["ticket"] == token for event in batch.events):
                state = await in_thread(ticket_now)
                yield frame(id=seq, event="ticket", data=state)
                last_progress = (state.get("position"), state.get("estimated_call_at"))
            elif batch.positions is not None and token in batch.positions:
                progress = batch.positions[token]
                now = (progress["position"], progress["estimated_call_at"])
                if now != last_progress:
                    yield frame(id=seq, event="progress", data=progress)
                    last_progress = now
    finally:
        hub.unsubscribe(feed, subscriber, positions=True)
