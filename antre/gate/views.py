"""Gate pages for petugas pintu: scan or type a ticket, screen, admit, record exits, issue walk-in tickets."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from antre import clock
from antre.audit import services as audit
from antre.audit.models import Action as Audited
from antre.errors import Refusal
from antre.gate import lookup, printing, services
from antre.links import public_url
from antre.offices import calendar
from antre.offices.models import Office
from antre.people import authorizers
from antre.people.models import User
from antre.people.staff_requests import StaffRequest
from antre.queueing import calling
from antre.queueing import services as booking
from antre.queueing.forms import BookingForm
from antre.queueing.life import Action
from antre.queueing.models import Priority, Status, Ticket


def _gate_office(request: HttpRequest, slug: str) -> Office | None:
    office = get_object_or_404(Office, slug=slug)
    return office if authorizers.may_screen(request.user, office) else None


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "gate/forbidden.html", status=403)


@login_required
def gate_home(request: StaffRequest) -> HttpResponse:
    office = request.user.office or Office.objects.order_by("pk").first()
    if office is None:
        return _forbidden(request)
    return redirect("gate:gate", office=office.slug)


@login_required
@require_http_methods(["GET", "POST"])
def gate(request: StaffRequest, office: str) -> HttpResponse:
    office_obj = _gate_office(request, office)
    if office_obj is None:
        return _forbidden(request)
    timezone.activate(office_obj.tzinfo)
    if request.method == "POST":
        return _act(request, office_obj)
    return _page(request, office_obj, request.GET.get("q", "").strip(), confirm=request.GET.get("konfirmasi"))


def _page(
    request: HttpRequest,
    office: Office,
    query: str,
    *,
    refusal: Refusal | None = None,
    data=None,
    confirm: str | None = None,
) -> HttpResponse:
    """The gate with the ticket found by `query`, and what the officer may do with it now."""
    now = clock.now()
    today = office.local_today(now)
    ticket = None
    if query:
        try:
            ticket = lookup.find_ticket(office, query, today=today)
        except Refusal as exc:
            refusal = refusal or exc
    context = {
        "office": office,
        "ticket_max": lookup.TICKET_REF_MAX,
        "temperature_max": lookup.TEMPERATURE_TYPED_MAX,
        "board": calling.board(office, now=now),
        "opening": calendar.opening(office, now=now),
        "query": ticket.number if ticket else query[: lookup.TICKET_REF_MAX],  # never a raw id
        "ticket": ticket,
        "refusal": refusal,
        "field_errors": refusal.fields if refusal else {},
        "data": data or {},
    }
    if ticket:
        context |= _what_now(ticket, office, today, now) | {"confirm_home": confirm == "pulang"}
        with transaction.atomic():
            # The page shows the full name: the head of office sees who looked whom up at the door.
            officer = request.user if isinstance(request.user, User) else None
            audit.record_ticket(ticket, office, officer, Audited.VIEW_TICKET, now, via="gate")
    return render(request, "gate/gate.html", context, status=refusal.status if refusal and data else 200)


def _what_now(ticket: Ticket, office: Office, today, now) -> dict:
    """Which of the gate's actions fit this ticket at this moment."""
    if ticket.day != today:
        return {"other_day": True}
    out = ticket.has_stepped_out
    inside = ticket.is_inside and ticket.is_active
    life = {"today": today, "gate": office.gate_enabled}
    return {
        "other_day": False,
        "inside": inside,
        "stepped_out": out,
        "may_return": services.may_return_unscreened(ticket, office, now),
        "may_screen": ticket.next_status(Action.ADMIT, **life) is not None,
        "not_served_yet": ticket.next_status(Action.STEP_OUT, **life) is not None,
        "turned_away": ticket.status == Status.TURNED_AWAY,
    }


def _act(request: StaffRequest, office: Office) -> HttpResponse:
    action = request.POST.get("action")
    ref = request.POST.get("ticket", "")
    back = reverse("gate:gate", args=[office.slug])
    try:
        if action in ("exit", "home"):
            going_home = action == "home" and request.POST.get("confirm") == "yes"
            if action == "home" and not going_home:
                return redirect(
                    f"{back}?q={lookup.find_ticket(office, ref, today=office.local_today()).number}&konfirmasi=pulang"
                )
            entry = services.record_exit(
                office=office, ticket_ref=ref, officer=request.user, going_home=going_home
            )
            messages.success(request, _exit_message(entry) % _counts(entry))
            return redirect(back)
        if action == "return":
            entry = services.readmit(office=office, ticket_ref=ref, officer=request.user)
        else:
            entry = services.screen(
                office=office,
                ticket_ref=ref,
                temperature_c=request.POST.get("temperature_c", ""),
                mask=request.POST.get("mask") == "on",
                hands_washed=request.POST.get("hands_washed") == "on",
                officer=request.user,
            )
    except Refusal as refusal:
        # The same page again, with the field marked and what was typed kept.
        return _page(request, office, ref, refusal=refusal, data=request.POST)
    if entry.admitted:
        messages.success(
            request, _("%(number)s boleh masuk. Di dalam: %(inside)s/%(capacity)s.") % _counts(entry)
        )
        return redirect(back)
    return redirect("gate:advice", office=office.slug, token=entry.ticket.token)


def _exit_message(entry: services.Entry) -> str:
    if entry.ticket.status == Status.CANCELLED:
        return _("%(number)s pulang; nomornya dibatalkan. Di dalam: %(inside)s/%(capacity)s.")
    if entry.ticket.status == Status.BOOKED:
        return _(
            "%(number)s keluar sebentar; nomornya tetap berlaku dan ia boleh masuk lagi. "
            "Di dalam: %(inside)s/%(capacity)s."
        )
    return _("%(number)s keluar. Di dalam: %(inside)s/%(capacity)s.")


def _counts(entry: services.Entry) -> dict:
    return {"number": entry.ticket.number, "inside": entry.inside, "capacity": entry.capacity}


@login_required
def advice(request: StaffRequest, office: str, token: str) -> HttpResponse:
    """What a citizen turned away at the door is told (shown, and printable)."""
    office_obj = _gate_office(request, office)
    if office_obj is None:
        return _forbidden(request)
    ticket = get_object_or_404(Ticket, office=office_obj, token=token, status=Status.TURNED_AWAY)
    return render(
        request,
        "gate/advice.html",
        {
            "office": office_obj,
            "ticket": ticket,
            "screening": ticket.screenings.first(),
            # Printed on the advice: the address citizens reach, not the gate tablet's.
            "book_url": public_url(reverse("queueing:services", args=[office_obj.slug]), request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def walk_in(request: StaffRequest, office: str) -> HttpResponse:
    """A ticket for a citizen without a phone, in the same queue; printed on the spot."""
    office_obj = _gate_office(request, office)
    if office_obj is None:
        return _forbidden(request)
    services_offered = office_obj.services.bookable()
    refusal = None
    if request.method == "POST":
        try:
            issued = booking.book_ticket(
                office=office_obj,
                service_code=request.POST.get("service", ""),
                name=request.POST.get("name", ""),
                nik=request.POST.get("nik", ""),
                priority=request.POST.get("priority", ""),
                channel="walk_in",
                issued_by=request.user,
                # A double tap sends the form twice with one key: one ticket, not two.
                idempotency_key=request.POST.get("form_id") or None,
            )
        except Refusal as exc:
            refusal = exc
        else:
            if issued.created:
                _print(request, issued.ticket)
            return redirect("gate:walk_in_ticket", office=office_obj.slug, token=issued.ticket.token)
    return render(
        request,
        "gate/walk_in.html",
        {
            "office": office_obj,
            "services": services_offered,
            "form": BookingForm(),  # the same name and NIK as a booking, with the same limits
            "priorities": Priority.choices,
            "refusal": refusal,
            "field_errors": refusal.fields if refusal else {},
            "data": request.POST,
            "form_id": request.POST.get("form_id") or booking.new_form_id(),
        },
        status=refusal.status if refusal else 200,
    )


def _print(request: HttpRequest, ticket: Ticket) -> bool:
    """Print on the office's network printer when there is one; the page says how it went."""
    if not ticket.office.printer_address:
        return False
    url = public_url(reverse("queueing:ticket", args=[ticket.token]), request)
    try:
        printing.print_ticket(ticket, url)
    except printing.PrintFailed:
        messages.error(request, _("Printer tidak dapat dihubungi. Periksa printer, lalu tekan Cetak ulang."))
        return False
    messages.success(request, _("Karcis %(number)s dicetak.") % {"number": ticket.number})
    return True


@login_required
@require_http_methods(["GET", "POST"])
def walk_in_ticket(request: StaffRequest, office: str, token: str) -> HttpResponse:
    office_obj = _gate_office(request, office)
    if office_obj is None:
        return _forbidden(request)
    ticket = get_object_or_404(
        Ticket.objects.select_related("service", "office"), office=office_obj, token=token
    )
    if request.method == "POST":  # reprint
        _print(request, ticket)
        return redirect("gate:walk_in_ticket", office=office_obj.slug, token=token)
    return render(request, "gate/walk_in_ticket.html", {"office": office_obj, "ticket": ticket})


def outdoor(request: HttpRequest, office: str) -> HttpResponse:
    """The display outside the door: who may come in now, and how full it is inside."""
    office_obj = get_object_or_404(Office, slug=office)
    board = calling.board(office_obj)
    door = board["door"]
    return render(
        request,
        "gate/outdoor.html",
        {
            "office": office_obj,
            "board": board,
            "door_message": _door_message(office_obj, door),
            "door_quiet": door["state"] in ("before", "after", "closed_day"),
        },
    )


def _door_message(office: Office, door: dict) -> str:
    """What the screen outside says about the door (outdoor.js says the same as it changes)."""
    at = ""
    if door["at"]:
        moment = dt.datetime.fromisoformat(door["at"]).astimezone(office.tzinfo)
        at = f"{moment:%H.%M} {office.tz_label}"
    return {
        "before": _("Pintu masuk dibuka pukul {time}."),
        "break": _("Istirahat. Pintu masuk dibuka lagi pukul {time}."),
        "last_call": _(
            "Hari ini tidak ada undangan masuk lagi. Warga yang sudah diundang tetap boleh masuk sampai pukul {time}."
        ),
        "after": _("Layanan hari ini sudah selesai. Terima kasih."),
        "closed_day": _("Kantor tutup hari ini."),
    }.get(door["state"], "").replace("{time}", at)
