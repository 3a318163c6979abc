"""Citizen pages: choose a service, book, follow and cancel a ticket. Work without JavaScript."""

from __future__ import annotations

import datetime as dt
import functools

import segno
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from antre import clock
from antre.errors import Refusal
from antre.links import public_url
from antre.live import voice
from antre.live.models import LiveEvent
from antre.offices import calendar, sources
from antre.offices.models import Office, Session
from antre.people.rules import mask_nik
from antre.queueing import arrivals, calling, forecasting, limits, services, tickets
from antre.queueing.days import day_rooms
from antre.queueing.forms import BookingForm
from antre.queueing.models import Status, Ticket
from antre.queueing.sessions import DayRoom


def home(request: HttpRequest) -> HttpResponse:
    offices = list(Office.objects.all())
    if len(offices) == 1:
        return redirect("queueing:services", office=offices[0].slug)
    return render(request, "queueing/home.html", {"offices": offices})


@sources.remembers_query  # a poster's link: the booking that follows carries its tag
def choose_service(request: HttpRequest, office: str) -> HttpResponse:
    office_obj = get_object_or_404(Office, slug=office)
    timezone.activate(office_obj.tzinfo)
    items = office_obj.services.filter(active=True).prefetch_related("requirements")
    return render(
        request,
        "queueing/services.html",
        {"office": office_obj, "services": items, "opening": calendar.opening(office_obj, now=clock.now())},
    )


@require_http_methods(["GET", "POST"])
@sources.remembers_query
def book(request: HttpRequest, office: str, code: str) -> HttpResponse:
    office_obj = get_object_or_404(Office, slug=office)
    timezone.activate(office_obj.tzinfo)
    try:
        service = services.find_service(office_obj, code)
    except Refusal:
        return render(request, "queueing/not_found.html", {"office": office_obj}, status=404)
    if not service.is_bookable:
        return render(request, "queueing/online_only.html", {"office": office_obj, "service": service})
    days = day_rooms(service)
    form = BookingForm(request.POST or None)
    refusal = None
    if request.method == "POST":
        try:
            client = limits.check_citizen(request, office_obj, service.code, proof=request.POST.get("proof"))
            day, session = _parse_slot(request.POST.get("date"), request.POST.get("session"))
            book_this = functools.partial(
                services.book_ticket,
                office=office_obj,
                service_code=service.code,
                name=request.POST.get("name", ""),
                nik=request.POST.get("nik", ""),
                phone=request.POST.get("phone", ""),
                day=day,
                session=session,
                priority=request.POST.get("priority", ""),
                source=sources.from_request(request),
                client=client,
            )
            booking = _book_once(book_this, request.POST.get("form_id") or None)
        except Refusal as exc:
            if exc.code == "confirmation_required":  # held until its code comes from the phone
                context = {"office": office_obj, "service": service, "message": exc.message, **exc.extra}
                return render(request, "queueing/confirm.html", context)
            refusal = exc
            days = day_rooms(service)  # the quota may have changed meanwhile
        else:
            return redirect("queueing:ticket", token=booking.ticket.token)
    return render(
        request,
        "queueing/book.html",
        {
            "office": office_obj,
            "service": service,
            **_day_choices(days, chosen := _chosen_slot(request, days)),
            "chosen": chosen,
            "form": form,
            "refusal": refusal,
            "field_errors": refusal.fields if refusal else {},
            "form_id": _form_id(request, refusal),
            "opening": calendar.opening(office_obj, now=clock.now()),
            # Asked for only when booking from here looks abnormal: static/antre/proof.js solves it.
            "challenge": refusal.extra.get("challenge") if refusal else None,
        },
        status=refusal.status if refusal else 200,
    )


def _book_once(book_this, form_id: str | None) -> services.Booking:
    """Book with the form's key; the same form sent again with other data (Back, then booking for a
    relative) is a new booking, not a retry."""
    try:
        return book_this(idempotency_key=form_id)
    except Refusal as exc:
        if exc.code != "idempotency_key_reused":
            raise
        return book_this(idempotency_key=services.new_form_id())


def _form_id(request: HttpRequest, refusal: Refusal | None) -> str:
    """Keep the form's key across a refused attempt, so the booking that follows is still one booking."""
    return request.POST.get("form_id") or services.new_form_id()


def _parse_slot(raw: str | None, session: str | None) -> tuple[dt.date | None, str | None]:
    """The day, and the session asked for, from the form: "2026-12-07", or "2026-12-07T08:00" for
    the session starting at 08.00 that day (one radio button each; a `session` field also serves)."""
    day, _sep, starts = (raw or "").partition("T")
    if not day:
        return None, session or None
    try:
        return dt.date.fromisoformat(day), starts or session or None
    except ValueError:
        raise Refusal(
            "invalid_fields",
            _("Periksa kembali isian yang ditandai."),
            status=422,
            fields={"date": _("Pilih tanggal kunjungan dari daftar.")},
        ) from None


def slot_value(day: dt.date, session: Session | None = None) -> str:
    """A day, or a session of it, as the form's radio button sends it (_parse_slot reads it back)."""
    return f"{day.isoformat()}T{session.key}" if session else day.isoformat()


