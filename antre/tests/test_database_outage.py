"""A database that fails over: several hosts in the URL, and a 503 with Retry-After while it is away.

A connection dropped in the middle of a request (the primary killed, its standby not promoted yet)
must give the client a clear "try again in a few seconds", in the API's error shape under /api/v1/
and as an Indonesian page elsewhere, never a 500 or a hang; and the next request, once a primary
answers, is served on a new connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections
from django.db.backends.postgresql.base import DatabaseWrapper

from antre.conftest import nik_for
from antre.db import outage
from antre.db import url as database_url
from antre.queueing.models import Ticket
from antre.testing import end_my_connection, free_port
from antre.transport import fastlane
from antre.transport.tests.test_fastlane import environ_for

pytestmark = pytest.mark.django_db(transaction=True)
on_postgresql = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="a real server connection to lose: PostgreSQL"
)


# -- the URL -----------------------------------------------------------------------------------


def postgresql(db: dict) -> DatabaseWrapper:
    """Django's PostgreSQL connection for a DATABASES entry as antre.settings completes it."""
    full = {**connections[DEFAULT_DB_ALIAS].settings_dict, **database_url.with_timeouts(db)}
    return DatabaseWrapper(full, alias="failover")


def test_a_url_with_a_primary_and_its_standby_reaches_libpq_as_two_hosts():
    db = database_url.parse(
        "postgres://antre:rahasia@db1:5432,db2:5433/antre?target_session_attrs=read-write"
    )
    assert (db["HOST"], db["PORT"], db["NAME"], db["USER"], db["PASSWORD"]) == (
        "db1,db2",
        "5432,5433",
        "antre",
        "antre",
        "rahasia",
    )
    params = postgresql(db).get_connection_params()
    assert (params["host"], params["port"]) == ("db1,db2", "5432,5433")
    assert params["target_session_attrs"] == "read-write"
    # A host that vanished is given up: when connecting, and in the middle of a statement.
    assert params["connect_timeout"] == 5 and params["tcp_user_timeout"] == 10_000


def test_hosts_without_ports_or_in_brackets_and_a_single_host_read_as_before():
    assert database_url.parse("postgres://u@db1,db2/antre")["HOST"] == "db1,db2"
    assert database_url.parse("postgres://u@db1,db2/antre")["PORT"] == ""
    two = database_url.parse("postgres://u@[fd00::1]:5432,db2/antre")
    assert (two["HOST"], two["PORT"]) == ("fd00::1,db2", "5432,5432")
    one = database_url.parse("postgres://u@db1:6432/antre?connect_timeout=2")
    assert (one["HOST"], one["PORT"], one["OPTIONS"]["connect_timeout"]) == ("db1", 6432, 2)
    assert database_url.with_timeouts(one)["OPTIONS"]["connect_timeout"] == 2  # the URL's own wins
    with pytest.raises(SystemExit, match="db2:lima"):
        database_url.parse("postgres://u@db1,db2:lima/antre")


@on_postgresql
def test_the_servers_connect_to_whichever_host_takes_writes():
    """The first host of the list is down (a primary killed): libpq goes on to the next one."""
    settings = connections[DEFAULT_DB_ALIAS].settings_dict
    url = (
        f"postgres://{settings['USER'] or 'postgres'}@127.0.0.1:{free_port()},"
        f"{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
        "?target_session_attrs=read-write"
    )
    wrapper = postgresql(database_url.parse(url))
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM queueing_ticket")
            assert cursor.fetchone() == (0,)
            cursor.execute("SELECT inet_server_port()")
            assert str(cursor.fetchone()[0]) == str(settings["PORT"] or 5432)
    finally:
        wrapper.close()


# -- which errors are an outage ----------------------------------------------------------------


def as_django_raises(cause: BaseException) -> OperationalError:
    """The error Django raises for psycopg's: its own class, psycopg's as the cause."""
    try:
        raise cause
    except Exception as exc:
        try:
            raise OperationalError(*exc.args) from exc
        except OperationalError as wrapped:
            return wrapped


def test_a_lost_server_is_an_outage_and_a_failing_statement_is_not():
    assert outage.unreachable(as_django_raises(psycopg.OperationalError("server closed the connection")))
    assert outage.unreachable(as_django_raises(psycopg.errors.AdminShutdown("terminating connection")))
    assert outage.unreachable(as_django_raises(psycopg.errors.ReadOnlySqlTransaction("read-only")))
    assert outage.unreachable(psycopg.InterfaceError("the connection is closed"))
    assert not outage.unreachable(as_django_raises(psycopg.errors.QueryCanceled("statement timeout")))
    assert not outage.unreachable(as_django_raises(sqlite3.OperationalError("no such table: x")))
    assert not outage.unreachable(OperationalError("disk I/O error"))
    assert not outage.unreachable(RuntimeError("a bug"))
    assert not outage.unreachable(None)


