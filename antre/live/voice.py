"""Spoken announcements made on the server, for displays whose browser has no Indonesian voice.

espeak-ng (Debian's package) works offline. Each distinct text is synthesised once and kept in
the data dir, so a recall or a second display costs nothing.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from django.conf import settings

log = logging.getLogger(__name__)
VOICE = "id"
WORDS_PER_MINUTE = "140"


def engine() -> str | None:
    return shutil.which("espeak-ng")


def cache_dir() -> Path:
    path = Path(settings.DATA_DIR) / "tts"
    path.mkdir(exist_ok=True)
    return path


def speech_wav(text: str) -> Path | None:
    """A WAV file of `text` spoken in Indonesian, or None when no speech engine is installed."""
    exe = engine()
    if exe is None:
        return None
    target = cache_dir() / (
        hashlib.sha256(f"{VOICE}|{WORDS_PER_MINUTE}|{text}".encode()).hexdigest()[:32] + ".wav"
    )
    if target.exists():
        return target
    fd, name = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    os.close(fd)
    partial = Path(name)
    try:
        subprocess.run(
            [exe, "-v", VOICE, "-s", WORDS_PER_MINUTE, "-w", str(partial), "--", text],
            check=True,
            timeout=20,
            capture_output=True,
        )
        partial.replace(target)  # atomic: a display never reads half a file
    except (subprocess.SubprocessError, OSError) as exc:
        log.warning("espeak-ng failed: %s", exc)
        partial.unlink(missing_ok=True)
        return None
    return target


def prune_cache(*, max_age_days: int = 2) -> int:
    """Forget spoken announcements older than a couple of days: a recall is the same day."""
    cutoff = time.time() - max_age_days * 86400
    removed = 0
    for path in cache_dir().glob("*"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
