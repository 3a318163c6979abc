"""Rate limits on what an anonymous client can do often (booking), in a fixed window per client address.

Generous on purpose: in Indonesia many phones share one carrier address (CGNAT), and a morning
rush must not lock out a whole village. It stops a script filling the day's quota, not a crowd.
Counters live in Django's cache (per process); `ANTRE_RATELIMIT=off` turns them off for load tests.
"""

from __future__ import annotations

import ipaddress
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _

from antre.errors import Refusal

BOOKINGS_PER_MINUTE = 30


def client_address(request: HttpRequest) -> str:
    """The client's address; behind a reverse proxy on this machine, the one the proxy saw."""
    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    try:
        local_proxy = ipaddress.ip_address(remote).is_loopback
    except ValueError:
        local_proxy = False
    address = forwarded.split(",")[-1].strip() if local_proxy and forwarded else remote
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        # One IPv6 subscriber holds a whole /64: count the network, not each address in it.
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return address


def check(request: HttpRequest, *, scope: str, limit: int, window: int = 60) -> None:
    """Count one more `scope` action for this client; refuse with 429 past `limit` per `window` s."""
    if not settings.RATELIMIT_ENABLED:
        return
    now = int(time.time())
    slot = now - now % window
    key = f"rl:{scope}:{client_address(request)}:{slot}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr: start again
        cache.set(key, 1, timeout=window + 5)
        count = 1
    if count > limit:
        retry_after = slot + window - now
        raise Refusal(
            "rate_limited",
            _("Terlalu banyak permintaan dari alamat Anda. Coba lagi dalam %(n)s detik.")
            % {"n": retry_after},
            status=429,
            extra={"retry_after": retry_after},
        )
