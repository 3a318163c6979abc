"""Rate limits on what an anonymous client can do often (booking), in a fixed window per client address.

Generous on purpose: in Indonesia many phones share one carrier address (CGNAT), and a morning
rush must not lock out a whole village. It stops a script filling the day's quota, not a crowd.
On PostgreSQL the counters live in the database every machine uses (an UNLOGGED table,
`antre_ratelimit`, one row per key and window, counted by one upsert), so the limit is the same
whichever machine and process a request reaches. On SQLite they are shared by the machine's server
processes through a small SQLite file of their own (`DATA_DIR/run/ratelimit.sqlite3`). If the
counter fails, requests are let through and a warning is logged: a broken counter
must never stop an office taking bookings. `ANTRE_RATELIMIT=off` turns them
off for load tests.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import sqlite3
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from antre import locks
from antre.errors import Refusal

log = logging.getLogger(__name__)

BOOKINGS_PER_MINUTE = 30


def client_address(request: HttpRequest) -> str:
    """The client's address: the socket's peer, or, when that peer is a proxy listed in
    ANTRE_TRUSTED_PROXIES, the last address its X-Forwarded-For names. Nothing else is trusted: a
    header anyone can send must not let one client pass for many."""
    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    trusted = remote in settings.TRUSTED_PROXIES
    address = forwarded.split(",")[-1].strip() if trusted and forwarded else remote
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


# One connection and one lock file per process, used by one thread at a time (_turn); an flock on
# the lock file orders the machine's processes, so none of them waits in SQLite's busy naps.
_turn = threading.Lock()
_store: dict = {"path": None, "db": None, "inode": None, "next_cleanup": 0.0}
WAIT = 1.0  # seconds a count may wait for its turn before the request is let through uncounted


def _path() -> Path:
    return Path(settings.DATA_DIR) / "run" / "ratelimit.sqlite3"


def _connect(path: Path) -> sqlite3.Connection:
    """This process's connection to the counter file (under _turn), new if the file was replaced."""
    db = _store["db"]
    try:
        inode = path.stat().st_ino
    except FileNotFoundError:
        inode = None
    if db is not None and _store["path"] == path and _store["inode"] == inode:
        return db
    if db is not None:
        db.close()
    _store.update(path=path, db=None, inode=inode)  # the file this attempt opens, for _replace
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=WAIT, isolation_level=None, check_same_thread=False)
    with contextlib.suppress(sqlite3.OperationalError):  # another process is setting it: it stays
        db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")  # with WAL, safe against power cuts; no sync per count
    db.execute(
        "CREATE TABLE IF NOT EXISTS hits (key TEXT PRIMARY KEY, n INTEGER NOT NULL, expires INTEGER NOT NULL)"
    )
    db.execute("CREATE INDEX IF NOT EXISTS hits_expires ON hits (expires)")
    _store.update(db=db, inode=path.stat().st_ino)
    return db


def _count(key: str, *, expires: int, step=None) -> int:
    """One more hit on `key`; the count so far in its window (shared by the machine's processes).
    `step`: what to do instead of counting one more (_read: only look)."""
    step = step or _hit
    deadline = time.monotonic() + WAIT
    if not _turn.acquire(timeout=WAIT):
        raise TimeoutError("rate-limit counter busy")
    try:
        path = _path()
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = locks.lock_file(f"{path}-turn.lock")
        if fd is not None:
            locks.flock_until(fd, deadline)
        try:
            try:
                return step(_connect(path), key, expires)
            except sqlite3.DatabaseError as exc:
                if not _damaged(exc):
                    raise
                _replace(path)  # still holding both locks: nobody else is at the file
                raise
        finally:
            if fd is not None:
                locks.unlock(fd)
    finally:
        _turn.release()


def _read(db: sqlite3.Connection, key: str, expires: int) -> int:
    row = db.execute("SELECT n FROM hits WHERE key = ? AND expires >= ?", (key, int(time.time()))).fetchone()
    return row[0] if row else 0


def _hit(db: sqlite3.Connection, key: str, expires: int) -> int:
    (count,) = db.execute(
        "INSERT INTO hits (key, n, expires) VALUES (?, 1, ?) ON CONFLICT (key) DO UPDATE SET n = n + 1 RETURNING n",
        (key, expires),
    ).fetchone()
    now = time.time()
    if now >= _store["next_cleanup"]:  # ended windows go, once a minute per process
        _store["next_cleanup"] = now + 60
        db.execute("DELETE FROM hits WHERE expires < ?", (int(now),))
    return count


def _damaged(exc: sqlite3.DatabaseError) -> bool:
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text


def _replace(path: Path) -> None:
    """Start a new counter file in place of a damaged one (the counts are worth nothing)."""
    if _store["db"] is not None:
        _store["db"].close()
        _store["db"] = None
    try:
        current = path.stat().st_ino
    except FileNotFoundError:
        return
    if _store["path"] == path and _store["inode"] not in (None, current):
        return  # another process has replaced it already; the next count connects anew
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            Path(f"{path}{suffix}").unlink()


