"""The HTTP API under /api/v1 (SPEC §6): one NinjaAPI, its error handlers, every app's router mounted."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from antre.api_errors import JsonParser
from antre.applications.api import router as applications_router
from antre.audit.api import router as audit_router
from antre.errors import Refusal, too_long
from antre.gate.api import router as gate_router
from antre.queueing.api import router as queueing_router
from antre.queueing.catalogue_api import router as offices_router
from antre.queueing.live_api import router as live_router
from antre.reports.api import router as reports_router

api = NinjaAPI(
    title="Antre API",
    version="1",
    description=(
        "Antrean dan layanan daring kantor pelayanan publik. Pesan galat berbahasa Indonesia.\n\n"
        "A JSON body must be sent with `Content-Type: application/json`; any other type is refused with "
        "415 `unsupported_media_type` and not read. Staff authenticate with `Authorization: Token <key>`; "
        "a write made with a browser session instead also needs the `X-CSRFToken` header (the `csrftoken` "
        "cookie's value), else 403 `csrf_failed`."
    ),
    urls_namespace="api",
    parser=JsonParser(),
)


def error_response(request: HttpRequest, refusal: Refusal):
    return api.create_response(request, refusal.as_dict(), status=refusal.status)


@api.exception_handler(Refusal)
def on_refusal(request: HttpRequest, exc: Refusal):
    response = error_response(request, exc)
    if "retry_after" in exc.extra:
        response["Retry-After"] = str(exc.extra["retry_after"])
    return response


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError):
    fields: dict[str, str] = {}
    for error in exc.errors:
        loc = [
            str(part)
            for part in error.get("loc", ())
            if part not in ("body", "payload", "query", "path", "form")
        ]
        name = ".".join(loc) or "body"
        fields.setdefault(name, _field_message(error))
    return error_response(
        request,
        Refusal("invalid_fields", _("Periksa kembali isian yang ditandai."), status=422, fields=fields),
    )


def _field_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "missing":
        return _("Wajib diisi.")
    if kind.startswith("date"):
        return _("Tanggal tidak valid; gunakan format TTTT-BB-HH.")
    if kind == "json_invalid":
        return _("Isi permintaan bukan JSON yang valid.")
    if kind == "string_too_long":
        limit = (error.get("ctx") or {}).get("max_length")
        if isinstance(limit, int):  # pydantic always gives it; anything else is just "not valid"
            return too_long(limit)
    return _("Nilai tidak valid.")


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError):
    return error_response(request, Refusal("unauthorized", _("Silakan masuk sebagai petugas."), status=401))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404):
    return error_response(request, Refusal("not_found", _("Data tidak ditemukan."), status=404))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError):
    if isinstance(exc.__cause__, Refusal):  # a body ninja could not read, for a reason of ours (415)
        return on_refusal(request, exc.__cause__)
    known = {
        400: ("invalid_body", _("Isi permintaan tidak dapat dibaca; kirim JSON yang valid.")),
        403: ("forbidden", _("Anda tidak berhak melakukan ini.")),
        404: ("not_found", _("Data tidak ditemukan.")),
        429: ("rate_limited", _("Terlalu banyak permintaan. Coba lagi sebentar lagi.")),
    }
    code, message = known.get(exc.status_code, ("error", str(exc.message)))
    return error_response(request, Refusal(code, message, status=exc.status_code))


@csrf_exempt  # a POST to a wrong path is a 404, not a CSRF refusal: no session is at stake here
def api_not_found(request: HttpRequest):
    """Unknown paths under /api/v1/ answer in the API's error shape, not with an HTML page."""
    refusal = Refusal("not_found", _("Alamat API ini tidak ada. Lihat /api/v1/docs."), status=404)
    return JsonResponse(refusal.as_dict(), status=404)


api.add_router("", offices_router)
api.add_router("", live_router)
api.add_router("", queueing_router)
api.add_router("", gate_router)
api.add_router("", applications_router)
api.add_router("", reports_router)
api.add_router("", audit_router)
