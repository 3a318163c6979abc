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

# Seconds libpq waits for each host to answer before it tries the next: a host that vanished (a
# machine off, a cable out) answers nothing, and the operating system would wait minutes.
CONNECT_TIMEOUT = 5
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
        raise ValueError(f"ANTRE_DATABASE_URL: host {item!r} tidak dapat dibaca")
    return urllib.parse.unquote(host), port


def with_timeouts(db: dict[str, Any]) -> dict[str, Any]:
    """A PostgreSQL entry with libpq's connect_timeout unless the URL set one."""
    db.setdefault("OPTIONS", {}).setdefault("connect_timeout", CONNECT_TIMEOUT)
    return db
