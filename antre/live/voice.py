"""Spoken announcements made on the server, for displays whose browser has no Indonesian voice.

espeak-ng (Debian's package) works offline. Each distinct text is synthesised once and kept in
the data dir, so a recall or a second display costs nothing.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
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
    partial = target.with_suffix(f".{id(text)}.tmp")
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