def _day_list(days: dict[dt.date, DayRoom]) -> list[dict]:
    """The form's days, each with its radio value and places left, and its open sessions alike."""
    return [
        {
            "day": day,
            "left": room.left,
            "kept": room.kept,
            "value": slot_value(day),
            "sessions": [
                {
                    "session": session,
                    "left": left,
                    "own_quota": session.pk in room.limited,
                    "value": slot_value(day, session),
                }
                for session, left in room.sessions
            ],
        }
        for day, room in days.items()
    ]


FIRST_DAYS = 3  # days shown open on the form; the later ones fold away


def _day_choices(days: dict[dt.date, DayRoom], chosen: str) -> dict:
    """The form's days: the first few open, the later ones folded (open if one of them is chosen)."""
    listed = _day_list(days)
    later = listed[FIRST_DAYS:]
    values = {d["value"] for d in later} | {s["value"] for d in later for s in d["sessions"]}
    return {
        "days": listed,
        "days_first": listed[:FIRST_DAYS],
        "days_more": later,
        "more_open": chosen in values,
    }


def _chosen_slot(request: HttpRequest, days: dict[dt.date, DayRoom]) -> str:
    """The radio button checked: what was sent, else the first day (and its session) with room."""
    if sent := request.POST.get("date"):
        return sent
    day = next((day for day, room in days.items() if room.left), None)
    if day is None:
        return ""
    return slot_value(day, days[day].first_session_with_room())


def _ticket_context(request: HttpRequest, ticket: Ticket) -> dict:
    timezone.activate(ticket.office.tzinfo)
    url = public_url(reverse("queueing:ticket", args=[ticket.token]), request)  # printed, scanned by phones
    # A viewBox and no fixed size: the code scales to whatever box the page or the slip gives it.
    qr = segno.make(url, error="m").svg_inline(omitsize=True, dark="#111", title=ticket.number)
    turned_away = ticket.status == Status.TURNED_AWAY
    where, told = tickets.outlook(ticket)
    why = forecasting.explain(ticket) if where.position else None
    return {
        "come_at": arrivals.current(ticket, clock.now()),
        "why": forecasting.reasons(why, ticket.office) if why else "",
        "ticket": ticket,
        "office": ticket.office,
        "progress": where,
        "guidance": told,
        "requirements": ticket.service.requirements.all(),
        "stepped_out": ticket.has_stepped_out,
        "screening": ticket.screenings.first() if turned_away else None,
        "book_url": public_url(reverse("queueing:services", args=[ticket.office.slug]), request),
        "qr_svg": mark_safe(qr),  # noqa: S308 (made by segno from our own URL)
        "masked_nik": mask_nik(ticket.nik),
        "invited_until": tickets.invited_until(ticket),
        "status_labels": {value: str(label) for value, label in Status.choices},
        "url": url,
    }


def ticket_page(request: HttpRequest, token: str) -> HttpResponse:
    ticket = get_object_or_404(Ticket.objects.select_related("office", "service", "session"), token=token)
    context = _ticket_context(request, ticket) | {"office_closed": _closed_that_day(ticket)}
    return render(request, "queueing/ticket.html", context)


def _closed_that_day(ticket: Ticket):
    """The closed day that cancelled this ticket (antre.queueing.closures), if one did."""
    if ticket.status != Status.CANCELLED:
        return None
    return ticket.office.closed_days.filter(date=ticket.day).first()


@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    ticket = get_object_or_404(Ticket.objects.select_related("office", "service", "session"), token=token)
    if request.method == "POST":
        try:
            services.cancel_ticket(token=token)
        except Refusal as exc:
            context = _ticket_context(request, ticket) | {"refusal": exc}
            return render(request, "queueing/cancel.html", context, status=409)
        return redirect("queueing:ticket", token=token)
    return render(request, "queueing/cancel.html", _ticket_context(request, ticket))


def print_ticket(request: HttpRequest, token: str) -> HttpResponse:
    """The ticket on 58-mm paper through the browser's print dialog (a thermal printer as a system printer)."""
    ticket = get_object_or_404(Ticket.objects.select_related("office", "service", "session"), token=token)
    return render(request, "queueing/print.html", _ticket_context(request, ticket))


def display(request: HttpRequest, office: str) -> HttpResponse:
    """The waiting-room TV: current call in large type, recent calls, people inside, running text, voice."""
    office_obj = get_object_or_404(Office, slug=office)
    timezone.activate(office_obj.tzinfo)
    board = calling.board(office_obj)
    current, recent = calling.big_panel(board)
    return render(
        request,
        "queueing/display.html",
        {
            "office": office_obj,
            "board": board,
            "current": current,
            "recent": recent,
            # Codes, short enough for a TV's side column: KTP, KK, CAPIL, ... as the office says them.
            "waits": sorted(board["waits"].items()),
        },
    )


def announcement_audio(request: HttpRequest, office: str, seq: int) -> FileResponse:
    """The spoken announcement of one call event, made on the server with espeak-ng and cached."""
    event = get_object_or_404(LiveEvent, office__slug=office, seq=seq, kind="call")
    path = voice.speech_wav(event.data.get("say", ""))
    if path is None:
        raise Http404("no speech engine")
    return FileResponse(path.open("rb"), content_type="audio/wav", headers={"Cache-Control": "max-age=86400"})