# -- the answers -------------------------------------------------------------------------------


@contextlib.contextmanager
def connection_dropped():
    """Every statement of this thread fails as psycopg reports a server that went away."""

    def dropped(execute, sql, params, many, context):
        raise as_django_raises(
            psycopg.OperationalError("consuming input failed: server closed the connection")
        )

    with connection.execute_wrapper(dropped):
        yield


def assert_unavailable_json(status: int, headers: dict, body: bytes) -> None:
    assert status == 503, body
    assert headers["content-type"].startswith("application/json")
    assert headers["retry-after"] == str(outage.RETRY_AFTER_SECONDS)
    error = json.loads(body)["error"]
    assert error["code"] == "unavailable" and error["retry_after"] == outage.RETRY_AFTER_SECONDS
    assert error["message"] == "Layanan sedang dipulihkan. Coba lagi dalam beberapa detik."


def test_an_api_request_whose_connection_drops_is_a_503_with_retry_after(client, office):
    client.raise_request_exception = False  # answered as a server answers it
    with connection_dropped():
        response = client.get("/api/v1/offices")
    assert_unavailable_json(response.status_code, response.headers, response.content)
    assert "Traceback" not in response.content.decode()
    # The next request, the database back, is served.
    assert client.get("/api/v1/offices").status_code == 200


def test_a_page_whose_connection_drops_is_an_indonesian_503_page(client, office):
    client.raise_request_exception = False
    with connection_dropped():
        response = client.get("/k/tabanan/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(outage.RETRY_AFTER_SECONDS)
    assert response["Content-Type"].startswith("text/html")
    assert "Layanan sedang dipulihkan" in response.content.decode()
    assert client.get("/k/tabanan/").status_code == 200


def test_a_citizen_booking_in_the_fast_lane_whose_connection_drops_is_a_503(open_all_day):
    body = json.dumps({"service": "KTP", "name": "Ni Luh Ayu", "nik": nik_for(1)}).encode()
    with connection_dropped():
        status, headers, content = fastlane.answer(environ_for(body), "tabanan")
    assert_unavailable_json(status, {k.decode(): v.decode() for k, v in headers}, content)
    assert (b"x-content-type-options", b"nosniff") in headers  # the lane's headers as ever
    assert Ticket.objects.count() == 0
    status, _headers, content = fastlane.answer(environ_for(body), "tabanan")
    assert status == 201 and Ticket.objects.count() == 1


@on_postgresql
def test_a_booking_whose_server_connection_is_killed_midway_is_a_503_then_books(open_all_day, monkeypatch):
    """A real dropped connection: the server ends it between the lane's first look and the booking."""
    first = json.dumps({"service": "KTP", "name": "Ni Luh Ayu", "nik": nik_for(9)}).encode()
    assert fastlane.answer(environ_for(first), "tabanan")[0] == 201
    real = fastlane.calendar.bookable_service

    def killed_first(*args):
        end_my_connection()
        return real(*args)

    monkeypatch.setattr(fastlane.calendar, "bookable_service", killed_first)
    body = json.dumps({"service": "KTP", "name": "Ni Luh Ayu", "nik": nik_for(1)}).encode()
    status, headers, content = fastlane.answer(environ_for(body), "tabanan")
    assert_unavailable_json(status, {k.decode(): v.decode() for k, v in headers}, content)
    monkeypatch.setattr(fastlane.calendar, "bookable_service", real)
    status, _headers, content = fastlane.answer(environ_for(body), "tabanan")
    assert status == 201 and json.loads(content)["number"] == "A-002"
    assert Ticket.objects.count() == 2


@on_postgresql
def test_a_page_while_no_primary_answers_is_a_503_and_the_next_after_it_is_back_is_served(client, office):
    """Every host down (the primary killed, the standby not yet promoted): a middleware's first
    query fails, not only a view's, and the answer is still the 503."""
    client.raise_request_exception = False
    settings = connection.settings_dict
    port = settings["PORT"]
    connection.close()
    settings["PORT"] = str(free_port())
    try:
        response = client.get("/k/tabanan/")
        api = client.get("/api/v1/offices")
    finally:
        connection.close()
        settings["PORT"] = port
    assert response.status_code == 503 and "Layanan sedang dipulihkan" in response.content.decode()
    assert_unavailable_json(api.status_code, api.headers, api.content)
    assert client.get("/k/tabanan/").status_code == 200


# -- the live streams' lane --------------------------------------------------------------------


async def _get(app, path: str) -> list[dict]:
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"localhost")],
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 40000),
        "scheme": "http",
        "http_version": "1.1",
    }
    await app(scope, receive, send)
    return sent


