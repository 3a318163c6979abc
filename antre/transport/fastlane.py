"""The fast lane for the request of the opening rush: a citizen booking a number over the API.

`POST /api/v1/offices/{office}/tickets` without a token or a session is answered here, in one hop
from the event loop to a thread of the lane's own, without Django's middleware stack and
django-ninja's request cycle, whose work would be a large share of each booking's time
(bench/rush.py measures both lanes). It is built from the same parts as the ninja endpoint —
Django's request object, the TicketIn schema, `api.book`, `ticket_out`, the API's refusal handler
and the security middleware's headers — so the answer is the same; tests compare the two lanes.
Anything out of the ordinary (a body that does not validate, an unknown office, a host Django would
refuse, an HTTPS redirect) returns None and the request goes to Django unchanged, so the error
answers have one source. A failure is answered as the ordinary lane answers it: Django's handling of
the exception, in the API's error shape.
"""

from __future__ import annotations

import logging
import re
import select
import threading
import time

import pydantic
from django.conf import settings
from django.core import signals
from django.core.handlers.exception import response_for_exception
from django.core.handlers.wsgi import WSGIRequest, get_script_name
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpResponse
from django.urls import set_script_prefix
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.log import log_response

from antre import api_errors
from antre.api import api, on_refusal
from antre.db import hot
from antre.errors import Refusal
from antre.i18n import chosen_language
from antre.inputs import contains_nul
from antre.offices import calendar
from antre.offices.models import Office
from antre.offices.rules import normal_code
from antre.queueing.api import TicketIn, book, ticket_out
from antre.transport import guard
from antre.transport.booking_threads import BookingThreads

logger = logging.getLogger("django.request")
PATH = re.compile(r"/api/v1/offices/(?P<slug>[-\w]+)/tickets")  # used with fullmatch
MAX_BODY = 16 * 1024  # a booking is a few hundred bytes; larger bodies take the ordinary path


def wanted(scope: dict) -> str | None:
    """The office slug when this ASGI request is a citizen's booking the fast lane can take."""
    if scope["method"] != "POST" or not settings.BOOKING_FAST_LANE:
        return None
    match = PATH.fullmatch(scope["path"])
    if match is None:
        return None
    session_cookie = settings.SESSION_COOKIE_NAME.encode() + b"="
    json_body = False
    for name, value in scope["headers"]:
        if name == b"authorization" or (name == b"cookie" and session_cookie in value):
            return None  # staff: token, session and CSRF are Django's
        if name == b"content-type":
            json_body = value.startswith(b"application/json")
    # A body not declared as JSON (none, or text/plain from a foreign site's form) is refused by Django.
    return match["slug"] if json_body else None


def with_fast_lane(app, threads: int):
    """The ASGI app that books citizens' API bookings in `threads` threads of its own, and hands
    every other request, and those the lane declines, to `app`."""
    bookings = BookingThreads(threads, answer)

    async def lanes(scope, receive, send):
        if scope["type"] == "http" and (slug := wanted(scope)):
            return await _fast_booking(app, bookings, scope, receive, send, slug)
        return await app(scope, receive, send)

    return lanes


async def _fast_booking(app, bookings: BookingThreads, scope, receive, send, slug: str) -> None:
    chunks, size, more = [], 0, True
    while more and size <= MAX_BODY:
        message = await receive()
        if message["type"] != "http.request":
            return  # the client went away
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        more = message.get("more_body", False)
    body = b"".join(chunks)
    answered = None
    if not more:  # the whole body is read already
        answered = await bookings.run(guard.environ_for(scope, body), slug)
    if answered is None:
        return await app(scope, _replaying(body, more, receive), send)
    status, headers, content = answered
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": content})


def _replaying(body: bytes, more: bool, receive):
    """A receive() that hands over the body already read, then the rest from the client."""
    sent = False

    async def replay():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": more}
        return await receive()

    return replay


def answer(environ: dict, slug: str) -> tuple[int, list[tuple[bytes, bytes]], bytes] | None:
    """Book from a WSGI environ in this worker thread; None hands the request back to Django."""
    try:
        return _answer(environ, slug)
    except Exception:
        # Last resort, past Django's own handling (its 500 page failing, a signal receiver): the
        # booking may have been made, so never None (Django would book again), the API's 500.
        logger.exception("Internal Server Error: %s", environ.get("PATH_INFO"))
        return 500, [(b"content-type", b"application/json")], api_errors.server_error_body()


