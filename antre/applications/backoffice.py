"""The back office for verifikator: the work list with its service-level clock, and one application."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from antre import clock
from antre.applications import pickup, review, rules, services
from antre.applications.models import Application, AppStatus, ResultKind
from antre.audit import services as audit
from antre.audit.models import Action as Audited
from antre.errors import Refusal
from antre.offices.calendar import calendar_of
from antre.offices.models import Office
from antre.people import authorizers
from antre.people.staff_requests import StaffRequest

OPEN = (AppStatus.SUBMITTED, AppStatus.IN_REVIEW, AppStatus.NEEDS_FIX, AppStatus.APPROVED)


def _office_or_403(request: StaffRequest) -> Office | None:
    return request.user.office if authorizers.may_use_back_office(request.user) else None


@login_required
def worklist(request: StaffRequest) -> HttpResponse:
    office = _office_or_403(request)
    if office is None:
        return render(request, "applications/forbidden.html", status=403)
    timezone.activate(office.tzinfo)
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    items = (
        Application.objects.filter(office=office)
        .select_related("kind", "assigned_to")
        .order_by("submitted_at")
    )
    items = items.filter(status=status) if status in AppStatus.values else items.filter(status__in=OPEN)
    if kind:
        items = items.filter(kind__code=kind)
    cal = calendar_of(office)
    today = office.local_today()

    rows = []
    for application in items[:200]:
        submitted = timezone.localtime(application.submitted_at, office.tzinfo).date()
        due = rules.due_date(submitted=submitted, working_days=application.kind.sla_days, is_open=cal.is_open)
        rows.append(
            {"application": application, "due": due, "late": due < today, "age": (today - submitted).days}
        )
    counts = dict(
        Application.objects.filter(office=office, status__in=OPEN)
        .values_list("kind__code")
        .annotate(n=Count("pk"))
    )
    return render(
        request,
        "applications/worklist.html",
        {
            "office": office,
            "rows": rows,
            "status": status,
            "kind": kind,
            "counts": counts,
            "statuses": AppStatus.choices,
            "kinds": office.kinds.filter(Q(active=True)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def detail(request: StaffRequest, code: str) -> HttpResponse:
    application = get_object_or_404(
        Application.objects.select_related("kind", "village", "assigned_to", "office"), code=code
    )
    if not authorizers.may_use_back_office(request.user, application.office_id):
        return render(request, "applications/forbidden.html", status=403)
    office = application.office  # the user's own: may_use_back_office says so
    refusal = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "publish":
                upload = request.FILES.get("file")
                review.publish(
                    code=code,
                    officer=request.user,
                    result=request.POST.get("result", ""),
                    file=(upload.name or "", upload.read()) if upload else None,
                    delivery_address=request.POST.get("delivery_address", ""),
                    pickup_day=_day(request.POST.get("pickup_day", "")),
                )
            else:
                verb = review.review_verb(action, fix_codes=request.POST.getlist("fix_codes"))
                verb(code=code, officer=request.user, note=request.POST.get("note", ""))
        except Refusal as exc:
            # Shown on the page with what the officer typed, so a long note is not lost.
            refusal = exc
            application.refresh_from_db()
        else:
            messages.success(request, _("Tersimpan."))
            return redirect("backoffice:detail", code=code)
    timezone.activate(office.tzinfo)
    with transaction.atomic():
        # The page shows the citizen's NIK, KK number, address and phone: the head of office sees who opened it.
        audit.record(
            office=office, actor=request.user, action=Audited.VIEW_APPLICATION, subject=code, at=clock.now()
        )
    return render(
        request,
        "applications/detail.html",
        {
            "office": office,
            "application": application,
            "documents": application.documents.filter(current=True, is_result=False).select_related(
                "requirement"
            ),
            "requirements": application.kind.requirements.all(),
            "history": application.history.select_related("by"),
            "results": ResultKind.choices,
            "pickup_days": pickup.pickup_days(application)
            if application.status == AppStatus.APPROVED
            else [],
            "limits": services.FIELD_MAX,
            "data": request.POST,
            "chosen_fix": request.POST.getlist("fix_codes"),
            "refusal": refusal,
            "field_errors": refusal.fields if refusal else {},
        },
        status=refusal.status if refusal else 200,
    )


def _day(raw: str) -> dt.date | None:
    """The pickup day as the form sends it; None lets the service take the first day with room."""
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        message = _("Pilih hari pengambilan dari daftar.")
        raise Refusal("invalid_fields", message, status=422, fields={"pickup_day": message}) from None