def test_a_display_opening_its_stream_while_the_database_is_away_gets_a_503(office, monkeypatch):
    from antre import api_errors
    from antre.queueing import live
    from antre.transport import sse

    def dropped(slug):
        raise as_django_raises(psycopg.OperationalError("server closed the connection unexpectedly"))

    async def django(scope, receive, send):
        raise AssertionError("the stream is the SSE lane's")

    monkeypatch.setattr(live, "office_id_for", dropped)
    sent = asyncio.run(
        _get(api_errors.guarded(sse.with_live_streams(django)), "/api/v1/offices/tabanan/events")
    )
    headers = {k.decode(): v.decode() for k, v in sent[0]["headers"]}
    assert_unavailable_json(sent[0]["status"], headers, sent[1]["body"])


@on_postgresql
def test_the_live_lane_does_not_keep_a_connection_the_database_has_ended(office):
    """The SSE lane reads in worker threads outside any request: after a read that met a killed
    connection, the next read in that thread connects again instead of failing for ever."""
    from antre.live.hub import in_thread
    from antre.queueing import live

    def read_after_a_kill(slug):
        live.office_id_for(slug)  # connected
        end_my_connection()
        return live.office_id_for(slug)

    async def reads():
        # One worker thread: the second read is made in the thread whose connection was killed.
        asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=1))
        with pytest.raises(OperationalError):
            await in_thread(read_after_a_kill, "tabanan")
        found = await in_thread(live.office_id_for, "tabanan")
        await in_thread(connections.close_all)
        return found

    assert asyncio.run(reads()) == office.pk


# -- starting before the database ----------------------------------------------------------------


class Relay:
    """A TCP relay on a port of its own to the PostgreSQL server, switched on when the test says: until
    then its port refuses connections, as a database machine that is not up yet."""

    def __init__(self, target: tuple[str, int]):
        self.target, self.port = target, free_port()
        self.listener: socket.socket | None = None
        self.sockets: list[socket.socket] = []  # closed at stop

    def start(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        assert self.listener is not None
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            server = socket.create_connection(self.target)
            self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)

    def stop(self) -> None:
        for each in [*self.sockets, *([self.listener] if self.listener else [])]:
            each.close()


@on_postgresql
def test_a_worker_started_before_its_database_machine_waits_for_it_then_runs(tmp_path):
    """`antre worker` started while its database machine does not answer says so once and waits,
    instead of leaving with a traceback; it runs as soon as the machine answers."""
    server = urllib.parse.urlsplit(os.environ["ANTRE_DATABASE_URL"])
    name = f"antre_waits_{os.getpid()}"
    admin = psycopg.connect(
        host=server.hostname,
        port=server.port or 5432,
        user=server.username,
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    relay = Relay((server.hostname or "127.0.0.1", server.port or 5432))
    url = urllib.parse.urlunsplit(
        server._replace(netloc=f"{server.username}@127.0.0.1:{relay.port}", path=f"/{name}")
    )
    log = tmp_path / "worker.log"
    env = dict(
        os.environ, ANTRE_DATA_DIR=str(tmp_path / "data"), ANTRE_DATABASE_URL=url, PYTHONUNBUFFERED="1"
    )
    env.pop("ANTRE_TEST_DB_NAME", None)
    with open(log, "w") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "antre.cli", "worker"], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:

        def said(text: str, seconds: float) -> str:
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                seen = log.read_text(errors="replace")
                if text in seen:
                    return seen
                assert worker.poll() is None, f"the worker left:\n{seen[-2000:]}"
                time.sleep(0.2)
            raise AssertionError(f"not said within {seconds} s: {text!r}\n{log.read_text()[-2000:]}")

        waiting = said("Basis data belum dapat dipakai", 60)
        assert "Traceback" not in waiting and "mencoba lagi tiap 5 detik" in waiting
        time.sleep(6)  # one more try, still nothing: it keeps waiting, and says it only once
        assert worker.poll() is None and log.read_text().count("Basis data belum dapat dipakai") == 1
        relay.start()
        said("Antre worker berjalan", 120)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        relay.stop()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@on_postgresql
def test_a_mistake_waiting_will_not_mend_stops_the_start(tmp_path):
    """A database that does not exist (a wrong name in the URL) is not waited for: the worker stops
    and says why, so that its service shows as failed."""
    server = urllib.parse.urlsplit(os.environ["ANTRE_DATABASE_URL"])
    url = urllib.parse.urlunsplit(server._replace(path=f"/antre_no_such_{os.getpid()}"))
    env = dict(os.environ, ANTRE_DATA_DIR=str(tmp_path / "data"), ANTRE_DATABASE_URL=url)
    env.pop("ANTRE_TEST_DB_NAME", None)
    done = subprocess.run(
        [sys.executable, "-m", "antre.cli", "worker"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode != 0
    assert "does not exist" in done.stderr and "Basis data belum dapat dipakai" not in done.stderr
