"""Playwright driving Debian's Chromium for the browser tests (no browser download at run time)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"

# Without the background-networking flags Chromium keeps dialing Google's hosts, which this
# closed network refuses; --no-sandbox because CI runs as root.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--autoplay-policy=no-user-gesture-required",
]


def chromium_path() -> str | None:
    return os.environ.get("ANTRE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
