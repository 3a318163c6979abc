"""`GET /api/v1/offices/{office}/audit`: the log of staff actions, for the head of office and the
administrator, filtered as on their page, newest first, 50 entries a page."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from antre import clock
from antre.api_errors import ErrorOut
from antre.audit import listing
from antre.audit.models import Action
from antre.errors import Refusal
from antre.offices.models import Office
from antre.people import authorizers
from antre.people.apiauth import staff_auth
from antre.people.models import User
from antre.people.staff_requests import StaffApiRequest

router = Router(tags=["laporan"])
PER_PAGE = 50


class EntryOut(Schema):
    at: dt.datetime = Field(description="When, in the office's time zone (ISO 8601 with offset).")
    actor: str = Field(description="The officer's username at the time; empty for the system.")
    role: str = Field(description="The officer's role at the time.")
    action: str = Field(description=f"One of: {', '.join(Action.values)}.")
    subject: str = Field(description="A ticket's number or an application's code.")
    subject_day: dt.date | None = Field(description="The ticket's day; null for an application.")
    detail: dict = Field(description="Counter, service, transfer target, document or report, where known.")


class AuditOut(Schema):
    office: str
    date_from: dt.date = Field(alias="from")
    date_to: dt.date = Field(alias="to")
    count: int = Field(description="Entries the filters select, on every page.")
    page: int
    pages: int
    entries: list[EntryOut]


class AuditQuery(Schema):
    date_from: dt.date | None = Field(
        None, alias="from", description="First day, office-local (default: today)."
    )
    date_to: dt.date | None = Field(None, alias="to", description="Last day, included (default: today).")
    action: str = Field("", description="Only this action.")
    actor: str = Field("", description="Only this officer (username).")
    subject: str = Field("", description="Only this ticket number or application code (exact).")
    page: int = Field(1, ge=1)


@router.get(
    "/offices/{office}/audit",
    auth=staff_auth,
    response={200: AuditOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    by_alias=True,
    summary="Catatan aksi petugas (kepala, admin)",
    description="Who called, finished, turned away, approved, rejected, opened a citizen's document or "
    "downloaded a report, and when; newest first. At most 366 days per request.",
)
def office_audit(request: StaffApiRequest, office: str, asked: Query[AuditQuery]):
    office_obj = get_object_or_404(Office, slug=office)
    authorizers.require(authorizers.may_see_audit, request.auth, office_obj)
    params = {
        "from": asked.date_from.isoformat() if asked.date_from else "",
        "to": asked.date_to.isoformat() if asked.date_to else "",
        "action": asked.action,
        "subject": asked.subject,
    }
    if asked.actor:
        user = User.objects.filter(username=asked.actor).first()
        params["actor"] = str(user.pk) if user else "x"
    filters, problem = listing.parse(params, today=office_obj.local_today(clock.now()))
    if problem:
        raise Refusal("invalid_fields", _("Periksa kembali isian yang ditandai."), status=422, fields=problem)
    page = Paginator(listing.entries(office_obj, filters), PER_PAGE).get_page(asked.page)
    tz = office_obj.tzinfo
    return {
        "office": office_obj.slug,
        "from": filters.first,
        "to": filters.last,
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "entries": [
            {
                "at": e.at.astimezone(tz),
                "actor": e.actor_username,
                "role": e.actor_role,
                "action": e.action,
                "subject": e.subject,
                "subject_day": e.subject_day,
                "detail": e.detail,
            }
            for e in page
        ],
    }
