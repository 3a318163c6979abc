"""The head of office's log of staff actions, /kepala/<office>/audit/: read-only, filtered, paged,
and downloaded as CSV or XLSX (a download is itself an entry of the log)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from antre import clock
from antre.audit import exports, listing
from antre.audit import services as audit
from antre.audit.listing import Filters
from antre.audit.models import Action, AuditEntry
from antre.offices.models import Office
from antre.people import authorizers
from antre.people.staff_requests import StaffRequest

PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_safe
@login_required
def log(request: StaffRequest, office: str) -> HttpResponse:
    office_obj = get_object_or_404(Office, slug=office)
    if not authorizers.may_see_audit(request.user, office_obj):
        return render(request, "audit/forbidden.html", status=403)
    timezone.activate(office_obj.tzinfo)
    now = clock.now()
    filters, problem = listing.parse(request.GET, today=office_obj.local_today(now))
    found = listing.entries(office_obj, filters)
    wanted = request.GET.get("format")
    if not problem and wanted in ("csv", "xlsx"):
        return _download(request, office_obj, filters, list(found), wanted)
    page = Paginator(found if not problem else AuditEntry.objects.none(), PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "office": office_obj,
        "filters": filters,
        "problem": problem,
        "page": page,
        "rows": [
            (entry, listing.role_label(entry.actor_role), listing.describe(entry.detail)) for entry in page
        ],
        "officers": listing.officers(office_obj),
        "actions": Action.choices,
        "query": urlencode(filters.query()),
    }
    return render(request, "audit/log.html", context, status=422 if problem else 200)


def _download(
    request: StaffRequest, office: Office, filters: Filters, entries: list[AuditEntry], wanted: str
) -> HttpResponse:
    """The filtered entries as a file; the download itself goes into the log, with the file."""
    name = f"audit-{office.slug}-{filters.first.isoformat()}-{filters.last.isoformat()}.{wanted}"
    with transaction.atomic():
        audit.record(
            office=office,
            actor=request.user,
            action=Action.EXPORT,
            subject="audit",
            detail={"report": "audit", "from": str(filters.first), "to": str(filters.last), "format": wanted},
            at=clock.now(),
        )
        if wanted == "csv":
            response = HttpResponse(exports.as_csv(office, entries), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(exports.as_xlsx(office, entries, filters), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
