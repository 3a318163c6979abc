"""A crash in the middle of the opening rush: nothing answered 201 is lost, no number twice, no gap."""

from __future__ import annotations

import http.client
import json
import threading
import time

import pytest
from django.db.models import Count, Max

from antre.conftest import nik_for
from antre.queueing.models import Ticket
from antre.testing import Server, free_port

pytestmark = pytest.mark.django_db(transaction=True)

SERVICES = ["KTP", "CAPIL", "LEGAL"]


def book_until_stopped(port: int, first: int, stop: threading.Event, answered: list[dict]) -> None:
    """One citizen after another, each with a fresh NIK, until the server dies and `stop` is set."""
    i = first
    while not stop.is_set():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        body = json.dumps({"service": SERVICES[i % 3], "name": "Warga Tabanan", "nik": nik_for(i)})
        try:
            conn.request(
                "POST", "/api/v1/offices/tabanan/tickets", body, {"Content-Type": "application/json"}
            )
            response = conn.getresponse()
            payload = response.read()
            if response.status == 201:
                answered.append(json.loads(payload))
        except (OSError, http.client.HTTPException):
            time.sleep(0.01)  # the server is down, or died mid-answer: keep trying, like a phone would
        finally:
            conn.close()
        i += 1_000


def test_a_sigkill_mid_rush_loses_no_answered_booking_and_leaves_no_gap(open_all_day):
    for code in SERVICES:
        open_all_day.services.filter(code=code).update(daily_quota=100_000)
    port = free_port()
    server = Server(port=port).start(ANTRE_RATELIMIT="off")
    stop = threading.Event()
    answered: list[dict] = []
    clients = [threading.Thread(target=book_until_stopped, args=(port, n, stop, answered)) for n in range(16)]
    for t in clients:
        t.start()
    try:
        deadline = time.monotonic() + 30
        while len(answered) < 150 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(answered) >= 150, "the rush did not get going"
        server.kill()  # mid-rush: requests are in flight, some inside their transaction
        killed_at = len(answered)
        time.sleep(0.5)
        server = Server(port=port).start(ANTRE_RATELIMIT="off")
        deadline = time.monotonic() + 30
        while len(answered) < killed_at + 100 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        for t in clients:
            t.join(timeout=30)
        server.stop()

    assert len(answered) >= killed_at + 100, "bookings did not resume after the restart"
    stored = {t.token: t.number for t in Ticket.objects.all()}
    missing = [a["number"] for a in answered if stored.get(a["id"]) != a["number"]]
    assert missing == [], f"answered 201 but not stored: {missing[:10]}"
    for row in Ticket.objects.values("service_id", "day").annotate(
        n=Count("pk"), top=Max("seq"), distinct=Count("seq", distinct=True)
    ):
        assert row["distinct"] == row["n"], "a number was given twice"
        assert row["top"] == row["n"], "a number was skipped"


def test_when_the_supervising_process_is_killed_its_server_processes_leave_and_free_the_port(open_all_day):
    import os
    import signal
    import socket

    port = free_port()
    server = Server(port=port).start()
    try:
        os.kill(server.process.pid, signal.SIGKILL)  # only the supervisor, as the OOM killer might
        server.process.wait(timeout=10)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) != 0:
                    break  # nobody listens any more
            time.sleep(0.2)
        else:
            raise AssertionError("orphaned server processes still hold the port")
        restarted = Server(port=port).start()  # and the service can come back on its port
        restarted.stop()
    finally:
        server.kill()
