"""`antre backup` and `antre restore` for the embedded default (SQLite).

The backup uses SQLite's online backup API: a consistent copy while the office keeps booking and
calling, with no need to stop the server. PostgreSQL is backed up with its own tools (pg_dump);
docs/operations.md says how.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from django.conf import settings
from django.db import connection


class BackupError(Exception):
    pass


def _live_sqlite_path() -> Path:
    if connection.vendor != "sqlite":
        raise BackupError(
            "Basis data PostgreSQL dicadangkan dengan alatnya sendiri: pg_dump -Fc -f antre.dump NAMA_DB "
            "(pulihkan dengan pg_restore). Lihat docs/operations.md."
        )
    return Path(settings.DATABASES["default"]["NAME"])


def _check(path: Path) -> None:
    with sqlite3.connect(path) as db:
        result = db.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise BackupError(f"{path} rusak: {result}")


def backup(target: Path | None = None) -> Path:
    """Copy the live database to `target` (default: the data dir's backups/), consistently, while it runs."""
    live = _live_sqlite_path()
    if target is None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = Path(settings.DATA_DIR) / "backups" / f"antre-{stamp}.sqlite3"
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
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


def restore(source: Path) -> None:
    """Replace the live database with a backup, after checking the backup is whole."""
    live = _live_sqlite_path()
    if not source.exists():
        raise BackupError(f"{source} tidak ada.")
    _check(source)
    connection.close()
    backup_db = sqlite3.connect(source)
    live_db = sqlite3.connect(live, timeout=30)
    try:
        backup_db.backup(live_db)
    finally:
        live_db.close()
        backup_db.close()
