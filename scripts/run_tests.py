"""The whole test suite, as `make test` and CI run it: lint, structure and types, then pytest on SQLite and PostgreSQL.

PostgreSQL comes from 127.0.0.1:5432 when a server listens there; otherwise a throwaway server is
started from the system's PostgreSQL binaries. Only where neither exists are the PostgreSQL tests
skipped, loudly, and never under CI. Browser tests need Debian's chromium, installed here when absent.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def banner(text: str) -> None:
    print(f"\n=== {text} ===", flush=True)


def loud(text: str) -> None:
    line = "!" * 78
    print(f"\n{line}\n!! {text}\n{line}\n", flush=True)


def run(cmd: list[str], env: dict | None = None) -> int:
    print("$ " + " ".join(cmd), flush=True)
    return subprocess.call(cmd, cwd=ROOT, env=env)


def port_open(host: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=1):
        return True
    return False


def postgres_url() -> tuple[str | None, object]:
    """A URL for a PostgreSQL server to test against, and a stop function for a throwaway one."""
    explicit = os.environ.get("ANTRE_TEST_POSTGRES_URL")
    if explicit:
        return explicit, None
    if port_open("127.0.0.1", 5432):
        return "postgres://postgres@127.0.0.1:5432/antre", None
    return start_throwaway_postgres()


def start_throwaway_postgres():
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    initdb = shutil.which("initdb") or (candidates[0] if candidates else None)
    if not initdb:
        return None, None
    bindir = Path(initdb).parent
    datadir = Path(tempfile.mkdtemp(prefix="antre-pg-"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(datadir, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    subprocess.run(
        [
            *as_user,
            str(bindir / "initdb"),
            "-D",
            str(datadir),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run(
        [
            *as_user,
            str(bindir / "pg_ctl"),
            "-D",
            str(datadir),
            "-l",
            str(datadir / "log"),
            "-w",
            "-o",
            f"-p {port} -k {datadir} -c listen_addresses=127.0.0.1 -c max_connections=200",
            "start",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"Started a throwaway PostgreSQL on port {port} ({datadir})", flush=True)

    def stop():
        subprocess.run(
            [*as_user, str(bindir / "pg_ctl"), "-D", str(datadir), "-m", "fast", "stop"],
            stdout=subprocess.DEVNULL,
            check=False,
        )
        shutil.rmtree(datadir, ignore_errors=True)

    return f"postgres://postgres@127.0.0.1:{port}/antre", stop


def ensure_debian_packages() -> None:
    """Debian's chromium (browser tests) and espeak-ng (spoken announcements), installed when missing."""
    missing = [
        pkg for pkg, exe in (("chromium", "chromium"), ("espeak-ng", "espeak-ng")) if not shutil.which(exe)
    ]
    if missing and os.geteuid() == 0 and shutil.which("apt-get"):
        banner("Installing Debian packages: " + " ".join(missing))
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.call(["apt-get", "update", "-qq"], env=env)
        subprocess.call(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], env=env)


def pytest(label: str, env: dict, extra: list[str]) -> bool:
    banner(f"pytest on {label}")
    code = run([str(BIN / "python"), "-m", "pytest", "-p", "no:cacheprovider", *extra], env=env)
    if code == 5:
        print(f"pytest on {label} collected no tests: that is a failure", flush=True)
    return code == 0


def main() -> int:
    failures: list[str] = []
    banner("ruff")
    lint = [d for d in ("antre", "scripts", "bench") if (ROOT / d).exists()]
    if run([str(BIN / "ruff"), "check", *lint]) != 0:
        failures.append("ruff")

    banner("structure: apps in layers, short functions and modules")
    if run([str(BIN / "lint-imports")]) != 0:
        failures.append("import layers")
    if run([str(BIN / "python"), "scripts/structure.py"]) != 0:
        failures.append("structure")

    banner("mypy: types, strict on the pure rules")
    with tempfile.TemporaryDirectory(prefix="antre-mypy-") as mypy_data:
        # The Django plugin imports antre.settings, which needs a data dir and a secret key.
        mypy_env = dict(os.environ, ANTRE_DATA_DIR=mypy_data, ANTRE_SECRET_KEY="mypy-only-secret")
        if run([str(BIN / "mypy"), "antre"], env=mypy_env) != 0:
            failures.append("mypy")

    data = Path(tempfile.mkdtemp(prefix="antre-test-"))
    base_env = dict(
        os.environ,
        ANTRE_DATA_DIR=str(data),
        ANTRE_SECRET_KEY="test-only-secret",
        ANTRE_TEST_DB_NAME=f"test_antre_{os.getpid()}",
    )
    base_env.pop("ANTRE_DATABASE_URL", None)

    banner("migrations match the models")
    if run([str(BIN / "antre"), "manage", "makemigrations", "--check", "--dry-run"], env=base_env) != 0:
        failures.append("missing migrations")

    ensure_debian_packages()
    if not shutil.which("espeak-ng"):
        if CI:
            loud(
                "espeak-ng is missing and could not be installed: the server-side voice cannot be tested in CI"
            )
            failures.append("espeak-ng")
        else:
            loud(
                "espeak-ng is missing: the server-side voice test will fail (install Debian's espeak-ng package)"
            )
    browser_args: list[str] = []
    if not shutil.which("chromium"):
        if CI:
            loud("chromium is missing and could not be installed: browser tests cannot run in CI")
            failures.append("chromium")
        else:
            loud("chromium is missing: SKIPPING the browser tests (install Debian's chromium package)")
            browser_args = ["-m", "not browser"]

    if not pytest("SQLite", base_env, browser_args):
        failures.append("pytest on SQLite")

    url, stop = postgres_url()
    if url is None:
        if CI:
            loud("no PostgreSQL server and no PostgreSQL binaries: the PostgreSQL tests cannot run in CI")
            failures.append("postgres")
        else:
            loud(
                "no PostgreSQL server on 127.0.0.1:5432 and no PostgreSQL binaries: SKIPPING the PostgreSQL tests"
            )
    else:
        try:
            pg_env = dict(base_env, ANTRE_DATABASE_URL=url)
            if not pytest(f"PostgreSQL ({url})", pg_env, ["-m", "not browser"]):
                failures.append("pytest on PostgreSQL")
        finally:
            if stop:
                stop()
    shutil.rmtree(data, ignore_errors=True)

    banner("summary")
    if failures:
        print("FAILED: " + ", ".join(failures), flush=True)
        return 1
    print(
        "All checks passed: ruff, import layers, structure, mypy, migrations, pytest on SQLite and PostgreSQL.",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    started = time.monotonic()
    code = main()
    print(f"({time.monotonic() - started:.0f} s)")
    sys.exit(code)
