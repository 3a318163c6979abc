"""A lean ASGI path for the two SSE endpoints, in front of Django.

Through Django's request handling every open stream would keep a thread of its own (the sync
middleware's thread-sensitive context lives as long as the response), which costs hundreds of KB
and scheduling time per display. Here a stream is two small asyncio tasks: thousands of displays and
phones fit in one process. Everything else goes to Django unchanged, and so does a stream's request
Django would refuse (a host not allowed, plain HTTP where HTTPS is required: antre.transport.guard);
the answers here carry the middleware stack's security headers.
"""

from __future__ import annotations

import asyncio
import json
import re
from urllib.parse import parse_qs

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext

from antre.live import streams
from antre.live.hub import in_thread
from antre.queueing import live
from antre.transport import guard

OFFICE_EVENTS = re.compile(r"^/api/v1/offices/(?P<slug>[-\w]+)/events/?$")
TICKET_EVENTS = re.compile(r"^/api/v1/tickets/(?P<token>[-\w]+)/events/?$")


def with_live_streams(django_app):
    async def app(scope, receive, send):
        if scope["type"] == "http" and scope["method"] == "GET":
            path = scope["path"]
            office, ticket = OFFICE_EVENTS.match(path), TICKET_EVENTS.match(path)
            if office or ticket:
                request = guard.request_for(scope)
                if guard.django_would_refuse(request):
                    return await django_app(scope, receive, send)
                if office:
                    return await _office(scope, receive, send, office["slug"], request)
                if ticket:
                    return await _ticket(scope, receive, send, ticket["token"], request)
        return await django_app(scope, receive, send)

    return app


def _headers(request: HttpRequest, response: HttpResponse) -> list[tuple[bytes, bytes]]:
    return guard.asgi_headers(guard.finish(request, response))


def _sse_headers(request: HttpRequest) -> list[tuple[bytes, bytes]]:
    response = HttpResponse(content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-store, no-transform"  # a ticket's stream is its holder's alone
    response["X-Accel-Buffering"] = "no"  # nginx: pass events on at once
    return _headers(request, response)


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _query(scope, name: str) -> str | None:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get(name)
    return values[0] if values else None


async def _office(scope, receive, send, slug: str, request: HttpRequest) -> None:
    office_id = await in_thread(live.office_id_for, slug)
    if office_id is None:
        return await _not_found(send, request)
    last = streams.parse_last_event_id(_header(scope, b"last-event-id") or _query(scope, "last_event_id"))
    await _stream(
        receive, send, streams.office_stream(office_id, live.board_reader(office_id), last), request
    )


async def _ticket(scope, receive, send, token: str, request: HttpRequest) -> None:
    office_id = await in_thread(live.office_id_of_ticket, token)
    if office_id is None:
        return await _not_found(send, request)
    chunks = streams.ticket_stream(office_id, token, live.ticket_reader(token), live.positions_of)
    await _stream(receive, send, chunks, request)


async def _not_found(send, request: HttpRequest) -> None:
    body = json.dumps({"error": {"code": "not_found", "message": gettext("Data tidak ditemukan.")}}).encode()
    headers = _headers(request, HttpResponse(body, status=404, content_type="application/json"))
    await send({"type": "http.response.start", "status": 404, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _stream(receive, send, chunks, request: HttpRequest) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": _sse_headers(request)})

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
