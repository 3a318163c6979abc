"""The head of office's home: today's queue, read-only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from antre import clock
from antre.offices.models import Office
from antre.people import authorizers
from antre.people.staff_requests import StaffRequest
from antre.reports.figures import queue_today


@login_required
def today_home(request: StaffRequest) -> HttpResponse:
    office = request.user.office or Office.objects.order_by("pk").first()
    if office is None or not authorizers.may_open_reports(request.user):
        return render(request, "reports/forbidden.html", status=403)
    return redirect("reports:today", office=office.slug)


@login_required
def today(request: StaffRequest, office: str) -> HttpResponse:
    office_obj = get_object_or_404(Office, slug=office)
    if not authorizers.may_see_reports(request.user, office_obj):
        return render(request, "reports/forbidden.html", status=403)
    timezone.activate(office_obj.tzinfo)
    now = clock.now()
    return render(
        request,
        "reports/today.html",
        {"office": office_obj, "q": queue_today(office_obj, now=now), "now": office_obj.local_now(now)},
    )
