"""How a staff sign-in is guarded: the address a lock-out counts, the page a locked-out login gets,
and the session that ends with the working day."""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Callable

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import logout
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from antre import clock, ratelimit

SIGNED_IN_UNTIL = "antre_signed_in_until"
# django-axes notes every sign-in (who, from where, with which browser): kept a season, not for ever.
SIGN_IN_RECORD_DAYS = 90


def client_address(request: HttpRequest) -> str:
    """The address a login comes from: the same as every limit counts (antre.ratelimit), where only
    a proxy named in ANTRE_TRUSTED_PROXIES (the local one behind ANTRE_BEHIND_HTTPS_PROXY) may name
    the client. An IPv6 client counts as its /64, given as the network's first address."""
    address = ratelimit.client_address(request)
    if "/" in address:
        return str(ipaddress.ip_network(address).network_address)
    return address


class AccountAndAddressHandler(AxesDatabaseHandler):
    """django-axes, with an account and an address locked at different counts.

    An account is locked after AXES_FAILURE_LIMIT failures, from anywhere (AXES_LOCKOUT_PARAMETERS
    is ["username"]). An address is locked only after LOGIN_FAILURES_PER_ADDRESS failures on any
    accounts: the PCs of an office often share one address, and one officer's typos must not lock
    out the whole office; someone trying many accounts from one address is still stopped.
    """

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        return super().is_locked(request, credentials) or self._address_locked(request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        """Count the failure as django-axes does; past the address's count, answer the locked-out page."""
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and not request.axes_locked_out and self._address_locked(request):
            request.axes_locked_out = True
            request.axes_credentials = credentials

    @staticmethod
    def _address_locked(request) -> bool:
        address = getattr(request, "axes_ip_address", None)
        if not address:
            return False
        since = timezone.now() - settings.AXES_COOLOFF_TIME
        failures = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(
            n=Sum("failures_since_start")
        )["n"]
        return (failures or 0) >= settings.LOGIN_FAILURES_PER_ADDRESS


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The page of a login refused because the account or the address failed too often."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"minutes": minutes}
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
