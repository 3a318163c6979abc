"""ANTRE_DATABASE_URL read into Django's DATABASES entry, with several PostgreSQL hosts allowed.

A province's database has a standby that takes over when the primary fails (docs/deployment.md).
libpq connects to the first of several hosts that answers as asked, so the servers find the new
primary by themselves after a promotion:

    postgres://antre@db1:5432,db2:5432/antre?target_session_attrs=read-write

dj-database-url reads one host only (a list with ports is not a port it can parse), so the host
list is taken out before it reads the rest and handed to Django as libpq takes it: HOST "db1,db2",
PORT "5432,5432". The query's libpq options (target_session_attrs, connect_timeout, sslmode...)
reach psycopg through OPTIONS as before.
"""

from __future__ import annotations

import urllib.parse
from typing import Any

import dj_database_url

# libpq's options for a host that vanishes (a machine off, a cable out): it answers nothing, and the
# operating system would wait minutes. Each host gets 5 s to take a connection before the next is
# tried; a statement sent is given up when the server has not acknowledged it for 10 s
# (TCP_USER_TIMEOUT, Linux); an idle connection is probed after 10 s, every 3 s, 3 times (a kept
# connection or the hub's LISTEN learns of the loss). A URL's own values win. A local socket
# ignores the TCP ones.
TIMEOUTS = {
    "connect_timeout": 5,
    "tcp_user_timeout": 10_000,
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 3,
    "keepalives_count": 3,
}
_PLACEHOLDER = "antre-multihost"


def parse(url: str) -> dict[str, Any]:
    """Django's settings of one database (a plain dict) from a URL that may name several hosts."""
    parts = urllib.parse.urlsplit(url)
    userinfo, at, hostlist = parts.netloc.rpartition("@")
    if "," not in hostlist:
        return dict(dj_database_url.parse(url))
    hosts, ports = zip(*(_host_and_port(item) for item in hostlist.split(",")), strict=True)
    one = parts._replace(netloc=f"{userinfo}{at}{_PLACEHOLDER}")
    db: dict[str, Any] = dict(dj_database_url.parse(urllib.parse.urlunsplit(one)))
    db["HOST"] = ",".join(hosts)
    # libpq takes one port for all hosts, or one per host; a host without one gets the default.
    db["PORT"] = ",".join(p or "5432" for p in ports) if any(ports) else ""
    return db


def _host_and_port(item: str) -> tuple[str, str]:
    item = item.strip()
    if item.startswith("["):  # [::1]:5432
        host, _, rest = item[1:].partition("]")
        return host, rest.removeprefix(":")
    host, _, port = item.partition(":")
    if not host or (port and not port.isdigit()):
        # As antre.config refuses a setting it cannot read: a message, no traceback.
        raise SystemExit(f"ANTRE_DATABASE_URL: alamat server basis data {item!r} tidak dapat dibaca.")
    return urllib.parse.unquote(host), port


def with_timeouts(db: dict[str, Any]) -> dict[str, Any]:
    """A PostgreSQL entry with libpq's TIMEOUTS where the URL set none: a failover never hangs."""
    options = db.setdefault("OPTIONS", {})
    for name, value in TIMEOUTS.items():
        options.setdefault(name, value)
    return db
