"""Test helpers that run the real thing: `antre serve` in a subprocess, and a small SSE client."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection


def end_my_connection() -> int:
    """End this thread's PostgreSQL connection from another, as a restart or a failover ends it; the
    ended backend's pid."""
    import psycopg  # lazy: only the PostgreSQL tests need it

    backend = connection.connection.info.backend_pid
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname="postgres", autocommit=True
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s, 5000)", [backend])
    return backend


def test_database_url() -> str:
    """The URL of the database the tests run on, for a server process to share it."""
    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    hosts = str(db.get("HOST") or "127.0.0.1").split(",")
    ports = str(db.get("PORT") or 5432).split(",")
    ports = ports * len(hosts) if len(ports) == 1 else ports  # libpq: one port for all hosts, or one each
    netloc = ",".join(f"{host}:{port}" for host, port in zip(hosts, ports, strict=True))
    attrs = db.get("OPTIONS", {}).get("target_session_attrs")
    return f"postgres://{user}@{netloc}/{db['NAME']}" + (f"?target_session_attrs={attrs}" if attrs else "")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    port: int
    process: subprocess.Popen | None = None
    log: list[str] = field(default_factory=list)
    drain: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0, **extra_env: str) -> Server:
        env = dict(
            os.environ,
            ANTRE_DATABASE_URL=test_database_url(),
            DJANGO_SETTINGS_MODULE="antre.settings",
            **extra_env,
        )
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "antre.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group, so kill() reaches every server process
        )
        self.drain = threading.Thread(target=self._drain, daemon=True)
        self.drain.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("antre serve exited:\n" + "".join(self.log))
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(self.url + "/api/v1/offices", timeout=2) as response,  # noqa: S310
            ):
                if response.status == 200:
                    return self
            time.sleep(0.2)
        raise RuntimeError("antre serve did not answer:\n" + "".join(self.log))

    def _drain(self) -> None:
        assert self.process and self.process.stdout
        with self.process.stdout:
            for line in self.process.stdout:
                self.log.append(line)

    def kill(self) -> None:
        """SIGKILL to every server process, as a power cut would: nothing is flushed or closed politely."""
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self._join()

    def _join(self) -> None:
        if self.drain:
            self.drain.join(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        self._join()


@dataclass
class Event:
    id: str | None
    event: str
    data: dict


class SSEClient:
    """Reads a text/event-stream in a thread; `next()` returns parsed events in order."""

    def __init__(self, base_url: str, path: str, last_event_id: str | None = None):
        host, port = base_url.removeprefix("http://").split(":")
        self.conn = http.client.HTTPConnection(host, int(port), timeout=60)
        headers = {"Accept": "text/event-stream"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = last_event_id
        self.conn.request("GET", path, headers=headers)
        self.response = self.conn.getresponse()
        self.status = self.response.status
        self.content_type = self.response.getheader("Content-Type", "")
        self.events: queue.Queue[Event] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        fields: dict[str, str] = {}
        try:
            for raw in self.response:
                line = raw.decode().rstrip("\n")
                if not line:
                    if "data" in fields:
                        self.events.put(
                            Event(
                                fields.get("id"), fields.get("event", "message"), json.loads(fields["data"])
                            )
                        )
                    fields = {}
                elif not line.startswith(":"):
                    name, _, value = line.partition(":")
                    fields[name] = value.removeprefix(" ")
        except Exception:  # noqa: BLE001 (the stream was closed under the reader: that ends it)
            return

    def next(self, timeout: float = 15.0, kind: str | None = None) -> Event:
        """The next event (of `kind`, skipping others); fails the test after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {kind or 'event'} within {timeout} s")
            try:
                event = self.events.get(timeout=left)
            except queue.Empty:
                continue
            if kind is None or event.event == kind:
                return event

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.sock.shutdown(socket.SHUT_RDWR)
        self.conn.close()
