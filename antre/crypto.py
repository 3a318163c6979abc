"""Personal data sealed at rest: AES-256-GCM for the values, a keyed hash (HMAC-SHA256) to find them.

NIK, KK numbers, phone numbers and addresses are written to the database sealed (`seal`): a random
nonce and the ciphertext with its tag, under the name of the key that sealed them. A value is opened
(`unseal`) with whichever key its name says, so keys can be rotated while rows sealed under older
ones are still read. Equality is what the system needs of these values (one active ticket per NIK,
tracking an application by code and NIK, a WhatsApp conversation per number): for that each sealed
column has a twin holding `lookup_hash` of its value, a keyed hash that says nothing without the key.

The keys live in one file (settings.FIELD_KEYS_FILE: `personal_data.key` in the data directory,
owner-only, written at first start). It is not in backups: a backup without its key file cannot be
read, which is the point; docs/operations.md says to keep a copy of it apart. `antre rotate-key`
adds a key, makes it the one that seals, and seals every row again (antre.db.sealed.reseal_all).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

# A sealed value: PREFIX, the key's name, ":", then base64url(nonce + ciphertext + tag), unpadded.
PREFIX = "ae1:"
NONCE_BYTES = 12
HASH_HEX = 32  # 128 bits of HMAC-SHA256: collisions are out of reach, and the index stays small


class SealError(Exception):
    """A sealed value that cannot be opened: a key missing from the key file, or damaged data."""


@dataclass(frozen=True)
class Keys:
    primary: str
    ciphers: dict[str, AESGCM]
    lookup: bytes


_lock = threading.Lock()
_loaded: dict[Path, tuple[Keys, int, float]] = {}  # the keys, the file's mtime, when it was last looked at
RECHECK_SECONDS = 5.0  # a key added by `antre rotate-key` seals in every process within this


def keys_file() -> Path:
    return Path(settings.FIELD_KEYS_FILE)


def _new_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def _write(path: Path, document: dict) -> None:
    """Write the key file whole or not at all (a temporary file renamed over it), owner-only."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".keys-")
    with os.fdopen(fd, "w") as fh:
        json.dump(document, fh, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


def ensure_file(path: Path) -> None:
    """Create the key file if there is none; two processes starting at once keep the same one."""
    if path.exists():
        return
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".keys-")
    with os.fdopen(fd, "w") as fh:
        json.dump({"primary": "k1", "keys": {"k1": _new_key()}, "lookup": _new_key()}, fh, indent=1)
    os.chmod(temporary, 0o600)
    try:
        os.link(temporary, path)  # fails if another process linked its file first: theirs is kept
    except FileExistsError:
        pass
    finally:
        os.unlink(temporary)


def _read(path: Path) -> Keys:
    ensure_file(path)
    try:
        document = json.loads(path.read_text())
        ciphers = {name: AESGCM(base64.b64decode(key)) for name, key in document["keys"].items()}
        keys = Keys(document["primary"], ciphers, base64.b64decode(document["lookup"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise SealError(f"{path}: berkas kunci data pribadi rusak ({exc})") from None
    if keys.primary not in keys.ciphers:
        raise SealError(f"{path}: kunci utama {keys.primary} tidak ada di berkas")
    return keys


def keys(*, reload: bool = False) -> Keys:
    path = keys_file()
    found = _loaded.get(path)
    now = time.monotonic()
    if found is not None and not reload:
        current, mtime, checked = found
        if now - checked < RECHECK_SECONDS:
            return current
        if path.stat().st_mtime_ns == mtime:
            _loaded[path] = (current, mtime, now)
            return current
    with _lock:
        current = _read(path)
        _loaded[path] = (current, path.stat().st_mtime_ns, now)
    return current


def seal(text: str) -> str:
    """The value sealed under the primary key; an empty value stays empty (nothing to hide)."""
    if not text:
        return text
    current = keys()
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = current.ciphers[current.primary].encrypt(nonce, text.encode(), None)
    return f"{PREFIX}{current.primary}:{base64.urlsafe_b64encode(nonce + sealed).decode().rstrip('=')}"


def is_sealed(value: str) -> bool:
    return value.startswith(PREFIX)


def unseal(value: str) -> str:
    if not value:
        return value
    if not is_sealed(value):
        raise SealError("nilai tidak tersegel")
    name, _, body = value[len(PREFIX) :].partition(":")
    current = keys()
    if name not in current.ciphers:  # rotated by another process since this one read the file
        current = keys(reload=True)
        if name not in current.ciphers:
            raise SealError(f"kunci {name} tidak ada di berkas kunci")
    data = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    try:
        return current.ciphers[name].decrypt(data[:NONCE_BYTES], data[NONCE_BYTES:], None).decode()
    except InvalidTag:
        raise SealError("nilai tersegel rusak atau kunci salah") from None


def primary_name() -> str:
    return keys().primary


def lookup_hash(text: str) -> str:
    """A keyed hash of an already normalised value, to find and compare it; empty for empty."""
    if not text:
        return ""
    return hmac.new(keys().lookup, text.encode(), hashlib.sha256).hexdigest()[:HASH_HEX]


def add_key() -> str:
    """A new key in the file, made the one that seals; the older ones stay, to open what they sealed."""
    path = keys_file()
    with _lock:
        document = json.loads(path.read_text())
        taken = {int(name[1:]) for name in document["keys"] if name[1:].isdigit()}
        name = f"k{max(taken, default=0) + 1}"
        document["keys"][name] = _new_key()
        document["primary"] = name
        _write(path, document)
        _loaded.pop(path, None)
    return name
