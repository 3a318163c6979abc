"""Citizen pages for online applications: choose, apply with documents, receipt, track. No JavaScript needed."""

from __future__ import annotations

import datetime as dt
import secrets
import time

from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from antre import clock, links, ratelimit
from antre.applications import holding, pickup, services
from antre.applications.holding import Holding
from antre.applications.models import Application, ApplicationKind, Document
from antre.applications.receipt import receipt_pdf
from antre.audit import services as audit
from antre.audit.models import Action as Audited
from antre.errors import Refusal
from antre.offices import sources
from antre.offices.models import Office, Region
from antre.people import authorizers
from antre.people.models import User
from antre.people.rules import mask_nik, short_name

SESSION_KEY = "applications"  # codes this browser may see: submitted here, or opened with code + NIK
OWNER_KEY = "applications_owner"  # a secret of this browser session: documents held for its forms


ACCESS_SECONDS = 30 * 60  # a shared PC at the village office must not keep showing yesterday's citizens


def _allow(request: HttpRequest, code: str) -> None:
    now = int(time.time())
    granted = {c: t for c, t in request.session.get(SESSION_KEY, {}).items() if now - t < ACCESS_SECONDS}
    granted[code] = now
    request.session[SESSION_KEY] = dict(sorted(granted.items(), key=lambda item: item[1])[-20:])


def _granted(request: HttpRequest, code: str) -> bool:
    granted = request.session.get(SESSION_KEY, {})
    return isinstance(granted, dict) and time.time() - granted.get(code, 0) < ACCESS_SECONDS


def _visible(request: HttpRequest, code: str) -> Application:
    """The application, for the browser that submitted or unlocked it, or for its office's staff."""
    application = get_object_or_404(
        Application.objects.select_related("kind", "office", "village"), code=code
    )
    staff = authorizers.may_review_applications(request.user, application.office)
    if not staff and not _granted(request, code):
        raise Http404
    return application


@sources.remembers_query  # a poster's link: the application that follows carries its tag
def kinds(request: HttpRequest, office: str) -> HttpResponse:
    office_obj = get_object_or_404(Office, slug=office)
    items = office_obj.kinds.filter(active=True).prefetch_related("requirements")
    return render(request, "applications/kinds.html", {"office": office_obj, "kinds": items})


def _owner(request: HttpRequest) -> str:
    owner = request.session.get(OWNER_KEY)
    if not isinstance(owner, str) or len(owner) < 32:
        owner = request.session[OWNER_KEY] = secrets.token_urlsafe(32)
    return owner


def _form(request: HttpRequest, kind: str) -> Holding | None:
    """The form this post belongs to, for documents held from its earlier sends; None on a first view."""
    form_id = request.POST.get("form_id", "")
    if request.method != "POST" or not holding.valid_form_id(form_id):
        return None
    return Holding(form_id=form_id, owner=_owner(request), kind=kind)


@require_http_methods(["GET", "POST"])
@sources.remembers_query
def apply(request: HttpRequest, office: str, kind: str) -> HttpResponse:
    office_obj = get_object_or_404(Office, slug=office)
    try:
        kind_obj = services.find_kind(office_obj, kind)
    except Refusal:
        raise Http404 from None
    refusal = None
    form = _form(request, kind_obj.code)
    if request.method == "POST":
        try:
            ratelimit.check(request, scope="apply", limit=10)
            application = services.submit(
                office=office_obj,
                kind_code=kind_obj.code,
                nik=request.POST.get("nik", ""),
                name=request.POST.get("name", ""),
                kk_number=request.POST.get("kk_number", ""),
                phone=request.POST.get("phone", ""),
                address=request.POST.get("address", ""),
                village_code=request.POST.get("village", ""),
                consent=request.POST.get("consent") == "on",
                files=services.read_uploads(
                    request.FILES, kind_obj.requirements.values_list("code", flat=True)
                ),
                form=form,
                source=sources.from_request(request),
            )
        except Refusal as exc:
            refusal = exc
        else:
            _allow(request, application.code)
            return redirect("applications:status", code=application.code)
    return _apply_page(request, office_obj, kind_obj, form, refusal)


