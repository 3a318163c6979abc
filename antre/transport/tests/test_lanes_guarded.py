"""The lanes in front of Django (live streams, citizens' bookings) keep Django's host check and send
the same security headers as every other answer."""

from __future__ import annotations

import http.client
import json

import pytest

from antre.conftest import nik_for
from antre.queueing.models import Ticket
from antre.queueing.tests.factories import book
from antre.testing import Server, free_port

pytestmark = pytest.mark.django_db(transaction=True)

BOOK = "/api/v1/offices/tabanan/tickets"


@pytest.fixture
def server(open_all_day):
    running = Server(port=free_port()).start(
        timeout=120, ANTRE_RATELIMIT="off"
    )  # a busy machine starts slowly
    yield running
    running.stop()


def request(
    port: int, method: str, path: str, *, host: str = "127.0.0.1", body: bytes | None = None, **headers
):
    """Status and headers (lower-case names); the body too unless it is an endless stream."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, path, body, {"Host": host, **headers})
    response = conn.getresponse()
    status, got = response.status, {k.lower(): v for k, v in response.getheaders()}
    content = b"" if got.get("content-type", "").startswith("text/event-stream") else response.read()
    conn.close()
    return status, got, content


def assert_guarded(headers: dict, *, personal: bool) -> None:
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"
    assert "script-src 'self'" in headers["content-security-policy"]
    if personal:
        assert "no-store" in headers["cache-control"]


def test_the_lanes_refuse_a_foreign_host_and_carry_the_security_headers(server, open_all_day):
    # One server for both lanes: starting one takes seconds.
    live_streams(server, open_all_day)
    bookings(server)


def live_streams(server, open_all_day):
    ticket = book(open_all_day)
    for path in ("/api/v1/offices/tabanan/events", f"/api/v1/tickets/{ticket.token}/events"):
        status, headers, body = request(server.port, "GET", path, host="evil.example")
        assert status == 400, path  # as Django answers a host it does not serve, in the API's shape
        assert json.loads(body)["error"]["code"] == "invalid_body"
        status, headers, _ = request(server.port, "GET", path)
        assert status == 200 and headers["content-type"].startswith("text/event-stream")
        assert_guarded(headers, personal=True)
    status, headers, _ = request(server.port, "GET", "/api/v1/tickets/no-such-ticket/events")
    assert status == 404
    assert_guarded(headers, personal=True)


def bookings(server):
    before = Ticket.objects.count()

    def booking(i: int, **headers):
        body = json.dumps({"service": "KTP", "name": "Ni Luh Ayu", "nik": nik_for(i)}).encode()
        return request(server.port, "POST", BOOK, body=body, **headers)

    status, _, _ = booking(1, host="evil.example", **{"Content-Type": "application/json"})
    assert status == 400
    status, _, body = booking(2, **{"Content-Type": "text/plain"})
    assert status == 415 and json.loads(body)["error"]["code"] == "unsupported_media_type"
    assert Ticket.objects.count() == before  # neither booked
    status, headers, _ = booking(3, **{"Content-Type": "application/json"})
    assert status == 201
    assert_guarded(headers, personal=True)  # the answer holds the ticket's id, its only secret
