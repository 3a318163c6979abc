"""The office's outreach pages: the kecamatan and desa with their posters, letters and figures
(kepala and admin), short links (made by the admin, read by the kepala), and `/s/<slug>` (citizens)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from antre import clock
from antre.audit import services as audit
from antre.audit.models import Action as Audited
from antre.errors import Refusal
from antre.offices import sources
from antre.offices.models import Office, Region, RegionLevel
from antre.outreach import content, counts, exports, printables, services
from antre.outreach.models import ShortLink
from antre.people import authorizers
from antre.people.staff_requests import StaffRequest
from antre.queueing.models import Channel
from antre.spans import span_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def for_reports(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in as the office's kepala or admin, else the refusal page (403)."""

    @login_required
    @wraps(view)
    def page(request: StaffRequest, office: str, *args, **kwargs) -> HttpResponse:
        office_obj = get_object_or_404(Office, slug=office)
        if not authorizers.may_see_reports(request.user, office_obj):
            return render(request, "outreach/forbidden.html", status=403)
        timezone.activate(office_obj.tzinfo)
        return view(request, office_obj, *args, **kwargs)

    return page


def _span(request: HttpRequest, today: dt.date) -> tuple[dt.date, dt.date, dict[str, str]]:
    """The days asked for (default: this month so far), and what is wrong with them per field."""
    return span_of(request.GET.get("from"), request.GET.get("to"), today=today)


@for_reports
def villages(request: StaffRequest, office: Office) -> HttpResponse:
    """Every kecamatan and desa: its printables, and what its tags brought in the days asked for."""
    first, last, problem = _span(request, office.local_today(clock.now()))
    found = None if problem else counts.reach(office, first, last)
    wanted = request.GET.get("format")
    if found is not None and wanted in ("csv", "xlsx"):
        with transaction.atomic():  # the entry is written with the file, or neither
            audit.record(
                office=office, actor=request.user, action=Audited.EXPORT, subject="desa",
                detail={"report": "desa", "from": str(first), "to": str(last), "format": wanted}, at=clock.now(),
            )  # fmt: skip
            return _download(found, office.slug, wanted)
    context = {
        "office": office,
        "first": first,
        "last": last,
        "problem": problem,
        "r": found,
        "channels": counts.CHANNELS,
        "channel_names": dict(Channel.choices),
        "villages_without": sum(d.villages_without for d in found.districts) if found else 0,
        "village_count": sum(len(d.villages) for d in found.districts) if found else 0,
    }
    return render(request, "outreach/villages.html", context, status=422 if problem else 200)


def _download(found: counts.Reach, office: str, wanted: str) -> HttpResponse:
    name = f"desa-{office}-{found.first.isoformat()}-{found.last.isoformat()}.{wanted}"
    if wanted == "csv":
        response = HttpResponse(exports.as_csv(found), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(exports.as_xlsx(found, office=office), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _region(office: Office, code: str, *levels: int) -> Region:
    """A kecamatan or desa of the office's regency, by its code; 404 for any other."""
    region = Region.objects.select_related("parent").filter(code=code, level__in=levels).first()
    if region is None or not region.code.startswith(office.region_code + "."):
        raise Http404
    return region


def _pdf(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@for_reports
def poster(request: StaffRequest, office: Office, code: str) -> HttpResponse:
    region = _region(office, code, RegionLevel.DISTRICT, RegionLevel.VILLAGE)
    item = content.printable(office, region, request)
    return _pdf(printables.posters([item]), f"poster-{item.tag}.pdf")


@for_reports
def letter(request: StaffRequest, office: Office, code: str) -> HttpResponse:
    region = _region(office, code, RegionLevel.DISTRICT, RegionLevel.VILLAGE)
    item = content.printable(office, region, request)
    data = printables.letters([item], today=office.local_today(clock.now()))
    return _pdf(data, f"surat-edaran-{item.tag}.pdf")


@for_reports
def district_posters(request: StaffRequest, office: Office, code: str) -> HttpResponse:
    """The posters of every desa of a kecamatan, one page each, to print in one go."""
    district = _region(office, code, RegionLevel.DISTRICT)
    villages = district.children.select_related("parent").order_by("code")
    items = [content.printable(office, village, request) for village in villages]
    if not items:
        raise Http404
    return _pdf(printables.posters(items), f"poster-{sources.district_tag(district.code)}-semua-desa.pdf")


@for_reports
@require_http_methods(["GET", "POST"])
def short_links(request: StaffRequest, office: Office) -> HttpResponse:
    refusal = None
    if request.method == "POST":
        try:
            services.create_short_link(
                office=office,
                slug=request.POST.get("slug", ""),
                note=request.POST.get("note", ""),
                by=request.user,
            )
        except Refusal as exc:
            refusal = exc
        else:
            return redirect("outreach:links", office=office.slug)
    last = office.local_today(clock.now())
    first = last.replace(day=1)  # the links' figures of this month so far; the per-desa page takes any span
    context = {
        "office": office,
        "links": [
            (link, tally, request.build_absolute_uri(f"/s/{link.slug}"))
            for link, tally in counts.link_tallies(office, first, last)
        ],
        "may_create": authorizers.may_manage_outreach(request.user, office),
        "refusal": refusal,
        "field_errors": refusal.fields if refusal else {},
        "sent": request.POST if refusal else {},
        "first": first,
        "last": last,
    }
    return render(request, "outreach/links.html", context, status=refusal.status if refusal else 200)


def follow(request: HttpRequest, slug: str) -> HttpResponse:
    """A short link: keep its tag for the booking that follows, and open the office's booking page."""
    link = get_object_or_404(ShortLink.objects.select_related("office"), slug=slug.lower())
    return sources.remember(redirect("queueing:services", office=link.office.slug), link.tag)
