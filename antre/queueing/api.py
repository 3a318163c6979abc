"""Ticket endpoints: book (with Idempotency-Key), look up, cancel."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Router, Schema, Status

from antre.api import ErrorOut, request_user
from antre.offices.models import Office
from antre.queueing import services
from antre.queueing.models import Ticket

router = Router(tags=["antrean"])


class TicketIn(Schema):
    service: str
    name: str = ""
    nik: str = ""
    phone: str | None = None
    date: dt.date | None = None
    channel: str = "web"
    priority: str | None = None


class TicketOut(Schema):
    id: str
    number: str
    service: str
    date: dt.date
    status: str
    position: int | None
    estimated_call_at: dt.datetime | None
    counter: int | None
    url: str


def ticket_out(request: HttpRequest, ticket: Ticket) -> TicketOut:
    progress = services.progress(ticket)
    return TicketOut(
        id=ticket.token,
        number=ticket.number,
        service=ticket.service.code,
        date=ticket.day,
        status=ticket.status,
        position=progress.position,
        estimated_call_at=progress.estimated_call_at,
        counter=None,
        url=request.build_absolute_uri(reverse("queueing:ticket", args=[ticket.token])),
    )


@router.post(
    "/offices/{office}/tickets",
    response={201: TicketOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Ambil nomor antrean",
    description=(
        "Send an `Idempotency-Key` header to retry safely: the same key with the same body returns the "
        "ticket of the first attempt (header `Idempotent-Replayed: true`). `channel=walk_in` is for staff."
    ),
)
def create_ticket(request: HttpRequest, response: HttpResponse, office: str, payload: TicketIn):
    office_obj = get_object_or_404(Office, slug=office)
    booking = services.book_ticket(
        office=office_obj,
        service_code=payload.service,
        name=payload.name,
        nik=payload.nik,
        phone=payload.phone or "",
        day=payload.date,
        channel=payload.channel,
        priority=payload.priority or "",
        idempotency_key=(request.headers.get("Idempotency-Key") or "").strip()[:100] or None,
        issued_by=request_user(request),
    )
    if not booking.created:
        response.headers["Idempotent-Replayed"] = "true"
    return Status(201, ticket_out(request, booking.ticket))


@router.get("/tickets/{ticket_id}", response={200: TicketOut, 404: ErrorOut}, summary="Lihat nomor antrean")
def get_ticket(request: HttpRequest, ticket_id: str):
    ticket = get_object_or_404(Ticket.objects.select_related("service", "office"), token=ticket_id)
    return ticket_out(request, ticket)


@router.delete(
    "/tickets/{ticket_id}",
    response={200: TicketOut, 404: ErrorOut, 409: ErrorOut},
    summary="Batalkan nomor antrean",
)
def cancel_ticket(request: HttpRequest, ticket_id: str):
    ticket = services.cancel_ticket(token=ticket_id)
    return ticket_out(request, ticket)
