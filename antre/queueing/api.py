"""Ticket endpoints: book (with Idempotency-Key), look up, cancel."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import get_script_prefix, reverse
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from antre import clock, proofofwork
from antre.api_errors import FORM_TYPES, ErrorOut, is_json, not_json
from antre.db import hot
from antre.links import public_url
from antre.offices.models import Counter, Office, Service, Session
from antre.people import rules as people
from antre.people.apiauth import request_user, staff_auth
from antre.people.staff_requests import StaffApiRequest
from antre.queueing import arrivals, calling, limits, services, staffing, tickets
from antre.queueing.catalogue_api import CounterOut, counter_out
from antre.queueing.models import Ticket

router = Router(tags=["antrean"])


def _max_length(model, field: str) -> int:
    return model._meta.get_field(field).max_length


class TicketIn(Schema):
    # The limits of what is typed (people.rules) and of the columns: too long is a 422 naming the
    # field, before anything is normalised or looked up.
    service: str = Field(max_length=_max_length(Service, "code"))
    name: str = Field("", max_length=people.NAME_MAX)
    nik: str = Field("", max_length=people.NIK_TYPED_MAX)
    phone: str | None = Field(None, max_length=people.PHONE_TYPED_MAX)
    date: dt.date | None = None
    session: str | None = Field(
        None,
        max_length=5,
        description="The session of the day, by its start time `HH:MM` (see the service's `sessions`). "
        "Without one, the first session of the day with room (today: one not yet ended). On a day "
        "the office does not divide into sessions, a session is refused as `invalid_fields`.",
    )
    channel: str = Field("web", max_length=_max_length(Ticket, "channel"))
    priority: str | None = Field(None, max_length=_max_length(Ticket, "priority"))
    source: str = Field(
        "",
        max_length=200,
        description="Where the citizen came from, as printed on the office's posters and letters: "
        "`desa-<village code>`, `kec-<kecamatan code>` or `s-<short link>`. Optional; a tag of any "
        "other shape is ignored, never refused.",
    )


class SessionOut(Schema):
    """The session of the day a ticket is for: come in between `starts` and `ends` (office time)."""

    name: str = Field(description="May be empty.")
    starts: str = Field(description="`HH:MM`, office-local; names the session on its day.")
    ends: str = Field(description="`HH:MM`, office-local.")


def session_out(session: Session | None) -> SessionOut | None:
    if session is None:
        return None
    return SessionOut.model_construct(name=session.name, starts=session.key, ends=f"{session.ends:%H:%M}")


class TicketOut(Schema):
    id: str
    number: str
    service: str
    date: dt.date
    session: SessionOut | None = Field(description="Null on a day the office does not divide into sessions.")
    status: str
    position: int | None
    estimated_call_at: dt.datetime | None
    come_at: dt.datetime | None = Field(
        description="When to arrive, for a ticket booked from home (web, WhatsApp): chosen so that "
        "there is room inside and the wait is short. It moves as the day goes, earlier by at most the "
        "office's margin from what was told at booking. Null once inside, and for walk-ins."
    )
    counter: int | None
    url: str


def ticket_out(request: HttpRequest, ticket: Ticket, progress: tickets.Progress | None = None) -> TicketOut:
    booked_now = progress is not None  # the booking's own answer: the time it has just told
    progress = progress or tickets.progress(ticket)
    come_at = ticket.come_at if booked_now else arrivals.current(ticket, clock.now())
    # Constructed, not validated: every value below already has its field's type, and each booking's
    # answer is built here, so checking them again would only slow every booking down.
    return TicketOut.model_construct(
        id=ticket.token,
        number=ticket.number,
        service=ticket.service.code,
        date=ticket.day,
        session=session_out(ticket.session),  # no query when it has none, or when booked just now
        status=ticket.status,
        position=progress.position,
        estimated_call_at=progress.estimated_call_at,
        come_at=come_at.astimezone(ticket.office.tzinfo) if come_at else None,
        counter=ticket.counter.number if ticket.counter else None,  # no query when it has none
        url=public_url(ticket_path(ticket.token), request),  # a kiosk prints it as a QR code
    )


_TICKET_PATHS: dict[str, list[str]] = {}


def ticket_path(token: str) -> str:
    """The ticket page's path, as reverse() gives it, without walking the URL patterns each time."""
    prefix = get_script_prefix()  # per request: a deployment under a sub-path has its own
    if prefix not in _TICKET_PATHS:
        marker = "TOKEN0MARKER"
        _TICKET_PATHS[prefix] = reverse("queueing:ticket", args=[marker]).split(marker)
    return token.join(_TICKET_PATHS[prefix])


