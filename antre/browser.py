"""Playwright driving Debian's Chromium for the browser tests (no browser download at run time)."""

from __future__ import annotations

import shutil

from antre import config

# The browser tests photograph each screen. They land in a temp folder, so `make test` leaves the
# checkout clean; `ANTRE_SCREENSHOTS=docs/screenshots make test` refreshes the ones in the docs.
SCREENSHOTS = config.screenshots_dir()

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
    return config.chromium() or shutil.which("chromium") or shutil.which("chromium-browser")
