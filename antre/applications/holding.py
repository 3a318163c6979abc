"""Documents that passed their check on an application form refused for something else.

They are held for that form (a random id in a hidden field) and the browser session that sent them,
so the citizen does not choose them again: in `storages["held"]` (antre.applications.storage), the
database on PostgreSQL (the form's next send may reach another machine), DATA_DIR/held/ on SQLite
(outside any web root). A form's files and its manifest are named `<form id>/...`. A form sent
successfully releases them; the worker removes forms left untouched for HOLD_FOR.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction

try:
    import fcntl

    HAVE_FLOCK = True
except ImportError:
    HAVE_FLOCK = False

from antre import clock
from antre.applications.storage import DatabaseStorage, FolderStorage
from antre.applications.storage import held as store
from antre.applications.uploads import CheckedUpload

HOLD_FOR = dt.timedelta(hours=2)
_FORM_ID = re.compile(r"[A-Za-z0-9_-]{32}")
_MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Holding:
    """One application form of one browser session: `owner` is a secret kept in that session."""

    form_id: str
    owner: str
    kind: str  # the kind's code: a form id sent to another kind's form holds nothing there


def new_form_id() -> str:
    return secrets.token_urlsafe(24)  # 32 characters


def valid_form_id(form_id: str | None) -> bool:
    return form_id is not None and _FORM_ID.fullmatch(form_id) is not None


LOCK_SPACE = 0x68656C64  # "held": the first key of a form's advisory lock (PostgreSQL)


def forms() -> list[str]:
    """The form ids with something held (checks and tests)."""
    try:
        return store().listdir("")[0]
    except FileNotFoundError:  # SQLite: nothing held yet, no folder
        return []


def _owner_hash(owner: str) -> str:
    return hashlib.sha256(owner.encode()).hexdigest()


def _read(form_id: str) -> dict | None:
    try:
        with store().open(f"{form_id}/{_MANIFEST}") as handle:
            manifest = json.loads(handle.read())
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) and isinstance(manifest.get("files"), dict) else None


def _mine(holding: Holding, manifest: dict, now: dt.datetime) -> bool:
    if manifest.get("kind") != holding.kind:
        return False
    if not hmac.compare_digest(str(manifest.get("owner", "")), _owner_hash(holding.owner)):
        return False  # held for another browser: never shown, used or replaced here
    try:
        touched = dt.datetime.fromisoformat(manifest["touched"])
    except (KeyError, TypeError, ValueError):
        return False
    return now - touched < HOLD_FOR


def _form(holding: Holding | None) -> str | None:
    return holding.form_id if holding and valid_form_id(holding.form_id) else None


def _held_here(holding: Holding | None, now: dt.datetime) -> tuple[str, dict] | None:
    """The form's id and manifest, when it holds documents for this browser that have not expired."""
    form_id = _form(holding)
    manifest = _read(form_id) if form_id else None
    if holding is None or form_id is None or manifest is None or not _mine(holding, manifest, now):
        return None
    return form_id, manifest


def received(holding: Holding | None, *, now: dt.datetime | None = None) -> dict[str, str]:
    """The requirement codes held for this form, with the name of the file the citizen chose."""
    found = _held_here(holding, now or clock.now())
    if found is None:
        return {}
    _, manifest = found
    return {code: str(entry.get("name", "")) for code, entry in manifest["files"].items()}


def held(holding: Holding | None, *, now: dt.datetime | None = None) -> dict[str, CheckedUpload]:
    """The documents held for this form, as checked when they arrived; any that cannot be read are left out."""
    found = _held_here(holding, now or clock.now())
    if found is None:
        return {}
    form_id, manifest = found
    out = {}
    for code, entry in manifest["files"].items():
        try:
            with store().open(f"{form_id}/{Path(entry['file']).name}") as handle:
                data = handle.read()
        except (OSError, KeyError, TypeError):
            continue
        if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
            continue
        out[code] = CheckedUpload(
            data=data,
            content_type=entry["content_type"],
            extension=entry["extension"],
            name=entry["name"],
            sha256=entry["sha256"],
        )
    return out


