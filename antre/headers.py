"""The headers every answer gets on its way out: the Content-Security-Policy, and Cache-Control:
no-store on every dynamic answer that does not say how it may be cached.

Pages, files and API answers show personal data (a ticket's page, the receipt PDF, the back
office's applications and documents, the console, the gate): a shared office PC's browser cache
or a proxy must not keep them. One rule for every dynamic answer is simpler than a list that a new
page could miss. Answers that choose their own caching keep it: static files (WhiteNoise), the
display's spoken announcements, Django's never_cache pages.
"""

from __future__ import annotations

from csp.constants import HEADER
from csp.middleware import CSPMiddleware
from django.http import HttpRequest, HttpResponseBase

NO_STORE = "no-store"


class ContentSecurityPolicy(CSPMiddleware):
    """django-csp's middleware, with the directives in a fixed order: django-csp walks a set, so
    each server process would otherwise send the same policy spelled differently."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        response = super().process_response(request, response)
        if HEADER in response:
            response[HEADER] = "; ".join(sorted(response[HEADER].split("; ")))
        return response


def no_store(response: HttpResponseBase) -> HttpResponseBase:
    if not response.has_header("Cache-Control"):
        response["Cache-Control"] = NO_STORE
    return response


class NoStore:
    """Middleware: `no_store` on every answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return no_store(self.get_response(request))
