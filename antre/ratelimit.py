"""Rate limits on what an anonymous client can do often (booking), in a fixed window per client address.

Generous on purpose: in Indonesia many phones share one carrier address (CGNAT), and a morning
rush must not lock out a whole village. It stops a script filling the day's quota, not a crowd.
The counters are shared by every server process of the machine: a small SQLite file of their own
(`DATA_DIR/run/ratelimit.sqlite3`), so the limit is the same whichever process a request
reaches. If that file fails, requests are let through and a warning is logged: a broken counter
must never stop an office taking bookings. `ANTRE_RATELIMIT=off` turns them
off for load tests.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import os
import sqlite3
import threading
import time
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from antre.errors import Refusal

log = logging.getLogger(__name__)

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
    count = _counted(f"{scope}:{client_address(request)}:{slot}", expires=slot + window)
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
_turn = threading.Lock()  # one thread of this process at the file at a time; flock orders processes
_next_cleanup = 0.0

try:
    import fcntl
except ImportError:  # Windows: one server process
    fcntl = None


def _store() -> sqlite3.Connection:
    path = Path(settings.DATA_DIR) / "run" / "ratelimit.sqlite3"
    db = getattr(_local, "db", None)
    if db is None or getattr(_local, "path", None) != path:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=5, isolation_level=None)
        with contextlib.suppress(sqlite3.OperationalError):  # another process is setting it: it stays
            db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")  # with WAL, safe against power cuts; no sync per count
        db.execute(
            "CREATE TABLE IF NOT EXISTS hits (key TEXT PRIMARY KEY, n INTEGER NOT NULL, expires INTEGER NOT NULL)"
        )
        db.execute("CREATE INDEX IF NOT EXISTS hits_expires ON hits (expires)")
        _local.db, _local.path = db, path
        if fcntl and getattr(_local, "lock_path", None) != path:
            if getattr(_local, "lock_fd", None) is not None:
                os.close(_local.lock_fd)
            _local.lock_fd = os.open(f"{path}-turn.lock", os.O_RDWR | os.O_CREAT, 0o600)
            _local.lock_path = path
        elif not fcntl:
            _local.lock_fd = None
    return db


def _count(key: str, *, expires: int) -> int:
    """One more hit on `key`; the count so far in its window (shared by the machine's processes)."""
    global _next_cleanup
    db = _store()
    with _turn:
        if _local.lock_fd is not None:
            fcntl.flock(_local.lock_fd, fcntl.LOCK_EX)  # held for one short statement at a time
        try:
            (count,) = db.execute(
                "INSERT INTO hits (key, n, expires) VALUES (?, 1, ?) "
                "ON CONFLICT (key) DO UPDATE SET n = n + 1 RETURNING n",
                (key, expires),
            ).fetchone()
            now = time.time()
            if now >= _next_cleanup:  # ended windows go, once a minute per process
                _next_cleanup = now + 60
                db.execute("DELETE FROM hits WHERE expires < ?", (int(now),))
        finally:
            if _local.lock_fd is not None:
                fcntl.flock(_local.lock_fd, fcntl.LOCK_UN)
    return count


def _counted(key: str, *, expires: int) -> int:
    """_count, failing open: a broken counter file must not stop the office taking bookings."""
    try:
        return _count(key, expires=expires)
    except sqlite3.Error as exc:
        log.warning("rate limit not counted, request let through: %s", exc)
        if not isinstance(exc, sqlite3.OperationalError):  # a damaged file: start a new one
            _local.db = None
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(OSError):
                    (Path(settings.DATA_DIR) / "run" / f"ratelimit.sqlite3{suffix}").unlink()
        return 0


def reset() -> None:
    """Forget every count (tests; or an office that locked itself out)."""
    _store().execute("DELETE FROM hits")
