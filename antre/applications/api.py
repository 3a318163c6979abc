"""Application endpoints of SPEC §6: kinds, submit (multipart), status by code and NIK."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from antre import ratelimit
from antre.api import ErrorOut
from antre.applications import services
from antre.offices.models import Office

router = Router(tags=["permohonan"])


class RequirementOut(Schema):
    code: str
    name: str
    required: bool


class KindOut(Schema):
    code: str
    name: str
    service: str | None
    requirements: list[RequirementOut]


class SubmittedOut(Schema):
    code: str
    status: str


class HistoryOut(Schema):
    status: str
    label: str
    at: dt.datetime
    note: str


class ApplicationOut(Schema):
    code: str
    kind: str
    status: str
    label: str
    submitted_at: dt.datetime
    history: list[HistoryOut]


@router.get("/offices/{office}/application-kinds", response=list[KindOut], summary="Jenis permohonan daring")
def list_kinds(request: HttpRequest, office: str):
    office_obj = get_object_or_404(Office, slug=office)
    kinds = office_obj.kinds.filter(active=True).select_related("service").prefetch_related("requirements")
    return [
        KindOut(
            code=k.code,
            name=k.name,
            service=k.service.code if k.service else None,
            requirements=[
                RequirementOut(code=r.code, name=r.name, required=r.required) for r in k.requirements.all()
            ],
        )
        for k in kinds
    ]


@router.post(
    "/offices/{office}/applications",
    response={201: SubmittedOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Ajukan permohonan",
    description="`multipart/form-data`: `kind, nik, name, address, village` (desa code, e.g. `51.02.05.2001`), "
    "`consent=true`, optional `kk_number, phone`, and one file per requirement, the field named by the "
    "requirement's `code` (PDF, JPEG or PNG, at most 5 MB; the type is checked from the content).",
)
def submit_application(request: HttpRequest, office: str):
    office_obj = get_object_or_404(Office, slug=office)
    ratelimit.check(request, scope="apply", limit=10)
    data = request.POST
    kind = services.find_kind(office_obj, data.get("kind", ""))
    application = services.submit(
        office=office_obj,
        kind_code=data.get("kind", ""),
        nik=data.get("nik", ""),
        name=data.get("name", ""),
        address=data.get("address", ""),
        village_code=data.get("village", ""),
        kk_number=data.get("kk_number", ""),
        phone=data.get("phone", ""),
        consent=data.get("consent", "").lower() in {"true", "1", "on", "yes", "ya"},
        files=services.read_uploads(request.FILES, kind.requirements.values_list("code", flat=True)),
        channel="web",
    )
    return Status(201, SubmittedOut(code=application.code, status=application.status))


@router.get(
    "/applications/{code}",
    response={200: ApplicationOut, 404: ErrorOut, 429: ErrorOut},
    summary="Status permohonan",
    description="Needs the applicant's `nik` as well as the code: the answer holds personal data.",
)
def application_status(request: HttpRequest, code: str, nik: str = ""):
    ratelimit.check(request, scope="track", limit=20)  # code + NIK must not be guessable by brute force
    application = services.for_applicant(code, nik)
    return ApplicationOut(
        code=application.code,
        kind=application.kind.code,
        status=application.status,
        label=application.get_status_display(),
        submitted_at=application.submitted_at,
        history=[
            HistoryOut(status=h.status, label=h.get_status_display(), at=h.at, note=h.note)
            for h in application.history.all()
        ],
    )
