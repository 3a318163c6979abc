"""`antre backup` and `antre restore` on PostgreSQL: pg_dump and pg_restore, PostgreSQL's own tools.

The dump holds everything an office has, the citizens' documents included (on PostgreSQL they are
rows: antre.applications.storage). The personal-data key file is not in it: it is kept apart, as
shared configuration of every machine (docs/deployment.md), and a restore needs the same one.
A restore goes only onto a new, empty database (a new machine, or a database made for it): onto a
database in use it would hand out numbers already given, so it is refused.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

import psycopg
from psycopg.conninfo import make_conninfo


class DumpError(Exception):
    pass


def tool(name: str) -> str:
    """pg_dump or pg_restore: on the PATH, else in the newest of Debian's /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    if not candidates:
        raise DumpError(f"{name} tidak ditemukan. Pasang klien PostgreSQL (postgresql-client).")
    return candidates[-1]


def _conninfo(database: dict) -> tuple[str, dict[str, str]]:
    """The libpq connection string of a Django database, and the environment with its password."""
    options = {key: value for key, value in (database.get("OPTIONS") or {}).items() if isinstance(value, str)}
    parts = {
        "dbname": database.get("NAME"),
        "host": database.get("HOST") or None,
        "port": str(database["PORT"]) if database.get("PORT") else None,
        "user": database.get("USER") or None,
        **options,
    }
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    return make_conninfo(**{k: v for k, v in parts.items() if v}), env


def _run(argv: list[str], env: dict[str, str], failed: str) -> str:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise DumpError(f"{failed}: {done.stderr.strip()[-500:]}")
    return done.stdout


def check(path: Path) -> None:
    """Refuse a file that is not a whole dump of an Antre database."""
    if not path.is_file():
        raise DumpError(f"{path} tidak ada.")
    listing = _run(
        [tool("pg_restore"), "--list", str(path)], dict(os.environ), f"{path} bukan cadangan pg_dump"
    )
    for table in ("django_migrations", "queueing_ticket", "offices_office", "applications_storedfile"):
        if f" TABLE DATA public {table} " not in listing:
            raise DumpError(f"{path} bukan cadangan Antre yang utuh: tabel {table} tidak ada.")


def dump(database: dict, target: Path) -> None:
    """A consistent dump of the live database (pg_dump reads one snapshot while the office works)."""
    conninfo, env = _conninfo(database)
    partial = target.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    try:
        _run(
            [
                tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={partial}",
                conninfo,
            ],
            env,
            "pg_dump gagal",
        )
        partial.chmod(0o600)
        check(partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(target)


def is_empty(database: dict) -> bool:
    conninfo, env = _conninfo(database)
    with psycopg.connect(conninfo, password=env.get("PGPASSWORD")) as db:
        row = db.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
    return row is not None and row[0] == 0


def load(database: dict, source: Path) -> None:
    """Restore `source` into `database`, which must be empty; all of it or, on an error, stopped."""
    check(source)
    if not is_empty(database):
        raise DumpError(
            f"Basis data {database.get('NAME')} tidak kosong. Pulihkan ke basis data baru yang kosong "
            "(createdb), lalu arahkan ANTRE_DATABASE_URL ke sana. Data saat ini tidak diubah."
        )
    conninfo, env = _conninfo(database)
    _run(
        [
            tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={conninfo}",
            str(source),
        ],
        env,
        "pg_restore gagal",
    )