def _apply_page(
    request: HttpRequest, office: Office, kind: ApplicationKind, form: Holding | None, refusal: Refusal | None
) -> HttpResponse:
    """The application form, with what was typed, the documents already received and what was refused."""
    districts = Region.objects.filter(level=3, code__startswith=office.region_code + ".").prefetch_related(
        "children"
    )
    field_errors = refusal.fields if refusal else {}
    received = holding.received(form)
    requirements = list(kind.requirements.all())
    documents = [
        {
            "requirement": r,
            "received": received.get(r.code),
            "error": field_errors.get(r.code),
            "refused": r.code in field_errors and r.code in request.FILES,  # chosen, and not taken
        }
        for r in requirements
    ]
    return render(
        request,
        "applications/apply.html",
        {
            "office": office,
            "kind": kind,
            "documents": documents,
            "received": [r.name for r in requirements if received.get(r.code)],
            "districts": districts,
            "data": request.POST,
            "limits": services.FIELD_MAX,
            "form_id": form.form_id if form else holding.new_form_id(),
            "refusal": refusal,
            "field_errors": field_errors,
        },
        status=refusal.status if refusal else 200,
    )


@require_http_methods(["GET", "POST"])
def status(request: HttpRequest, code: str) -> HttpResponse:
    application = _visible(request, code)
    refusal = None
    if request.method == "POST":  # the documents the verifier asked to fix
        try:
            services.resubmit(
                code=application.code,
                nik=application.nik,
                files=services.read_uploads(request.FILES, application.fix_codes),
            )
        except Refusal as exc:
            refusal = exc
        else:
            return redirect("applications:status", code=application.code)
    return _status_page(request, application, refusal)


@require_http_methods(["POST"])
def pickup_day(request: HttpRequest, code: str) -> HttpResponse:
    """The applicant moves the pickup to another day."""
    application = _visible(request, code)
    try:
        pickup.move_pickup(code=application.code, nik=application.nik, day=_pickup_day(request))
    except Refusal as exc:
        application.refresh_from_db()
        return _status_page(request, application, exc)
    return redirect("applications:status", code=application.code)


def _pickup_day(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.POST.get("pickup_day", ""))
    except ValueError:
        message = _("Pilih hari pengambilan dari daftar.")
        raise Refusal("invalid_fields", message, status=422, fields={"pickup_day": message}) from None


def _status_page(request: HttpRequest, application: Application, refusal: Refusal | None) -> HttpResponse:
    timezone.activate(application.office.tzinfo)
    movable = pickup.may_move_pickup(application)
    return render(
        request,
        "applications/status.html",
        {
            "office": application.office,
            "application": application,
            "short_name": short_name(application.name),
            "masked_nik": mask_nik(application.nik),
            "history": application.history.all(),
            "documents": application.documents.filter(current=True, is_result=False).select_related(
                "requirement"
            ),
            "results": application.documents.filter(is_result=True),
            "to_fix": application.kind.requirements.filter(code__in=application.fix_codes),
            "last_note": application.history.exclude(note="").last(),
            "pickup_movable": movable,
            "pickup_days": pickup.pickup_days(application, now=clock.now()) if movable else [],
            "refusal": refusal,
            "field_errors": refusal.fields if refusal else {},
        },
        status=refusal.status if refusal else 200,
    )


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    refusal = None
    if request.method == "POST":
        try:
            ratelimit.check(request, scope="track", limit=20)
            application = services.for_applicant(request.POST.get("code", ""), request.POST.get("nik", ""))
        except Refusal as exc:
            refusal = exc
        else:
            _allow(request, application.code)
            return redirect("applications:status", code=application.code)
    office = Office.objects.order_by("pk").first()
    return render(
        request,
        "applications/track.html",
        {"office": office, "refusal": refusal, "data": request.POST},
        status=refusal.status if refusal else 200,
    )


def receipt(request: HttpRequest, code: str) -> HttpResponse:
    application = _visible(request, code)
    url = links.public_url(reverse("applications:track"), request)
    pdf = receipt_pdf(application, url)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="tanda-terima-{application.code}.pdf"'
    return response


def document(request: HttpRequest, code: str, document_id: int) -> FileResponse:
    application = _visible(request, code)
    doc = get_object_or_404(Document, pk=document_id, application=application, current=True)
    if doc.is_result:
        stem = "hasil"
    else:
        assert doc.requirement is not None  # only a result (is_result) answers no requirement
        stem = doc.requirement.code
    with transaction.atomic():
        if authorizers.may_review_applications(request.user, application.office):
            # Staff opening a citizen's document: the head of office sees who did (antre.audit).
            audit.record(
                office=application.office,
                actor=request.user if isinstance(request.user, User) else None,
                action=Audited.VIEW_DOCUMENTS,
                subject=application.code,
                detail={"document": stem},
                at=clock.now(),
            )
        try:
            handle = services.open_document(doc)
        except Refusal:
            raise Http404 from None  # a missing file leaves no entry
    response = FileResponse(handle, content_type=doc.content_type)
    response["Content-Disposition"] = f'inline; filename="{stem}.{doc.path.rsplit(".", 1)[-1]}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
