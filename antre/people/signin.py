"""How a staff sign-in is guarded: the address a lock-out counts, the page a locked-out login gets,
and the session that ends with the working day."""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Callable

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from antre import clock

SIGNED_IN_UNTIL = "antre_signed_in_until"
# django-axes notes every sign-in (who, from where, with which browser): kept a season, not for ever.
SIGN_IN_RECORD_DAYS = 90


def client_address(request: HttpRequest) -> str:
    """The address a login comes from: the socket's. Behind Antre's own reverse proxy
    (ANTRE_BEHIND_HTTPS_PROXY) the socket is the proxy, so the address it appended last to
    X-Forwarded-For; anything before that was written by the client and is never trusted."""
    remote = request.META.get("REMOTE_ADDR", "")
    if settings.BEHIND_HTTPS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(forwarded))
        except ValueError:
            pass  # no or a garbled header: the proxy's own address, which still counts somewhere
    return remote


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The page of a login refused because the account or the address failed too often."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"minutes": minutes, "failures": settings.AXES_FAILURE_LIMIT}
    return render(request, "people/locked_out.html", context, status=429)


def start_working_day(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """Note when the session just signed in ends: a working day from now, however busy."""
    if request is None or not hasattr(request, "session"):
        return
    until = clock.now() + dt.timedelta(hours=settings.STAFF_SESSION_HOURS)
    request.session[SIGNED_IN_UNTIL] = until.timestamp()


class WorkingDaySession:
    """Signs an officer out once their working day is over, even on a page kept open all night.

    Django renews a session's expiry whenever it is saved; this end is fixed at login. Citizens
    without a session cookie are not looked at (no session is loaded for them).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            until = request.session.get(SIGNED_IN_UNTIL)
            if until is not None and clock.now().timestamp() >= until:
                logout(request)  # the page itself then sends them to the login, as anyone signed out
        return self.get_response(request)


def forget_old_sign_ins(now: dt.datetime) -> int:
    """Delete the records of sign-ins and failures older than SIGN_IN_RECORD_DAYS (the worker's job)."""
    cutoff = now - dt.timedelta(days=SIGN_IN_RECORD_DAYS)
    removed = 0
    for model in (AccessLog, AccessFailureLog, AccessAttempt):
        removed += model.objects.filter(attempt_time__lt=cutoff).delete()[0]
    return removed
