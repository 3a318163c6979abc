"""The SSE endpoints of SPEC §6 as Django views, documented in the OpenAPI with the rest of the API.

Under `antre serve` the same streams are answered by antre.transport.sse before Django is reached
(a thread-free path for thousands of displays). These views need an ASGI server too: under WSGI
Django would read the endless stream into memory.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.http import Http404, HttpRequest, StreamingHttpResponse
from ninja import Router

from antre.live import streams
from antre.queueing import live

router = Router(tags=["langsung"])


def _sse(stream) -> StreamingHttpResponse:
    response = StreamingHttpResponse(stream, content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-store, no-transform"  # a ticket's stream is its holder's alone
    response["X-Accel-Buffering"] = "no"  # nginx: pass events on at once
    return response


@router.get(
    "/offices/{office}/events",
    summary="Peristiwa layar (SSE)",
    description="`text/event-stream`: `board` (the whole board), `call` (a call or recall, with the board), "
    "`update` (other changes). Each event has an `id:`; send it back as `Last-Event-ID` (or `?last_event_id=`) "
    "to receive the events missed while away.",
)
async def office_events(request: HttpRequest, office: str):
    office_id = await sync_to_async(live.office_id_for, thread_sensitive=False)(office)
    if office_id is None:
        raise Http404
    last = streams.parse_last_event_id(
        request.headers.get("Last-Event-ID") or request.GET.get("last_event_id")
    )
    return _sse(streams.office_stream(office_id, live.board_reader(office_id), last))


@router.get(
    "/tickets/{ticket_id}/events",
    summary="Perubahan satu nomor antrean (SSE)",
    description="`text/event-stream`: `ticket` (status, counter, position) and `progress` (position and "
    "estimate as the queue moves). On reconnect the current state is sent first.",
)
async def ticket_events(request: HttpRequest, ticket_id: str):
    office_id = await sync_to_async(live.office_id_of_ticket, thread_sensitive=False)(ticket_id)
    if office_id is None:
        raise Http404
    return _sse(streams.ticket_stream(office_id, ticket_id, live.ticket_reader(ticket_id), live.positions_of))
