"""`antre backup` and `antre restore`.

On the embedded default (SQLite) the backup uses SQLite's online backup API: a consistent copy
while the office keeps booking and calling, with no need to stop the server. On PostgreSQL they
are pg_dump and pg_restore onto a new, empty database (antre.db.pgdump): the dump holds the
citizens' documents too.

A restore replaces the data under the feet of whoever uses it: a server that answered a booking
201 would lose it and hand its number out again. So `antre serve` (each of its processes) and
`antre worker` hold a shared lock on a file beside the database for as long as they run
(`mark_in_use`), and a restore goes ahead only with that lock to itself.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from django.conf import settings
from django.db import connection

from antre import locks
from antre.db import pgdump


class BackupError(Exception):
    pass


def _live_sqlite_path() -> Path:
    if connection.vendor != "sqlite":
        raise BackupError(
            "Basis data PostgreSQL dicadangkan dengan alatnya sendiri: pg_dump -Fc -f antre.dump NAMA_DB "
            "(pulihkan dengan pg_restore). Lihat docs/operations.md."
        )
    return Path(settings.DATABASES["default"]["NAME"])


def _in_use_file() -> str | None:
    if connection.vendor != "sqlite":
        return None  # PostgreSQL is restored with pg_restore, never by `antre restore`
    return f"{settings.DATABASES['default']['NAME']}-in-use.lock"


def mark_in_use() -> None:
    """Keep `antre restore` off this database while this process runs (a server or the worker)."""
    path = _in_use_file()
    if path and not locks.hold_shared(path):
        raise SystemExit("Pemulihan data sedang berjalan pada data ini. Tunggu sampai selesai, lalu ulangi.")


def _check(path: Path) -> None:
    """Refuse, before anything is replaced, a file that is not a whole Antre database."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = db.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            db.close()
    except sqlite3.DatabaseError:
        raise BackupError(
            f"{path} bukan cadangan Antre yang dapat dibaca (rusak, terpotong, atau bukan berkas basis data). "
            "Data saat ini tidak diubah."
        ) from None
    if result != "ok":
        raise BackupError(f"{path} rusak ({result}). Data saat ini tidak diubah.")
    if not {"django_migrations", "queueing_ticket", "offices_office"} <= tables:
        raise BackupError(f"{path} bukan cadangan Antre: tabelnya tidak ada. Data saat ini tidak diubah.")


def backup(target: Path | None = None) -> Path:
    """Copy the live database to `target` (default: the data dir's backups/), consistently, while it runs."""
    if target is None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        suffix = "sqlite3" if connection.vendor == "sqlite" else "dump"
        target = Path(settings.DATA_DIR) / "backups" / f"antre-{stamp}.{suffix}"
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if connection.vendor == "postgresql":
        try:
            pgdump.dump(settings.DATABASES["default"], target)
        except pgdump.DumpError as exc:
            raise BackupError(str(exc)) from None
        return target
    live = _live_sqlite_path()
    partial = target.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(live, timeout=30)
    copy = sqlite3.connect(partial)
    try:
        # Small steps, so bookings keep flowing while the copy is made.
        source.backup(copy, pages=256, sleep=0.005)
    finally:
        copy.close()
        source.close()
    _check(partial)
    partial.chmod(0o600)
    partial.replace(target)
    return target


def restore(source: Path, database: dict | None = None) -> None:
    """Replace the live database with a backup, after checking the backup is whole. On PostgreSQL,
    restore into `database` (default: the configured one), which must be new and empty."""
    if connection.vendor == "postgresql":
        try:
            pgdump.load(database or settings.DATABASES["default"], source)
        except pgdump.DumpError as exc:
            raise BackupError(str(exc)) from None
        return
    live = _live_sqlite_path()
    if not source.is_file():
        raise BackupError(f"{source} tidak ada.")
    _check(source)
    alone = locks.try_exclusive(str(_in_use_file()))
    if alone is None:
        raise BackupError(
            "Antre masih berjalan pada data ini (antre serve atau antre worker). Hentikan server dan worker "
            "dahulu, lalu ulangi pemulihan. Data saat ini tidak diubah."
        )
    try:
        connection.close()
        backup_db = sqlite3.connect(source)
        live_db = sqlite3.connect(live, timeout=30)
        try:
            backup_db.backup(live_db)
        finally:
            live_db.close()
            backup_db.close()
    finally:
        locks.release(alone)
