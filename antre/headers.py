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
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

NO_STORE = "no-store"


_PER_VIEW = ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt", "_csp_config_ro", "_csp_update_ro")
_built: dict[int, str] = {}


def _sorted(policy: str) -> str:
    # django-csp walks a set: each server process would spell the same policy in its own order.
    return "; ".join(sorted(policy.split("; ")))


def _site_policy() -> str:
    """The policy of settings.CONTENT_SECURITY_POLICY, built once per settings object."""
    config = settings.CONTENT_SECURITY_POLICY
    if id(config) not in _built:
        _built[id(config)] = _sorted(build_policy())
    return _built[id(config)]


class ContentSecurityPolicy(CSPMiddleware):
    """django-csp's middleware, its policy built once instead of on every answer (a booking in the
    rush would spend more on building it than on its own insert), its directives in a fixed order.
    An answer with a view's own policy, a nonce or an exemption goes through django-csp as usual."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if HEADER in response or (settings.DEBUG and response.status_code in (404, 500)):
            return response
        if any(hasattr(response, name) for name in _PER_VIEW) or isinstance(
            getattr(request, "_csp_nonce", None), str
        ):
            response = super().process_response(request, response)
            if HEADER in response:
                response[HEADER] = _sorted(response[HEADER])
            return response
        response[HEADER] = _site_policy()
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
