"""Under /api/v1/ every refusal has the API's error shape, also those made outside the API's views.

Django answers some refusals itself, with an HTML page: a body over DATA_UPLOAD_MAX_MEMORY_SIZE, a
multipart body it cannot parse, a method the path does not take, a failed CSRF check, an exception
that escapes a view. And the server answers in plain text when something fails before Django. A
kiosk or a bot reads JSON: these become `{"error": {"code", "message"}}`, the message Indonesian
(or the visitor's chosen language), never a traceback. Pages outside the API keep their HTML pages.

A database that cannot be reached (a failover: antre.db.outage) is a 503 with Retry-After, not a
500, wherever the exception escapes: Django's handler500 (`server_error`) answers every exception
of a view or a middleware, and the booking lane hands its exceptions to the same handler.
"""

from __future__ import annotations

import json
import logging
import sys
from http.cookies import SimpleCookie

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import defaults
from ninja import Field, Schema
from ninja.parser import Parser

from antre.db import outage
from antre.errors import Refusal
from antre.i18n import chosen_language

log = logging.getLogger("django.request")

API_PREFIX = "/api/v1/"


class ProofChallenge(Schema):
    """A proof of work to solve (antre.proofofwork): a nonce such that SHA-256(salt + ':' + nonce)
    starts with `difficulty` zero bits, sent back as `Antre-Proof: salt:difficulty:signature:nonce`."""

    algorithm: str
    salt: str
    difficulty: int
    signature: str


class HeldBooking(Schema):
    """A booking held until the citizen confirms it over WhatsApp (antre.queueing.confirmations)."""

    code: str
    text: str = Field(description="What the citizen sends, from the phone given, to `whatsapp`.")
    whatsapp: str
    link: str = Field(description="wa.me link that opens WhatsApp with `text` written.")
    expires_at: str


# The error shape of SPEC §6, for the API's documentation; every router's refusals use it.
class ErrorBody(Schema):
    code: str
    message: str
    fields: dict[str, str] | None = None
    next_available_date: str | None = None
    retry_after: int | None = None
    budget: str | None = Field(None, description="`budget_exhausted`: nik, phone, address or share.")
    retry_on: str | None = Field(None, description="`budget_exhausted`: the first day it may book again.")
    challenge: ProofChallenge | None = Field(None, description="`proof_required`: the work to prove.")
    confirmation: HeldBooking | None = Field(
        None, description="`confirmation_required` (202): how to confirm."
    )


class ErrorOut(Schema):
    error: ErrorBody


def is_api(path: str) -> bool:
    return path.startswith(API_PREFIX)


FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def is_json(request: HttpRequest) -> bool:
    """Whether the body is declared as JSON (`application/json`, or a `+json` type)."""
    kind = (request.content_type or "").lower()
    return kind == "application/json" or (kind.startswith("application/") and kind.endswith("+json"))


def not_json() -> Refusal:
    """A JSON body sent under another type: `text/plain` is what a foreign site's form can send."""
    return Refusal(
        "unsupported_media_type",
        _("Isi permintaan harus JSON dengan header Content-Type: application/json."),
        status=415,
    )


class JsonParser(Parser):
    """The API reads a body as JSON only when it is declared as JSON: a `text/plain` body that
    happens to be JSON is refused with 415, never read."""

    def parse_body(self, request: HttpRequest):
        if not is_json(request):
            raise not_json()  # ninja wraps it in its 400; antre.api answers the cause instead
        return super().parse_body(request)


def refusal_for(status: int) -> Refusal:
    """The API's refusal for an HTTP status that Django or the server chose."""
    if status == 413:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        message = _("Isi permintaan terlalu besar; paling banyak %(mb)s MB.") % {"mb": limit}
        return Refusal("too_large", message, status=413)
    if status == 400:
        return Refusal(
            "invalid_body",
            _("Isi permintaan tidak dapat dibaca; periksa formatnya dan header Content-Type."),
            status=400,
        )
    if status == 401:
        return Refusal("unauthorized", _("Silakan masuk sebagai petugas."), status=401)
    if status == 403:
        return Refusal("forbidden", _("Anda tidak berhak melakukan ini."), status=403)
    if status == 404:
        return Refusal("not_found", _("Data tidak ditemukan."), status=404)
    if status == 405:
        return Refusal("method_not_allowed", _("Metode HTTP ini tidak dilayani di alamat ini."), status=405)
    if status >= 500:
        return Refusal(
            "server_error", _("Terjadi gangguan di server. Coba lagi sebentar lagi."), status=status
        )
    return Refusal("invalid_request", _("Permintaan tidak dapat diproses."), status=status)


