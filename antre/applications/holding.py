"""Documents that passed their check on an application form refused for something else.

They are held for that form (a random id in a hidden field) and the browser session that sent them,
under DATA_DIR/held/ (outside any web root), so the citizen does not choose them again. A form sent
successfully releases its folder; the worker removes folders left untouched for HOLD_FOR.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

try:
    import fcntl

    HAVE_FLOCK = True
except ImportError:
    HAVE_FLOCK = False

from antre import clock
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


def root() -> Path:
    folder = Path(settings.DATA_DIR) / "held"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _owner_hash(owner: str) -> str:
    return hashlib.sha256(owner.encode()).hexdigest()


def _read(folder: Path) -> dict | None:
    try:
        manifest = json.loads((folder / _MANIFEST).read_text())
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


def _folder(holding: Holding | None) -> Path | None:
    return root() / holding.form_id if holding and valid_form_id(holding.form_id) else None


def _held_here(holding: Holding | None, now: dt.datetime) -> tuple[Path, dict] | None:
    """The form's folder and manifest, when they hold documents for this browser that have not expired."""
    folder = _folder(holding)
    manifest = _read(folder) if folder else None
    if holding is None or folder is None or manifest is None or not _mine(holding, manifest, now):
        return None
    return folder, manifest


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
    folder, manifest = found
    out = {}
    for code, entry in manifest["files"].items():
        try:
            data = (folder / Path(entry["file"]).name).read_bytes()
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


def _lock_path(folder: Path) -> Path:
    """Beside the data, not in it: a folder removed and made again keeps one lock."""
    locks = Path(settings.DATA_DIR) / "run" / "held-locks"
    locks.mkdir(mode=0o700, parents=True, exist_ok=True)
    return locks / f"{folder.name}.lock"


@contextlib.contextmanager
def _turn(folder: Path):
    """One request at a time on a form's folder (a double tap sends the form twice at once)."""
    if not HAVE_FLOCK:  # Windows: one process, and forms are rare enough
        yield
        return
    with open(_lock_path(folder), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def keep(
    holding: Holding | None, uploads: dict[str, CheckedUpload], *, now: dt.datetime | None = None
) -> None:
    """Hold these checked documents for the form, replacing any held for the same requirement."""
    folder = _folder(holding)
    if holding is None or folder is None or not uploads:
        return
    with _turn(folder):
        _keep(holding, folder, uploads, now or clock.now())


def _keep(holding: Holding, folder: Path, uploads: dict[str, CheckedUpload], now: dt.datetime) -> None:
    manifest = _read(folder)
    if manifest is not None and not _mine(holding, manifest, now):
        if manifest.get("owner") != _owner_hash(holding.owner):
            return  # another browser's form id: leave its folder alone
        manifest = None  # our own, expired: start again
    if manifest is None:
        shutil.rmtree(folder, ignore_errors=True)
        manifest = {"owner": _owner_hash(holding.owner), "kind": holding.kind, "files": {}}
    folder.mkdir(mode=0o700, exist_ok=True)
    replaced = []
    for code, upload in uploads.items():
        name = f"{secrets.token_hex(12)}.{upload.extension}"
        (folder / name).write_bytes(upload.data)
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
    partial = folder / f".{_MANIFEST}.{secrets.token_hex(4)}"
    partial.write_text(json.dumps(manifest))
    os.replace(partial, folder / _MANIFEST)  # readers see the old list or the new one, never half
    for name in replaced:
        (folder / Path(name).name).unlink(missing_ok=True)


def release(holding: Holding | None) -> None:
    """The form was sent: its held documents are stored with the application, the copies go."""
    folder = _folder(holding)
    if holding is None or folder is None:
        return
    with _turn(folder):
        manifest = _read(folder)
        if manifest is not None and hmac.compare_digest(
            str(manifest.get("owner", "")), _owner_hash(holding.owner)
        ):
            shutil.rmtree(folder, ignore_errors=True)


def remove_expired(*, now: dt.datetime | None = None) -> int:
    """Remove the folders of forms left untouched for HOLD_FOR (or never finished writing)."""
    now = now or clock.now()
    removed = 0
    for lock in (Path(settings.DATA_DIR) / "run" / "held-locks").glob("*.lock"):
        if not (root() / lock.stem).exists():
            lock.unlink(missing_ok=True)  # its form's folder has gone
    for folder in root().iterdir():
        if not folder.is_dir():
            continue
        manifest = _read(folder)
        try:
            touched = dt.datetime.fromisoformat(manifest["touched"]) if manifest else None
        except (KeyError, TypeError, ValueError):
            touched = None
        if touched is None:
            with contextlib.suppress(OSError):
                touched = dt.datetime.fromtimestamp(folder.stat().st_mtime, tz=dt.UTC)
        if touched is None or now - touched >= HOLD_FOR:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed
