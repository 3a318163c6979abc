"""The help desk page: find a ticket by number or NIK, send its link again or print it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from antre import clock
from antre.errors import Refusal
from antre.offices.models import Office
from antre.people import authorizers
from antre.people.rules import mask_phone
from antre.people.staff_requests import StaffRequest
from antre.queueing import helpdesk


@login_required
def desk_home(request: StaffRequest) -> HttpResponse:
    office = request.user.office or Office.objects.order_by("pk").first()
    if office is None:
        refusal = Refusal("not_found", _("Belum ada kantor."), status=404)
        return render(request, "queueing/helpdesk_forbidden.html", {"refusal": refusal}, status=404)
    return redirect("queueing:helpdesk", office=office.slug)


SEARCH_KEY = "helpdesk_query"  # kept in the session: a NIK in the address would land in logs and history


@login_required
@require_http_methods(["GET", "POST"])
def desk(request: StaffRequest, office: str) -> HttpResponse:
    office_obj = get_object_or_404(Office, slug=office)
    try:
        authorizers.require(authorizers.may_use_helpdesk, request.user, office_obj)
    except Refusal as refused:
        return render(request, "queueing/helpdesk_forbidden.html", {"refusal": refused}, status=403)
    timezone.activate(office_obj.tzinfo)
    here = reverse("queueing:helpdesk", args=[office_obj.slug])
    if request.method == "POST":
        if request.POST.get("action") == "search":
            request.session[SEARCH_KEY] = (request.POST.get("q") or "").strip()[:40]
        else:
            _resend(request, office_obj)
        return redirect(here)
    query = request.session.get(SEARCH_KEY, "")
    found, refusal = [], None
    if query:
        try:
            found = helpdesk.find_tickets(
                office=office_obj, query=query, officer=request.user, now=clock.now()
            )
        except Refusal as exc:
            refusal = exc
    rows = [{"ticket": t, "phone": mask_phone(t.phone) if t.phone else ""} for t in found]
    return render(
        request,
        "queueing/helpdesk.html",
        {"office": office_obj, "query": query, "rows": rows, "refusal": refusal, "searched": bool(query)},
        status=refusal.status if refusal else 200,
    )


def _resend(request: StaffRequest, office: Office) -> None:
    """Send a ticket's link again; the page says how it went."""
    try:
        ticket = helpdesk.resend_link(
            office=office, token=request.POST.get("ticket", ""), officer=request.user, request=request
        )
    except Refusal as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            _("Tautan %(number)s dikirim lagi lewat WhatsApp ke %(phone)s.")
            % {"number": ticket.number, "phone": mask_phone(ticket.phone)},
        )
