"""Configuration from the environment (SPEC §6): the only place that reads ANTRE_* variables."""

from __future__ import annotations

import os
import re
import secrets
import tempfile
import urllib.parse
from pathlib import Path


def data_dir() -> Path:
    path = Path(os.environ.get("ANTRE_DATA_DIR", "./var")).resolve()
    # Owner only: the database and documents in here hold NIKs, names and phone numbers.
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def secret_key(directory: Path) -> str:
    """ANTRE_SECRET_KEY, or a key generated once and kept in the data dir."""
    key = os.environ.get("ANTRE_SECRET_KEY")
    if key:
        return key
    path = directory / "secret_key"
    try:
        # O_EXCL: two processes starting at once must not write two different keys.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


def field_keys_file(directory: Path) -> Path:
    """ANTRE_FIELD_KEYS_FILE, or the key file of personal data in the data dir (antre.crypto)."""
    return Path(os.environ.get("ANTRE_FIELD_KEYS_FILE") or directory / "personal_data.key").resolve()


def flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_url(directory: Path) -> str:
    return os.environ.get("ANTRE_DATABASE_URL") or f"sqlite:///{directory / 'antre.sqlite3'}"


def count(name: str, default: int) -> int:
    """A positive whole number from the environment (threads, processes), or the default."""
    value = os.environ.get(name, "").strip()
    try:
        number = int(value) if value else default
    except ValueError:
        number = 0
    if number < 1:
        raise SystemExit(f"{name} harus bilangan bulat 1 atau lebih, bukan {value!r}.")
    return number


def threads() -> int:
    """ANTRE_THREADS: Django's thread pool per server process (pages, staff and the rest of the API)."""
    return count("ANTRE_THREADS", 16)


def booking_threads() -> int:
    """ANTRE_BOOKING_THREADS: the fast lane's threads per server process (citizens' API bookings)."""
    return count("ANTRE_BOOKING_THREADS", 2)


def host() -> str:
    """ANTRE_HOST: the address `antre serve` listens on by default."""
    return os.environ.get("ANTRE_HOST", "127.0.0.1")


def port() -> int:
    """ANTRE_PORT: the port `antre serve` listens on by default."""
    return int(os.environ.get("ANTRE_PORT", "8000"))


def workers() -> int:
    """ANTRE_WORKERS: `antre serve`'s server processes; else 2, or 1 on a single-core machine."""
    return int(os.environ.get("ANTRE_WORKERS", "0")) or min(os.cpu_count() or 1, 2)


def supervisor_pid() -> int | None:
    """ANTRE_SUPERVISOR_PID: the `antre serve` whose server processes leave with it (antre.transport.watchdog)."""
    value = os.environ.get("ANTRE_SUPERVISOR_PID")
    return int(value) if value else None


def announce_supervisor(pid: int) -> None:
    """Make `pid` the supervisor of the server processes started from here (they inherit it)."""
    os.environ["ANTRE_SUPERVISOR_PID"] = str(pid)


def csv(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def allowed_hosts() -> list[str]:
    return csv("ANTRE_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")


def hsts_seconds() -> int:
    """ANTRE_HSTS_SECONDS: how long browsers keep to HTTPS once told (HSTS); a year unless set."""
    value = os.environ.get("ANTRE_HSTS_SECONDS", "").strip()
    if not value:
        return 365 * 24 * 3600
    if not value.isdigit():
        raise SystemExit(f"ANTRE_HSTS_SECONDS harus bilangan bulat 0 atau lebih (detik), bukan {value!r}.")
    return int(value)


def whatsapp() -> dict[str, str]:
    return {
        "api_base": os.environ.get("ANTRE_WHATSAPP_API_BASE", "https://graph.facebook.com/v21.0").rstrip("/"),
        "token": os.environ.get("ANTRE_WHATSAPP_TOKEN", ""),
        "app_secret": os.environ.get("ANTRE_WHATSAPP_APP_SECRET", ""),
        "verify_token": os.environ.get("ANTRE_WHATSAPP_VERIFY_TOKEN", ""),
    }


def public_url() -> str:
    """ANTRE_PUBLIC_URL: the address citizens reach Antre at, for the links sent by WhatsApp and
    printed on paper ("https://antrean.tabanankab.go.id", with a sub-path if served under one);
    "" when not set."""
    value = os.environ.get("ANTRE_PUBLIC_URL", "").strip()
    if not value:
        return ""
    parts = urllib.parse.urlsplit(value)
    try:
        parts.port  # noqa: B018 (a port that is not a number raises here)
        sound = (
            parts.scheme in ("http", "https")
            and bool(parts.hostname)
            and not (parts.query or parts.fragment or parts.username or parts.password)
            and not re.search(r"\s", value)
        )
    except ValueError:
        sound = False
    if not sound:
        raise SystemExit(
            "ANTRE_PUBLIC_URL harus alamat lengkap yang dibuka warga, diawali http:// atau https:// "
            f"(contoh: https://antrean.tabanankab.go.id), bukan {value!r}."
        )
    return value.rstrip("/")


def screenshots_dir() -> Path:
    """ANTRE_SCREENSHOTS: where the browser tests photograph each screen; a temp folder when unset."""
    return Path(os.environ.get("ANTRE_SCREENSHOTS") or Path(tempfile.gettempdir()) / "antre-screenshots")


def chromium() -> str | None:
    """ANTRE_CHROMIUM: the Chromium the browser tests drive, when not the one on the PATH."""
    return os.environ.get("ANTRE_CHROMIUM") or None
