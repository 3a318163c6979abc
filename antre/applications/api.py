"""Application endpoints of SPEC §6: kinds, submit (multipart), status by code and NIK."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Form, Router, Schema, Status
from pydantic import Field

from antre import ratelimit
from antre.api_errors import ErrorOut
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


LIMITS = services.FIELD_MAX


class ApplicationIn(Schema):
    """The text fields of an application; each file is a field named by its requirement's code."""

    kind: str = Field("", max_length=LIMITS["kind"], description="Kode jenis permohonan, mis. `KK-TAMBAH`.")
    nik: str = Field("", max_length=LIMITS["nik"], description="NIK pemohon, 16 digit.")
    name: str = Field("", max_length=LIMITS["name"], description="Nama lengkap sesuai KTP.")
    address: str = Field("", max_length=LIMITS["address"], description="Alamat: jalan, banjar/dusun, RT/RW.")
    village: str = Field(
        "", max_length=LIMITS["village"], description="Kode desa/kelurahan, mis. `51.02.05.2001`."
    )
    consent: str = Field(
        "", max_length=10, description="`true` bila pemohon menyetujui pemberitahuan data pribadi."
    )
    kk_number: str = Field(
        "", max_length=LIMITS["kk_number"], description="Nomor KK, 16 digit (boleh kosong)."
    )
    phone: str = Field("", max_length=LIMITS["phone"], description="Nomor HP/WhatsApp (boleh kosong).")


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


@router.get(
    "/offices/{office}/application-kinds",
    response={200: list[KindOut], 400: ErrorOut, 404: ErrorOut},
    summary="Jenis permohonan daring",
)
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


def _multipart_body() -> dict:
    """The request body as multipart: the text fields with their limits, and any file field."""
    schema = ApplicationIn.model_json_schema()
    schema["additionalProperties"] = {
        "type": "string",
        "format": "binary",
        "description": "Satu berkas per persyaratan, dinamai dengan `code` persyaratannya (PDF, JPEG atau PNG).",
    }
    return {"requestBody": {"content": {"multipart/form-data": {"schema": schema}}}}


@router.post(
    "/offices/{office}/applications",
    openapi_extra=_multipart_body(),
    response={201: SubmittedOut, 400: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Ajukan permohonan",
    description="`multipart/form-data`: `kind, nik, name, address, village` (desa code, e.g. `51.02.05.2001`), "
    "`consent=true`, optional `kk_number, phone`, and one file per requirement, the field named by the "
    "requirement's `code` (PDF, JPEG or PNG, at most 5 MB; the type is checked from the content). "
    "A text longer than its `maxLength` is refused with 422 `invalid_fields` naming the field.",
)
def submit_application(request: HttpRequest, office: str, data: Form[ApplicationIn]):
    office_obj = get_object_or_404(Office, slug=office)
    ratelimit.check(request, scope="apply", limit=10)
    kind = services.find_kind(office_obj, data.kind)
    application = services.submit(
        office=office_obj,
        kind_code=data.kind,
        nik=data.nik,
        name=data.name,
        address=data.address,
        village_code=data.village,
        kk_number=data.kk_number,
        phone=data.phone,
        consent=data.consent.lower() in {"true", "1", "on", "yes", "ya"},
        files=services.read_uploads(request.FILES, kind.requirements.values_list("code", flat=True)),
        channel="web",
    )
    return Status(201, SubmittedOut(code=application.code, status=application.status))


@router.get(
    "/applications/{code}",
    response={200: ApplicationOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
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
            HistoryOut(status=h.status, label=h.get_status_display(), at=h.at, note=h.text())
            for h in application.history.all()
        ],
    )