@router.post(
    "/offices/{office}/tickets",
    response={
        201: TicketOut,
        202: ErrorOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        415: ErrorOut,
        422: ErrorOut,
        428: ErrorOut,
        429: ErrorOut,
    },
    summary="Ambil nomor antrean",
    description=(
        "Send an `Idempotency-Key` header to retry safely: the same key with the same body returns the "
        "ticket of the first attempt (header `Idempotent-Replayed: true`). `channel=walk_in` is for staff. "
        "A full session is refused with `session_full` (409), naming the next place with room in "
        "`next_available_session` (`HH:MM` or null) and `next_available_date`; a session asked for "
        "that has ended, with `session_ended` (409), alike.\n\n"
        "A staff token that has expired or was "
        "revoked by a password change is refused with `token_expired` or `token_revoked` (401).\n\n"
        "A citizen's booking (no token) is limited per minute (`rate_limited`, 429) and per day "
        "(`budget_exhausted`, 429: per NIK, per phone, per client address, and one address's share of "
        "a service-day; `budget` says which, `retry_on` the first day it may book again, null for the "
        "share). When booking from its address or for its service looks abnormal it is refused with "
        "`proof_required` (428) carrying a `challenge`: find a `nonce` such that "
        "SHA-256(`salt` + ':' + nonce) starts with `difficulty` zero bits, and send the same request "
        "again with the header `Antre-Proof: <salt>:<difficulty>:<signature>:<nonce>` (each challenge "
        "once, within 10 minutes). Bookings for the days ahead stop short of the share of each day "
        "the service keeps for the day itself (`quota_full`).\n\n"
        "Where the office has a WhatsApp number, only a share of each service-day (20 % by default) may "
        "be taken by citizens' bookings without a token (whatever `channel` they claim) whose phone is not confirmed. Past it a citizen's "
        "booking is held, taking no place yet: 202 `confirmation_required` with a `confirmation` "
        "(`code`, the `text` to send, the `whatsapp` number, a wa.me `link`, `expires_at`, 30 minutes "
        "on). The citizen sends the text from the phone given, and the ticket comes back over "
        "WhatsApp if a place is left; the same `Idempotency-Key` again gets the same code. Such a booking "
        "without a phone is refused with `phone_required` (422)."
    ),
)
def create_ticket(request: HttpRequest, response: HttpResponse, office: str, payload: TicketIn):
    office_obj = hot.first(Office, "slug = %s", [office])
    if office_obj is None:
        raise Http404
    booking = book(request, office_obj, payload, staff=request_user(request))
    if not booking.created:
        response.headers["Idempotent-Replayed"] = "true"
    return Status(201, ticket_out(request, booking.ticket, booking.progress))


def book(request: HttpRequest, office: Office, payload: TicketIn, *, staff) -> services.Booking:
    """The booking behind POST …/tickets, shared with the fast lane (antre.transport.fastlane)."""
    client = None
    if staff is None:
        proof = request.headers.get(proofofwork.HEADER)
        client = limits.check_citizen(request, office, payload.service, proof=proof)
    return services.book_ticket(
        office=office,
        service_code=payload.service,
        name=payload.name,
        nik=payload.nik,
        phone=payload.phone or "",
        day=payload.date,
        session=payload.session,
        channel=payload.channel,
        priority=payload.priority or "",
        source=payload.source,
        idempotency_key=(request.headers.get("Idempotency-Key") or "").strip() or None,
        issued_by=staff,
        client=client,
    )


@router.get(
    "/tickets/{ticket_id}",
    response={200: TicketOut, 400: ErrorOut, 404: ErrorOut},
    summary="Lihat nomor antrean",
)
def get_ticket(request: HttpRequest, ticket_id: str):
    ticket = get_object_or_404(
        Ticket.objects.select_related("service", "office", "counter", "session"), token=ticket_id
    )
    return ticket_out(request, ticket)


