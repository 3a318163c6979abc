"""Live events end to end: a real `antre serve` process, real SSE connections, real calls."""

from __future__ import annotations

import json
import urllib.request

import pytest
from django.db import connection

from antre.offices.models import Counter
from antre.people.models import ApiToken
from antre.queueing import calling, staffing
from antre.queueing.tests.factories import book
from antre.testing import Server, SSEClient, free_port

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("gate_off")]


@pytest.fixture
def servers():
    started: list[Server] = []

    def start() -> Server:
        server = Server(port=free_port()).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def loket1(open_all_day, staff):
    counter = Counter.objects.get(office=open_all_day, number=1)
    # Open before the test begins (a first call would open it, with an event of its own).
    staffing.open_counter(counter=counter, officer=staff["petugas"])
    return counter


def call_next_over_http(server: Server, counter: Counter, user) -> dict:
    request = urllib.request.Request(
        f"{server.url}/api/v1/counters/{counter.pk}/call-next",
        method="POST",
        headers={"Authorization": f"Token {ApiToken.for_user(user).key}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.loads(response.read())


def test_a_call_reaches_the_waiting_room_display(servers, loket1, staff):
    server = servers()
    ticket = book(loket1.office, name="Ni Made Sari Dewi")
    display = SSEClient(server.url, "/api/v1/offices/tabanan/events")
    assert display.status == 200 and display.content_type.startswith("text/event-stream")
    board = display.next(kind="board")
    assert board.data["waiting"] == {"KTP": 1}
    call_next_over_http(server, loket1, staff["petugas"])
    call = display.next(kind="call")
    assert call.data["number"] == ticket.number
    assert call.data["counter"] == 1
    assert call.data["name"] == "Ni Made S."
    assert int(call.id) > int(board.id)
    display.close()


def test_the_holder_follows_the_ticket_live(servers, loket1, staff):
    server = servers()
    first = book(loket1.office, 1)
    mine = book(loket1.office, 2)
    stream = SSEClient(server.url, f"/api/v1/tickets/{mine.token}/events")
    state = stream.next(kind="ticket")
    assert state.data["position"] == 2 and state.data["status"] == "booked"
    call_next_over_http(server, loket1, staff["petugas"])  # calls `first`
    moved = stream.next(kind="progress")
    assert moved.data["position"] == 1
    calling.mark_no_show(token=first.token, officer=staff["petugas"])
    call_next_over_http(server, loket1, staff["petugas"])  # now mine
    called = stream.next(kind="ticket")
    assert called.data["status"] == "called" and called.data["counter"] == 1
    stream.close()


def test_an_unknown_ticket_or_office_stream_is_404(servers, loket1):
    server = servers()
    for path in ("/api/v1/tickets/nope/events", "/api/v1/offices/atlantis/events"):
        stream = SSEClient(server.url, path)
        assert stream.status == 404
        stream.close()


def test_a_display_catches_up_after_a_server_restart_without_missing_a_call(servers, loket1, staff):
    server = servers()
    first = book(loket1.office, 1)
    second = book(loket1.office, 2)
    display = SSEClient(server.url, "/api/v1/offices/tabanan/events")
    seen = display.next(kind="board").id
    display.close()
    server.kill()
    # While the display's server is down, the counter keeps calling (through another process).
    calling.call_next(counter=loket1, officer=staff["petugas"])
    calling.mark_no_show(token=first.token, officer=staff["petugas"])
    calling.call_next(counter=loket1, officer=staff["petugas"])
    restarted = servers()
    resumed = SSEClient(restarted.url, "/api/v1/offices/tabanan/events", last_event_id=seen)
    missed = [resumed.next(), resumed.next(), resumed.next()]
    assert [(e.event, e.data["number"]) for e in missed] == [
        ("call", first.number),
        ("update", first.number),
        ("call", second.number),
    ]
    assert [int(e.id) for e in missed] == [int(seen) + 1, int(seen) + 2, int(seen) + 3]
    # Marked as replays, with their age by the server's clock, so a display does not trust its own.
    assert all(e.data["replayed"] and 0 <= e.data["age_s"] < 60 for e in missed)
    resumed.close()


def test_a_call_made_through_one_server_process_reaches_a_display_on_another(servers, loket1, staff):
    serving_counters, serving_displays = servers(), servers()
    ticket = book(loket1.office)
    display = SSEClient(serving_displays.url, "/api/v1/offices/tabanan/events")
    display.next(kind="board")
    call_next_over_http(serving_counters, loket1, staff["petugas"])
    # Well inside the 10 s safety poll: this arrives by LISTEN/NOTIFY on PostgreSQL and by a
    # datagram between the processes on SQLite (antre.live.siblings), not by polling.
    call = display.next(kind="call", timeout=5)
    assert call.data["number"] == ticket.number
    display.close()


def test_a_display_that_connects_later_starts_from_the_latest_event(servers, loket1, staff):
    server = servers()
    first = book(loket1.office, 1)
    book(loket1.office, 2)
    early = SSEClient(server.url, "/api/v1/offices/tabanan/events")
    seen = int(early.next(kind="board").id)
    early.close()
    calling.call_next(counter=loket1, officer=staff["petugas"])
    calling.mark_no_show(token=first.token, officer=staff["petugas"])
    late = SSEClient(server.url, "/api/v1/offices/tabanan/events")
    board = late.next(kind="board")
    # Not the id the first display saw, so nothing is replayed or re-announced.
    assert int(board.id) == seen + 2
    call_next_over_http(server, loket1, staff["petugas"])
    assert int(late.next(kind="call").id) == seen + 3
    late.close()


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="LISTEN/NOTIFY: PostgreSQL")
def test_a_display_gets_the_next_call_after_the_hubs_listening_connection_was_killed(servers, loket1, staff):
    """A failover ends the hub's LISTEN connection: it listens again, on whichever server is the
    primary now, and a later call still reaches the display without a reconnect or the poll."""
    import time

    server = servers()
    first, second = book(loket1.office, 1), book(loket1.office, 2)
    display = SSEClient(server.url, "/api/v1/offices/tabanan/events")
    display.next(kind="board")
    listening = (
        "SELECT pid FROM pg_stat_activity WHERE query = 'LISTEN antre_live' AND datname = current_database()"
    )
    with connection.cursor() as cursor:
        deadline = time.monotonic() + 10
        while not (killed := [pid for (pid,) in cursor.execute(listening).fetchall()]):
            assert time.monotonic() < deadline, "the hub does not listen"
            time.sleep(0.1)
        for pid in killed:
            cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
    call_next_over_http(server, loket1, staff["petugas"])  # maybe before it listens again: caught up
    assert display.next(kind="call", timeout=5).data["number"] == first.number
    with connection.cursor() as cursor:
        deadline = time.monotonic() + 5
        while not (again := [pid for (pid,) in cursor.execute(listening).fetchall()]):
            assert time.monotonic() < deadline, "the hub did not listen again"
            time.sleep(0.1)
    assert not set(again) & set(killed)
    calling.mark_no_show(token=first.token, officer=staff["petugas"])
    call_next_over_http(server, loket1, staff["petugas"])  # by NOTIFY on the new connection
    assert display.next(kind="call", timeout=5).data["number"] == second.number
    display.close()