def _lock_path(form_id: str) -> Path:
    """Beside the data, not in it: a folder removed and made again keeps one lock."""
    locks = Path(settings.DATA_DIR) / "run" / "held-locks"
    locks.mkdir(mode=0o700, parents=True, exist_ok=True)
    return locks / f"{form_id}.lock"


@contextlib.contextmanager
def _turn(form_id: str):
    """One request at a time on a form (a double tap sends the form twice at once): on PostgreSQL a
    transaction holding the form's advisory lock, whichever machine each send reaches; on SQLite
    an flock among the machine's processes."""
    if isinstance(store(), DatabaseStorage):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [LOCK_SPACE, form_id])
            yield
        return
    if not HAVE_FLOCK:  # Windows: one process, and forms are rare enough
        yield
        return
    with open(_lock_path(form_id), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def keep(
    holding: Holding | None, uploads: dict[str, CheckedUpload], *, now: dt.datetime | None = None
) -> None:
    """Hold these checked documents for the form, replacing any held for the same requirement."""
    form_id = _form(holding)
    if holding is None or form_id is None or not uploads:
        return
    with _turn(form_id):
        _keep(holding, form_id, uploads, now or clock.now())


def _keep(holding: Holding, form_id: str, uploads: dict[str, CheckedUpload], now: dt.datetime) -> None:
    manifest = _read(form_id)
    if manifest is not None and not _mine(holding, manifest, now):
        if manifest.get("owner") != _owner_hash(holding.owner):
            return  # another browser's form id: leave its documents alone
        manifest = None  # our own, expired: start again
    if manifest is None:
        _remove(form_id)
        manifest = {"owner": _owner_hash(holding.owner), "kind": holding.kind, "files": {}}
    replaced = []
    for code, upload in uploads.items():
        name = f"{secrets.token_hex(12)}.{upload.extension}"
        store().save(f"{form_id}/{name}", ContentFile(upload.data))
        if code in manifest["files"]:
            replaced.append(manifest["files"][code]["file"])
        manifest["files"][code] = {
            "file": name,
            "name": upload.name,
            "content_type": upload.content_type,
            "extension": upload.extension,
            "sha256": upload.sha256,
        }
    manifest["touched"] = now.isoformat()
    store().replace(f"{form_id}/{_MANIFEST}", json.dumps(manifest).encode())  # the old list or the new
    for name in replaced:
        store().delete(f"{form_id}/{Path(name).name}")


def _remove(form_id: str) -> None:
    """Everything held for the form, its folder too on SQLite."""
    files = store()
    for name in files.names(f"{form_id}/"):
        files.delete(name)
    if isinstance(files, FolderStorage):
        shutil.rmtree(Path(files.location) / form_id, ignore_errors=True)


def release(holding: Holding | None) -> None:
    """The form was sent: its held documents are stored with the application, the copies go."""
    form_id = _form(holding)
    if holding is None or form_id is None:
        return
    with _turn(form_id):
        manifest = _read(form_id)
        if manifest is not None and hmac.compare_digest(
            str(manifest.get("owner", "")), _owner_hash(holding.owner)
        ):
            _remove(form_id)


def _touched(form_id: str) -> dt.datetime | None:
    manifest = _read(form_id)
    try:
        return dt.datetime.fromisoformat(manifest["touched"]) if manifest else None
    except (KeyError, TypeError, ValueError):
        pass
    files = store()
    if isinstance(files, FolderStorage):  # never finished writing: the folder's time
        with contextlib.suppress(OSError):
            return dt.datetime.fromtimestamp((Path(files.location) / form_id).stat().st_mtime, tz=dt.UTC)
        return None
    times = [files.get_modified_time(name) for name in files.names(f"{form_id}/")]
    return min(times) if times else None


def remove_expired(*, now: dt.datetime | None = None) -> int:
    """Remove the forms left untouched for HOLD_FOR (or never finished writing)."""
    now = now or clock.now()
    removed = 0
    forms_held = set(forms())
    for lock in (Path(settings.DATA_DIR) / "run" / "held-locks").glob("*.lock"):
        if lock.stem not in forms_held:
            lock.unlink(missing_ok=True)  # its form has gone
    for form_id in forms_held:
        touched = _touched(form_id)
        if touched is None or now - touched >= HOLD_FOR:
            _remove(form_id)
            removed += 1
    return removed
