"""The head of office's pages: today's queue, and the figures over days (with their downloads); read-only."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from antre import clock
from antre.audit import services as audit
from antre.audit.models import Action as Audited
from antre.offices.models import Office
from antre.people import authorizers
from antre.people.staff_requests import StaffRequest
from antre.queueing.models import Channel
from antre.reports import charts, exports, monthly_pdf
from antre.reports.backlog import backlog
from antre.reports.figures import queue_today
from antre.reports.history import history
from antre.reports.monthly import month_of, month_report, recent_months
from antre.reports.stats import PERIODS, stats
from antre.spans import span_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    day = office_obj.local_today(now)
    figures, q = stats(office_obj, day, day, now=now), queue_today(office_obj, now=now)
    names = dict(office_obj.services.values_list("code", "name"))
    applications = backlog(office_obj, now=now)
    wanted = request.GET.get("format")
    if wanted in ("csv", "xlsx"):
        tables = exports.today_tables(q, figures, applications, names, tz=office_obj.tzinfo)
        at = office_obj.local_now(now)
        return _download(
            request, office_obj, tables, wanted, report="hari-ini", days=(day, day), now=now, at=at
        )
    return render(
        request,
        "reports/today.html",
        {
            "office": office_obj,
            "q": q,
            "now": office_obj.local_now(now),
            "t": figures,
            "times_by_service": [(code, names.get(code, ""), f) for code, f in figures.by_service.items()],
            "counters": [(c, figures.by_counter.get(str(c.number))) for c in q.counters],
            "applications": applications,
        },
    )


@login_required
def summary(request: StaffRequest, office: str) -> HttpResponse:
    """The office's figures over the days asked for (default: this month so far), per service,
    counter, officer, channel and kecamatan: what `GET /api/v1/offices/{office}/stats` answers."""
    office_obj = get_object_or_404(Office, slug=office)
    if not authorizers.may_see_reports(request.user, office_obj):
        return render(request, "reports/forbidden.html", status=403)
    timezone.activate(office_obj.tzinfo)
    now = clock.now()
    first, last, problem = span_of(
        request.GET.get("from"), request.GET.get("to"), today=office_obj.local_today(now)
    )
    per = request.GET.get("per") or "day"
    if per not in PERIODS:
        problem = {**problem, "per": _("Pilih per hari, per minggu atau per bulan.")}
    found = None if problem else stats(office_obj, first, last, now=now, per=per)
    context = {"office": office_obj, "first": first, "last": last, "problem": problem, "s": found, "per": per}
    if found is not None:
        services = dict(office_obj.services.values_list("code", "name"))
        channels = {code: str(label) for code, label in Channel.choices}
        wanted = request.GET.get("format")
        if wanted in ("csv", "xlsx"):
            tables = exports.summary_tables(found, {"service": services, "channel": channels})
            return _download(
                request, office_obj, tables, wanted, report="rekap", days=(found.first, found.last), now=now
            )
        grain = {"day": _("Per hari"), "week": _("Per minggu"), "month": _("Per bulan")}[per]
        context["charts"] = [mark_safe(charts.svg(chart)) for chart in history(found)]  # noqa: S308 (escaped inside)
        context["breakdowns"] = [
            ("by-period", grain, [(key, "", "", f) for key, f in found.by_period.items()]),
            ("by-service", _("Layanan"), [(c, "", services.get(c, ""), f) for c, f in found.by_service.items()]),
            ("by-counter", _("Loket"), [(c, "", "", f) for c, f in found.by_counter.items()]),
            ("by-officer", _("Petugas"), [(u, _other(found.officer_names.get(u, u), u), "", f)
                                          for u, f in found.by_officer.items()]),
            ("by-channel", _("Kanal"), [(c, channels.get(c, ""), "", f) for c, f in found.by_channel.items()]),
            ("by-kecamatan", _("Kecamatan (dari NIK)"),
             [(c, found.kecamatan_names.get(c, ""), "", f) for c, f in found.by_kecamatan.items()]),
        ]  # fmt: skip
    return render(request, "reports/summary.html", context, status=422 if problem else 200)


def _other(name: str, code: str) -> str:
    """A name to show beside its code, "" when it would only repeat it."""
    return "" if name == code else name


def _download(
    request: StaffRequest,
    office: Office,
    tables: list[exports.Table],
    wanted: str,
    *,
    report: str,
    days: tuple[dt.date, dt.date],
    now: dt.datetime,
    at: dt.datetime | None = None,
) -> HttpResponse:
    """`tables` as the file asked for (csv or xlsx), named by the report, the office and the days
    (or the day and the local time `at` it was read); the download itself goes into the audit log."""
    first, last = (day.isoformat() for day in days)
    when, shown = (
        (f"{first}-{at:%H%M}", f"{first} {at:%H:%M}") if at else (f"{first}-{last}", f"{first} – {last}")
    )
    name, heading = f"{report}-{office.slug}-{when}", f"{office.slug} · {shown}"
    with transaction.atomic():
        audit.record(
            office=office,
            actor=request.user,
            action=Audited.EXPORT,
            subject=report,
            detail={"report": report, "from": first, "to": last, "format": wanted},
            at=now,
        )
        if wanted == "csv":
            response = HttpResponse(exports.csv_of(tables), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(exports.xlsx_of(tables, heading=heading), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.{wanted}"'
    return response


@login_required
def monthly(request: StaffRequest, office: str) -> HttpResponse:
    """The monthly report: `?month=YYYY-MM` gives its PDF; without it, a page to choose the month
    (the last twelve, the one under way first)."""
    office_obj = get_object_or_404(Office, slug=office)
    if not authorizers.may_see_reports(request.user, office_obj):
        return render(request, "reports/forbidden.html", status=403)
    timezone.activate(office_obj.tzinfo)
    now = clock.now()
    today = office_obj.local_today(now)
    asked = request.GET.get("month")
    first, last, problem = month_of(asked, today=today)
    if asked is not None and not problem:
        with transaction.atomic():
            audit.record(
                office=office_obj, actor=request.user, action=Audited.EXPORT, subject="laporan-bulanan",
                detail={"report": "laporan-bulanan", "month": f"{first:%Y-%m}", "format": "pdf"}, at=now,
            )  # fmt: skip
            made = monthly_pdf.as_pdf(month_report(office_obj, first, last, now=now))
        response = HttpResponse(made, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="laporan-{office_obj.slug}-{first:%Y-%m}.pdf"'
        return response
    context = {"office": office_obj, "months": recent_months(today), "problem": problem, "asked": asked or ""}
    return render(request, "reports/monthly.html", context, status=422 if problem else 200)
