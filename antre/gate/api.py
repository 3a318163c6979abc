"""The gate API of SPEC §6: entries (screen and admit) and exits."""

from __future__ import annotations

from typing import Annotated

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from antre.api_errors import ErrorOut
from antre.gate import lookup, services
from antre.offices.models import Office
from antre.people.apiauth import staff_auth
from antre.people.staff_requests import StaffApiRequest

router = Router(tags=["pintu"])


class EntryIn(Schema):
    ticket: str = Field(max_length=lookup.TICKET_REF_MAX)
    temperature_c: float | Annotated[str, Field(max_length=lookup.TEMPERATURE_TYPED_MAX)] | None = Field(
        None,
        description="Required, except for a citizen back from stepping out within the office's "
        "`rescreen_after_minutes`, who comes in again without a second screening.",
    )
    mask: bool = False
    hands_washed: bool = False


class EntryOut(Schema):
    admitted: bool
    reason: str | None = None
    number: str
    inside: int
    capacity: int


class ExitIn(Schema):
    ticket: str = Field(max_length=lookup.TICKET_REF_MAX)
    going_home: bool = Field(
        False,
        description="Only when the citizen goes home for good: the number is cancelled. Without it, "
        "a citizen not yet served steps out and keeps the number (back to `booked`).",
    )


class OccupancyOut(Schema):
    number: str
    status: str
    inside: int
    capacity: int


@router.post(
    "/offices/{office}/gate/entries",
    auth=staff_auth,
    response={
        201: EntryOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        415: ErrorOut,
        422: ErrorOut,
    },
    summary="Pemeriksaan dan masuk",
    description="`ticket` is the ticket id, today's number (`A-012`) or the QR code's URL, as a scanner types it. "
    "At or above the office's fever threshold the citizen is turned away (`admitted: false, reason: fever`) and "
    "the screening is kept. Otherwise admitted while there is room; 409 `capacity_full` when full.",
)
def gate_entry(request: StaffApiRequest, office: str, payload: EntryIn):
    office_obj = get_object_or_404(Office, slug=office)
    if payload.temperature_c is None:
        entry = services.readmit(office=office_obj, ticket_ref=payload.ticket, officer=request.auth)
    else:
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
    response={
        200: OccupancyOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        415: ErrorOut,
        422: ErrorOut,
    },
    summary="Catat keluar",
    description="A citizen not yet served (waiting inside, or called) steps out and keeps the number: "
    "the ticket goes back to `booked` and the gate admits it again on return. `going_home: true` ends it.",
)
def gate_exit(request: StaffApiRequest, office: str, payload: ExitIn):
    office_obj = get_object_or_404(Office, slug=office)
    entry = services.record_exit(
        office=office_obj, ticket_ref=payload.ticket, officer=request.auth, going_home=payload.going_home
    )
    return OccupancyOut(
        number=entry.ticket.number, status=entry.ticket.status, inside=entry.inside, capacity=entry.capacity
    )
