"""A lean ASGI path for the two SSE endpoints, in front of Django.

Through Django's request handling every open stream would keep a thread of its own (the sync
middleware's thread-sensitive context lives as long as the response), which costs hundreds of KB
and scheduling time per display. Here a stream is two small asyncio tasks: thousands of displays and
phones fit in one process. Everything else goes to Django unchanged.
"""

from __future__ import annotations

import asyncio
import json
import re
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async
from django.utils.translation import gettext

from antre.live import streams
from antre.queueing import live

OFFICE_EVENTS = re.compile(r"^/api/v1/offices/(?P<slug>[-\w]+)/events/?$")
TICKET_EVENTS = re.compile(r"^/api/v1/tickets/(?P<token>[-\w]+)/events/?$")

SSE_HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-cache, no-transform"),
    (b"x-accel-buffering", b"no"),
]


def with_live_streams(django_app):
    async def app(scope, receive, send):
        if scope["type"] == "http" and scope["method"] == "GET":
            path = scope["path"]
            if match := OFFICE_EVENTS.match(path):
                return await _office(scope, receive, send, match["slug"])
            if match := TICKET_EVENTS.match(path):
                return await _ticket(scope, receive, send, match["token"])
        return await django_app(scope, receive, send)

    return app


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _query(scope, name: str) -> str | None:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get(name)
    return values[0] if values else None


async def _office(scope, receive, send, slug: str) -> None:
    office_id = await sync_to_async(live.office_id_for, thread_sensitive=False)(slug)
    if office_id is None:
        return await _not_found(send)
    last = streams.parse_last_event_id(_header(scope, b"last-event-id") or _query(scope, "last_event_id"))
    await _stream(receive, send, streams.office_stream(office_id, live.board_reader(office_id), last))


async def _ticket(scope, receive, send, token: str) -> None:
    office_id = await sync_to_async(live.office_id_of_ticket, thread_sensitive=False)(token)
    if office_id is None:
        return await _not_found(send)
    await _stream(
        receive, send, streams.ticket_stream(office_id, token, live.ticket_reader(token), live.positions_of)
    )


async def _not_found(send) -> None:
    body = json.dumps({"error": {"code": "not_found", "message": gettext("Data tidak ditemukan.")}}).encode()
    await send(
        {"type": "http.response.start", "status": 404, "headers": [(b"content-type", b"application/json")]}
    )
    await send({"type": "http.response.body", "body": body})


async def _stream(receive, send, chunks) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": SSE_HEADERS})

    async def pump():
        async for chunk in chunks:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})

    async def until_disconnected():
        while (await receive())["type"] != "http.disconnect":
            pass

    tasks = {asyncio.ensure_future(pump()), asyncio.ensure_future(until_disconnected())}
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await chunks.aclose()
