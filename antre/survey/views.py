"""The survey's pages: the citizen's form (by the signed link), and the head of office's results
with their downloads (read-only)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from antre import clock
from antre.audit import services as audit
from antre.audit.models import Action as Audited
from antre.errors import Refusal
from antre.offices.models import Office
from antre.people import authorizers
from antre.people.staff_requests import StaffRequest
from antre.spans import span_of
from antre.survey import exports, services
from antre.survey.figures import survey_figures
from antre.survey.questions import PROFILE, QUESTIONS, SUGGESTION_MAX

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LONGEST_SPAN = 3 * 366  # days in one report


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, office: str, token: str) -> HttpResponse:
    office_obj = get_object_or_404(Office, slug=office)
    now = clock.now()
    try:
        occasion = services.occasion_of(token, office=office_obj, now=now)
        if services.was_answered(occasion):
            raise services.already_answered()
        if request.method == "POST":
            services.submit_answer(token=token, office=office_obj, data=request.POST, now=now)
            return redirect("survey:thanks", office=office_obj.slug)
    except Refusal as exc:
        if not exc.fields:
            context = {"office": office_obj, "refusal": exc}
            return render(request, "survey/closed.html", context, status=exc.status)
        return _form(request, office_obj, occasion, exc)
    return _form(request, office_obj, occasion, None)


def _form(request: HttpRequest, office: Office, occasion, refusal: Refusal | None) -> HttpResponse:
    data = request.POST if refusal else {}
    context = {
        "office": office,
        "occasion": occasion,
        "questions": [(q, [(i + 1, label) for i, label in enumerate(q.answers)]) for q in QUESTIONS],
        "profile": [(name, label, choices.choices) for name, label, choices in PROFILE],
        "data": data,
        "refusal": refusal,
        "field_errors": refusal.fields if refusal else {},
        "suggestion_max": SUGGESTION_MAX,
    }
    return render(request, "survey/form.html", context, status=refusal.status if refusal else 200)


def thanks(request: HttpRequest, office: str) -> HttpResponse:
    office_obj = get_object_or_404(Office, slug=office)
    return render(request, "survey/thanks.html", {"office": office_obj})


def period_of(request: HttpRequest, today: dt.date) -> tuple[dt.date, dt.date, dict[str, str]]:
    """The days asked for (`YYYY-MM-DD`; by default this year so far), and what is wrong with them."""
    return span_of(
        request.GET.get("from"), request.GET.get("to"), today=today, start="year", longest=LONGEST_SPAN
    )


@login_required
def report(request: StaffRequest, office: str) -> HttpResponse:
    """The survey's results over the days asked for: per element, the IKM, the sample, the
    respondents' profile, per service, the suggestions (personal data masked)."""
    office_obj = get_object_or_404(Office, slug=office)
    if not authorizers.may_see_reports(request.user, office_obj):
        return render(request, "reports/forbidden.html", status=403)
    timezone.activate(office_obj.tzinfo)
    first, last, problem = period_of(request, office_obj.local_today(clock.now()))
    found = None if problem else survey_figures(office_obj, first, last)
    wanted = request.GET.get("format")
    if found is not None and wanted in ("xlsx", "pdf"):
        name = f"skm-{office_obj.slug}-{first.isoformat()}-{last.isoformat()}.{wanted}"
        with transaction.atomic():  # the entry is written with the file, or neither
            audit.record(
                office=office_obj, actor=request.user, action=Audited.EXPORT, subject="skm",
                detail={"report": "skm", "from": str(first), "to": str(last), "format": wanted}, at=clock.now(),
            )  # fmt: skip
            if wanted == "xlsx":
                response = HttpResponse(exports.as_xlsx(found, office=office_obj.name), content_type=XLSX)
            else:
                response = HttpResponse(
                    exports.as_pdf(found, office=office_obj.name), content_type="application/pdf"
                )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    context = {"office": office_obj, "first": first, "last": last, "problem": problem, "f": found}
    return render(request, "survey/report.html", context, status=422 if problem else 200)