def _declared_too_large(request: HttpRequest) -> bool:
    """Whether the body was refused for its size (Django says only 400, RequestDataTooBig)."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        return limit is not None and int(request.META.get("CONTENT_LENGTH") or 0) > limit
    except ValueError:
        return False


def in_error_shape(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """The response itself, or, for an API refusal not in the error shape, one that is."""
    if response.status_code < 400 or not is_api(request.path_info):
        return response
    if response.get("Content-Type", "").startswith("application/json"):
        return response  # the API's own handlers made it
    status = response.status_code
    if status == 400 and _declared_too_large(request):
        status = 413
    with translation.override(chosen_language(request)):
        refusal = refusal_for(status)
    shaped = JsonResponse(refusal.as_dict(), status=status)
    for header, value in response.items():  # Allow, Vary, the security headers...
        if header.lower() not in ("content-type", "content-length"):
            shaped[header] = value
    shaped["Content-Length"] = str(len(shaped.content))
    shaped.cookies = response.cookies
    return shaped


class ApiErrorShape:
    """Outermost middleware: refusals under /api/v1/ leave in the API's error shape."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return in_error_shape(request, self.get_response(request))


def unavailable_refusal() -> Refusal:
    return Refusal(
        "unavailable",
        _("Layanan sedang dipulihkan. Coba lagi dalam beberapa detik."),
        status=503,
        extra={"retry_after": outage.RETRY_AFTER_SECONDS},
    )


def unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: JSON under /api/v1/, the Indonesian page elsewhere. Reads no database."""
    if is_api(request.path_info):
        with translation.override(chosen_language(request)):
            response: HttpResponse = JsonResponse(unavailable_refusal().as_dict(), status=503)
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(outage.RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: called by Django while it handles the exception, which sys.exc_info() names."""
    if outage.unreachable(sys.exc_info()[1]):
        return unavailable(request)
    return defaults.server_error(request)


def server_error_body(lang: str | None = None) -> bytes:
    with translation.override(lang or settings.LANGUAGE_CODE):
        return json.dumps(refusal_for(500).as_dict()).encode()


def guarded(app):
    """An ASGI application whose exceptions under /api/v1/ are answered with the JSON 500 (503
    with Retry-After when the database cannot be reached).

    Without it the server answers in plain text ("Internal Server Error") when a lane in front of
    Django fails: the event-loop SSE path (its database lookup), the booking lane's hand-over.
    """

    async def guarded_app(scope, receive, send):
        if scope["type"] != "http" or not is_api(scope.get("path", "")):
            return await app(scope, receive, send)
        started = False

        async def watched_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            return await app(scope, receive, watched_send)
        except Exception as exc:
            if started:
                raise  # too late for another answer; the server ends the connection
            await _send_failure(scope, send, exc)

    return guarded_app


async def _send_failure(scope, send, exc: Exception) -> None:
    headers = [(b"content-type", b"application/json")]
    if outage.unreachable(exc):
        log.warning("Service Unavailable: %s (%s)", scope.get("path"), exc)
        status = 503
        with translation.override(_cookie_language(scope) or settings.LANGUAGE_CODE):
            body = json.dumps(unavailable_refusal().as_dict()).encode()
        headers.append((b"retry-after", str(outage.RETRY_AFTER_SECONDS).encode()))
    else:
        log.error("Internal Server Error: %s", scope.get("path"), exc_info=exc)
        status, body = 500, server_error_body(_cookie_language(scope))
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _cookie_language(scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            cookie = SimpleCookie()
            try:
                cookie.load(value.decode("latin-1"))
            except Exception:  # noqa: BLE001 (a malformed cookie: the default language)
                return None
            morsel = cookie.get(settings.LANGUAGE_COOKIE_NAME)
            if morsel and morsel.value in dict(settings.LANGUAGES):
                return morsel.value
    return None
