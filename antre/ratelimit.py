"""Rate limits on what an anonymous client can do often (booking), in a fixed window per client address.

Generous on purpose: in Indonesia many phones share one carrier address (CGNAT), and a morning
rush must not lock out a whole village. It stops a script filling the day's quota, not a crowd.
The counters are shared by every server process of the machine: a small SQLite file of their own
(`DATA_DIR/run/ratelimit.sqlite3`, not synced to disk: losing counts in a power cut is harmless),
so the limit is the same whichever process a request reaches. `ANTRE_RATELIMIT=off` turns them
off for load tests.
"""

from __future__ import annotations

import ipaddress
import sqlite3
import threading
import time
from pathlib import Path

from django.conf import settings
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
    count = _count(f"{scope}:{client_address(request)}:{slot}", expires=slot + window)
    if count > limit:
        retry_after = slot + window - now
        raise Refusal(
            "rate_limited",
            _("Terlalu banyak permintaan dari alamat Anda. Coba lagi dalam %(n)s detik.")
            % {"n": retry_after},
            status=429,
            extra={"retry_after": retry_after},
        )


_local = threading.local()


def _store() -> sqlite3.Connection:
    path = Path(settings.DATA_DIR) / "run" / "ratelimit.sqlite3"
    db = getattr(_local, "db", None)
    if db is None or getattr(_local, "path", None) != path:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=5, isolation_level=None, check_same_thread=True)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=OFF")
        db.execute(
            "CREATE TABLE IF NOT EXISTS hits (key TEXT PRIMARY KEY, n INTEGER NOT NULL, expires INTEGER NOT NULL)"
        )
        _local.db, _local.path = db, path
    return db


def _count(key: str, *, expires: int) -> int:
    """One more hit on `key`; the count so far in its window (shared by the machine's processes)."""
    db = _store()
    (count,) = db.execute(
        "INSERT INTO hits (key, n, expires) VALUES (?, 1, ?) ON CONFLICT (key) DO UPDATE SET n = n + 1 RETURNING n",
        (key, expires),
    ).fetchone()
    if count == 1:  # a new window for someone: a good moment to drop the ended ones
        db.execute("DELETE FROM hits WHERE expires < ?", (int(time.time()),))
    return count


def reset() -> None:
    """Forget every count (tests; or an office that locked itself out)."""
    _store().execute("DELETE FROM hits")