@router.delete(
    "/tickets/{ticket_id}",
    response={200: TicketOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Batalkan nomor antrean",
)
def cancel_ticket(request: HttpRequest, ticket_id: str):
    ticket = services.cancel_ticket(token=ticket_id)
    return ticket_out(request, ticket)


class StaffTicketOut(TicketOut):
    """A ticket as the counter officer sees it: the full name, to call and check the person."""

    name: str
    priority: str
    recalls: int


def _transfer_service(request: HttpRequest) -> str:
    if (request.content_type or "").startswith(FORM_TYPES):
        return request.POST.get("service", "")
    if not request.body:
        return ""
    if not is_json(request):
        raise not_json()
    try:
        body = json.loads(request.body)
    except ValueError:
        raise HttpError(400, "invalid JSON") from None
    return str(body.get("service", "")) if isinstance(body, dict) else ""


def staff_ticket_out(request: HttpRequest, ticket: Ticket) -> StaffTicketOut:
    base = ticket_out(request, ticket)
    return StaffTicketOut(**base.dict(), name=ticket.name, priority=ticket.priority, recalls=ticket.recalls)


@router.post(
    "/counters/{counter_id}/call-next",
    auth=staff_auth,
    response={
        200: StaffTicketOut,
        204: None,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="Panggil berikutnya",
    description="Priority visitors first, then the longest waiting among the counter's services. 204 when nobody waits; "
    "409 `closed_day` on a day the office is closed (the counter is not opened).",
)
def call_next(request: StaffApiRequest, counter_id: int):
    counter = get_object_or_404(Counter.objects.select_related("office"), pk=counter_id)
    ticket = calling.call_next(counter=counter, officer=request.auth)
    if ticket is None:
        return Status(204, None)
    return staff_ticket_out(request, ticket)


# 422: a counter id that is not a number.
_COUNTER_RESPONSES = {
    200: CounterOut,
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


def _staff_counter(
    request: StaffApiRequest, counter_id: int, verb: Callable[..., staffing.CounterState]
) -> CounterOut:
    counter = get_object_or_404(Counter.objects.filter(active=True).select_related("office"), pk=counter_id)
    return counter_out(counter, verb(counter=counter, officer=request.auth))


@router.post(
    "/counters/{counter_id}/open",
    auth=staff_auth,
    response=_COUNTER_RESPONSES,
    summary="Buka loket",
    description="A shift of the counter begins: the office's real staffing (SPEC §7). Already open: "
    "unchanged. Calling the next citizen also opens a counter that is not open.",
)
def open_counter(request: StaffApiRequest, counter_id: int):
    return _staff_counter(request, counter_id, staffing.open_counter)


@router.post(
    "/counters/{counter_id}/pause",
    auth=staff_auth,
    response=_COUNTER_RESPONSES,
    summary="Istirahatkan loket",
    description="A break: the counter's shift ends now. Already on a break: unchanged. 409 `counter_busy` "
    "while a citizen is still called or served there, 409 `counter_closed` when it is not open.",
)
def pause_counter(request: StaffApiRequest, counter_id: int):
    return _staff_counter(request, counter_id, staffing.pause_counter)


@router.post(
    "/counters/{counter_id}/close",
    auth=staff_auth,
    response=_COUNTER_RESPONSES,
    summary="Tutup loket",
    description="The counter closes (its shift ends). Already closed: unchanged. 409 `counter_busy` while a "
    "citizen is still called or served there. Counters left open close by themselves when the day's "
    "serving time is over.",
)
def close_counter(request: StaffApiRequest, counter_id: int):
    return _staff_counter(request, counter_id, staffing.close_counter)


@router.post(
    "/tickets/{ticket_id}/{action}",
    auth=staff_auth,
    response={
        200: StaffTicketOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        415: ErrorOut,
        422: ErrorOut,
    },
    summary="Aksi loket pada nomor antrean",
    description="action: `recall` (again; a no-show rejoins once, at the back), `start`, `finish`, `no-show`, "
    "`transfer` (body `{service}`).",
)
def ticket_action(request: StaffApiRequest, ticket_id: str, action: str):
    # The body is optional (only transfer has one), so it is read here rather than declared:
    # a bodiless POST from a console or a curl must not be refused as unreadable JSON.
    verb = calling.counter_verb(action, service_code=_transfer_service(request))
    ticket = verb(token=ticket_id, officer=request.auth)
    ticket = Ticket.objects.select_related("service", "office", "counter", "session").get(pk=ticket.pk)
    return staff_ticket_out(request, ticket)


@router.get(
    "/offices/{office}/board",
    response={200: dict, 400: ErrorOut, 404: ErrorOut},
    summary="Isi layar ruang tunggu",
)
def get_board(request: HttpRequest, office: str) -> dict:
    return calling.board(get_object_or_404(Office, slug=office))