def _answer(environ: dict, slug: str) -> tuple[int, list[tuple[bytes, bytes]], bytes] | None:
    set_script_prefix(get_script_name(environ))  # for reverse(), as Django's handler does
    signals.request_started.send(sender=__name__, environ=environ)  # stale connections closed
    try:
        request = WSGIRequest(environ)
        lang = chosen_language(request)
        timezone.deactivate()  # as OfficeTimezoneMiddleware does for a citizen
        with translation.override(lang):
            try:
                response = _respond(request, slug)
            except Exception as exc:
                # What Django does with an exception from a view: logged with the request, the
                # got_request_exception signal, and its answer (500, or 404, 400...), which the
                # API's middleware puts in the error shape. A booking's transaction has rolled
                # back, so nothing is half-written; never retried here.
                response = api_errors.in_error_shape(request, response_for_exception(request, exc))
            if response is None:
                return None
            response = _finish(request, response, lang)
    finally:
        signals.request_finished.send(sender=__name__)
    return response.status_code, guard.asgi_headers(response), response.content


def _respond(request: WSGIRequest, slug: str) -> HttpResponse | None:
    if guard.django_would_refuse(request):
        return None  # a host not allowed, plain HTTP where HTTPS is required: Django answers
    if contains_nul(request.body):
        return None  # refused by Django's middleware (antre.inputs), in the API's error shape
    try:
        payload = TicketIn.model_validate_json(request.body)
    except pydantic.ValidationError:
        return None
    _drop_if_closed()
    # The office with its service from this process's copy (antre.offices.calendar), one query at
    # most every few seconds; the booking finds the service in the same copy.
    service = calendar.bookable_service(slug, normal_code(payload.service))
    office = service.office if service else hot.first(Office, "slug = %s", [slug])
    if office is None:
        return None
    try:
        booking = book(request, office, payload, staff=None)
    except Refusal as refusal:
        return on_refusal(request, refusal)
    response = api.create_response(
        request, ticket_out(request, booking.ticket, booking.progress).model_dump(), status=201
    )
    if not booking.created:
        response.headers["Idempotent-Replayed"] = "true"
    return response


IDLE_CHECK = 5.0  # seconds idle after which a kept connection gets Django's `SELECT 1` again
_thread = threading.local()  # used_at: when this thread's connection last served a booking


def _drop_if_closed() -> None:
    """Close this thread's PostgreSQL connection if the database has closed its end.

    Django sends `SELECT 1` before a request's first query on a kept connection
    (CONN_HEALTH_CHECKS): one more round trip per booking. Under load a connection is never idle
    for long, and one the server has ended (a restart, pg_terminate_backend) has something to
    read — its goodbye, or the end of the stream — so a look at the socket tells. After
    IDLE_CHECK seconds unused, Django's check runs as usual: a host that vanished without a word
    (a failover, a reboot) leaves nothing to read.
    """
    db = connections[DEFAULT_DB_ALIAS]
    if db.connection is None or db.vendor != "postgresql" or db.in_atomic_block:
        return  # a new connection, SQLite's file, or a caller's transaction: nothing to decide here
    now = time.monotonic()
    idle, _thread.used_at = now - getattr(_thread, "used_at", 0.0), now
    if idle > IDLE_CHECK:
        return
    db.health_check_done = True  # type: ignore[attr-defined]  # Django's own flag; not in django-stubs
    try:
        poller = select.poll()  # not select(): descriptors past 1023 with thousands of open streams
        poller.register(db.connection.fileno(), select.POLLIN)
        closed = bool(poller.poll(0))
    except Exception:  # no socket left to look at: closed already
        closed = True
    if closed:
        db.close()


def _finish(request: WSGIRequest, response: HttpResponse, lang: str) -> HttpResponse:
    """What the middleware stack adds to a booking's answer on the way out."""
    response.headers.setdefault("Content-Language", lang)  # LanguageMiddleware
    patch_vary_headers(response, ("Cookie",))  # the ninja endpoint reads the session, so varies on it
    response.headers.setdefault("Content-Length", str(len(response.content)))  # CommonMiddleware
    response = guard.finish(request, response)  # security headers, CSP, no-store
    if response.status_code >= 400:
        log_response(
            "%s: %s", response.reason_phrase, request.path, response=response, request=request
        )  # django.request's warning, as the handler logs it
    return response
