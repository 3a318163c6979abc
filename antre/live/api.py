"""SSE endpoints of SPEC §6, documented in the OpenAPI with the rest of the API."""

from __future__ import annotations

from django.http import Http404, HttpRequest, StreamingHttpResponse
from ninja import Router

from antre.live import streams
from antre.offices.models import Office
from antre.queueing.models import Ticket

router = Router(tags=["langsung"])


def _sse(stream) -> StreamingHttpResponse:
    response = StreamingHttpResponse(stream, content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache, no-transform"
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
    office_obj = await Office.objects.filter(slug=office).afirst()
    if office_obj is None:
        raise Http404
    from antre.queueing.calling import board

    last = streams.parse_last_event_id(
        request.headers.get("Last-Event-ID") or request.GET.get("last_event_id")
    )
    return _sse(
        streams.office_stream(office_obj.pk, lambda: board(Office.objects.get(pk=office_obj.pk)), last)
    )


@router.get(
    "/tickets/{ticket_id}/events",
    summary="Perubahan satu nomor antrean (SSE)",
    description="`text/event-stream`: `ticket` (status, counter, position) and `progress` (position and "
    "estimate as the queue moves). On reconnect the current state is sent first.",
)
async def ticket_events(request: HttpRequest, ticket_id: str):
    ticket = await Ticket.objects.filter(token=ticket_id).afirst()
    if ticket is None:
        raise Http404

    def ticket_now() -> dict:
        from antre.queueing.services import ticket_state

        return ticket_state(ticket_id)

    return _sse(streams.ticket_stream(ticket.office_id, ticket_id, ticket_now))
