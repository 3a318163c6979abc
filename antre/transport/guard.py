"""Django's checks and security headers for the lanes that answer before Django (SSE, bookings).

Those lanes skip the middleware stack for speed, not for its rules: a request Django would refuse
before any view (a host not in ALLOWED_HOSTS, plain HTTP where HTTPS is required) is handed to
Django, which answers it as it answers every other; an answer given here leaves with the headers
the stack would add (HSTS, nosniff, referrer policy, frame denial, the Content-Security-Policy and
Cache-Control: no-store), made by the same middlewares.
"""

from __future__ import annotations

import io

from a2wsgi.wsgi import build_environ
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest, HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.security import SecurityMiddleware

from antre.headers import ContentSecurityPolicy, no_store


def _unused(request):  # the middlewares below are used for their request/response hooks only
    raise AssertionError("not called")


_security = SecurityMiddleware(_unused)
_frame_options = XFrameOptionsMiddleware(_unused)
_csp = ContentSecurityPolicy(_unused)


def environ_for(scope: dict, body: bytes = b"") -> dict:
    """The WSGI environ of an ASGI request whose body is already read."""
    # a2wsgi types the input as its own streaming Body; WSGI asks only for a file-like object.
    return dict(build_environ(scope, io.BytesIO(body)))  # type: ignore[arg-type]


def request_for(scope: dict) -> WSGIRequest:
    """Django's request object for an ASGI request without a body (a stream's GET)."""
    return WSGIRequest(environ_for(scope))


def django_would_refuse(request: HttpRequest) -> bool:
    """Whether Django would answer this request before any view: leave it to Django then."""
    try:
        request.get_host()
    except DisallowedHost:
        return True
    return _security.process_request(request) is not None  # SECURE_SSL_REDIRECT


def finish(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """The security headers the middleware stack adds to an answer on its way out (in place)."""
    _security.process_response(request, response)
    _frame_options.process_response(request, response)
    _csp.process_response(request, response)
    no_store(response)
    return response


def asgi_headers(response: HttpResponse) -> list[tuple[bytes, bytes]]:
    return [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in response.items()]
