"""Whether an error means the database cannot be reached just now: a failover, a restart.

Then the answer is 503 with Retry-After (antre.api_errors.unavailable), never a 500: the client is
not at fault and nothing is broken in Antre; the same request succeeds once libpq finds the primary
again (antre.db.url). Django wraps psycopg's errors in its own OperationalError and InterfaceError;
the cause tells a lost or refused connection (no SQLSTATE: the socket closed, no host took the
connection) and the server's own goodbyes (class 08, a shutdown, a standby still starting, a
transaction refused as read-only by a server that is no primary any more) from an error of the
statement itself (a timeout, an SQLite table missing), which stays a 500.
"""

from __future__ import annotations

from django.db import DatabaseError

RETRY_AFTER_SECONDS = 5  # what a client is told to wait: about as long as a promotion takes
# 57P01 admin_shutdown (also pg_terminate_backend), 57P02 crash_shutdown, 57P03 cannot_connect_now,
# 25006 read_only_sql_transaction (a standby, or an old primary come back as one).
_GOODBYES = {"57P01", "57P02", "57P03", "25006"}


def unreachable(exc: BaseException | None) -> bool:
    """True for an error that says the PostgreSQL server is gone or not the primary."""
    if isinstance(exc, DatabaseError):  # Django's wrapper; psycopg's error is its cause
        exc = exc.__cause__ or exc
    if not type(exc).__module__.startswith("psycopg"):
        return False  # SQLite's errors, or Django's own: not a lost server
    import psycopg  # lazy: loaded already whenever a psycopg error exists

    if isinstance(exc, psycopg.InterfaceError):
        return True  # "the connection is closed"
    state = getattr(exc, "sqlstate", None)
    if state is None:  # no answer from a server: the connection was refused, lost or closed
        return isinstance(exc, psycopg.OperationalError)
    return state.startswith("08") or state in _GOODBYES
