"""The gate API of SPEC §6: entries (screen and admit) and exits."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from antre.api import ErrorOut, staff_auth
from antre.gate import services
from antre.offices.models import Office

router = Router(tags=["pintu"])


class EntryIn(Schema):
    ticket: str
    temperature_c: float | str
    mask: bool = False
    hands_washed: bool = False


class EntryOut(Schema):
    admitted: bool
    reason: str | None = None
    number: str
    inside: int
    capacity: int


class ExitIn(Schema):
    ticket: str


class OccupancyOut(Schema):
    number: str
    inside: int
    capacity: int


@router.post(
    "/offices/{office}/gate/entries",
    auth=staff_auth,
    response={201: EntryOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Pemeriksaan dan masuk",
    description="`ticket` is the ticket id, today's number (`A-012`) or the QR code's URL, as a scanner types it. "
    "At or above the office's fever threshold the citizen is turned away (`admitted: false, reason: fever`) and "
    "the screening is kept. Otherwise admitted while there is room; 409 `capacity_full` when full.",
)
def gate_entry(request: HttpRequest, office: str, payload: EntryIn):
    office_obj = get_object_or_404(Office, slug=office)
    entry = services.screen(
        office=office_obj,
        ticket_ref=payload.ticket,
        temperature_c=payload.temperature_c,
        mask=payload.mask,
        hands_washed=payload.hands_washed,
        officer=request.auth,
    )
    return Status(
        201,
        EntryOut(
            admitted=entry.admitted,
            reason=entry.reason,
            number=entry.ticket.number,
            inside=entry.inside,
            capacity=entry.capacity,
        ),
    )


@router.post(
    "/offices/{office}/gate/exits",
    auth=staff_auth,
    response={200: OccupancyOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Catat keluar",
)
def gate_exit(request: HttpRequest, office: str, payload: ExitIn):
    office_obj = get_object_or_404(Office, slug=office)
    entry = services.record_exit(office=office_obj, ticket_ref=payload.ticket, officer=request.auth)
    return OccupancyOut(number=entry.ticket.number, inside=entry.inside, capacity=entry.capacity)