def count(key: str, *, expires: int) -> int:
    """One more hit on `key`, kept until `expires` (epoch seconds); the count so far (0 if the
    counter failed: see _counted)."""
    return _counted(key, expires=expires)


def count_many(hits: list[tuple[str, int]], looks: list[str]) -> tuple[list[int], list[int]]:
    """`count` each of `hits` ((key, expires)) and `peek` each of `looks` (counts as they were before
    these hits), in one statement on PostgreSQL: a booking's proof-of-work counts cost one round trip."""
    if not shared():
        return [count(key, expires=expires) for key, expires in hits], [peek(key) for key in looks]
    try:
        return _shared_many(hits, looks)
    except DatabaseError as exc:
        log.warning("rate limit not counted, request let through: %s", exc)
        return [0] * len(hits), [0] * len(looks)


def peek(key: str) -> int:
    """The count of `key` in its window, without counting (0 if the counter failed)."""
    return _counted(key, expires=0, step=_read)


def _counted(key: str, *, expires: int, step=None) -> int:
    """_count, failing open: a broken or busy counter must not stop the office taking bookings."""
    try:
        if shared():
            return _shared_count(key, expires=expires, look=step is _read)
        return _count(key, expires=expires, step=step)
    except (sqlite3.Error, OSError, TimeoutError, DatabaseError) as exc:
        log.warning("rate limit not counted, request let through: %s", exc)
        return 0


def reset() -> None:
    """Forget every count (tests; or an office that locked itself out)."""
    if shared():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM antre_ratelimit")
        return
    with _turn:
        _connect(_path()).execute("DELETE FROM hits")


# PostgreSQL: every machine counts in one table. UNLOGGED: no write-ahead log per count (a crash of
# the database empties it, which loses nothing worth keeping) and not sent to a standby.
# A row whose window has ended starts again at 1, so a key reused after its window (the alarm) is
# never read with a stale count even before the sweep has removed it.
_HIT = (
    "INSERT INTO antre_ratelimit AS r (key, n, expires) VALUES (%s, 1, %s) ON CONFLICT (key) DO UPDATE SET "
    "n = CASE WHEN r.expires < %s THEN 1 ELSE r.n + 1 END, "
    "expires = CASE WHEN r.expires < %s THEN EXCLUDED.expires ELSE r.expires END RETURNING n"
)
# Several keys at once, in the order of their keys (two requests lock shared rows in one order);
# the looks read the rows as they were before this statement's hits (one snapshot).
_MANY = (
    "WITH hit AS (INSERT INTO antre_ratelimit AS r (key, n, expires) "
    "SELECT k, 1, e FROM unnest(%s::text[], %s::bigint[]) AS t(k, e) ORDER BY k "
    "ON CONFLICT (key) DO UPDATE SET "
    "n = CASE WHEN r.expires < %s THEN 1 ELSE r.n + 1 END, "
    "expires = CASE WHEN r.expires < %s THEN EXCLUDED.expires ELSE r.expires END RETURNING key, n) "
    "SELECT 'hit', key, n FROM hit UNION ALL "
    "SELECT 'look', key, n FROM antre_ratelimit WHERE key = ANY(%s) AND expires >= %s"
)
_PEEK = "SELECT n FROM antre_ratelimit WHERE key = %s AND expires >= %s"
_SWEEP = "DELETE FROM antre_ratelimit WHERE expires < %s"
_sweep_due = {"at": 0.0}


def shared() -> bool:
    """Counted in the database every machine uses (PostgreSQL), rather than in this machine's file."""
    return connection.vendor == "postgresql"


def _shared_count(key: str, *, expires: int, look: bool) -> int:
    """One statement on the request's own connection: in autocommit outside a transaction; inside
    one (the WhatsApp bot), in a savepoint, so that a failed count does not spoil the transaction."""
    now = int(time.time())
    savepoint = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
    with savepoint, connection.cursor() as cursor:
        if look:
            cursor.execute(_PEEK, (key, now))
        else:
            cursor.execute(_HIT, (key, expires, now, now))
        row = cursor.fetchone()
        if not look and time.time() >= _sweep_due["at"]:  # ended windows go, once a minute per process
            _sweep_due["at"] = time.time() + 60
            cursor.execute(_SWEEP, (now,))
    return row[0] if row else 0


def _shared_many(hits: list[tuple[str, int]], looks: list[str]) -> tuple[list[int], list[int]]:
    now = int(time.time())
    keys, expires = [key for key, _ in hits], [expires for _, expires in hits]
    savepoint = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
    with savepoint, connection.cursor() as cursor:
        cursor.execute(_MANY, (keys, expires, now, now, looks, now))
        found = {(kind, key): n for kind, key, n in cursor.fetchall()}
    return [found.get(("hit", key), 0) for key in keys], [found.get(("look", key), 0) for key in looks]
