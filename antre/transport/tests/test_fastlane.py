"""The booking fast lane answers exactly as the ordinary Django + ninja lane does."""

from __future__ import annotations

import http.client
import io
import json

import pytest
from django.db import connection

from antre.conftest import nik_for
from antre.people.models import ApiToken, Role
from antre.people.tests import factories as people
from antre.queueing.models import Ticket
from antre.testing import Server, end_my_connection, free_port
from antre.transport import fastlane

pytestmark = pytest.mark.django_db(transaction=True)

BOOK = "/api/v1/offices/tabanan/tickets"


def post(port: int, path: str, body, headers: dict | None = None) -> tuple[int, dict, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    conn.request("POST", path, raw, {"Content-Type": "application/json", **(headers or {})})
    response = conn.getresponse()
    payload = response.read()
    conn.close()
    headers_out = {k.lower(): v for k, v in response.getheaders()}
    return response.status, headers_out, json.loads(payload) if payload else {}


def comparable(status: int, headers: dict, body: dict) -> tuple:
    """What must match between the lanes: everything but a new ticket's own id, number and times."""
    body = dict(body)
    for key in ("id", "number", "url", "estimated_call_at", "position"):
        if key in body:
            body[key] = type(body[key]).__name__  # present, and of the same type
    # `date` and `server` come from uvicorn.
    kept = {k: v for k, v in headers.items() if k not in ("date", "server", "content-length")}
    return status, kept, body


def scenario(port: int, offset: int) -> list[tuple[str, tuple]]:
    """The same citizen requests against one server; NIKs differ per server so both can book."""
    a, b, c = nik_for(offset), nik_for(offset + 1), nik_for(offset + 2)
    key = f"lane-{offset}"
    english = {"Cookie": "django_language=en"}
    steps = [
        (
            "booked",
            post(
                port, BOOK, {"service": "KTP", "name": "Ni Luh Putu Ayu", "nik": a}, {"Idempotency-Key": key}
            ),
        ),
        (
            "replayed",
            post(
                port, BOOK, {"service": "KTP", "name": "Ni Luh Putu Ayu", "nik": a}, {"Idempotency-Key": key}
            ),
        ),
        (
            "key reused",
            post(port, BOOK, {"service": "KTP", "name": "Ketut", "nik": b}, {"Idempotency-Key": key}),
        ),
        ("same NIK again", post(port, BOOK, {"service": "KTP", "name": "Ni Luh Putu Ayu", "nik": a})),
        ("bad NIK", post(port, BOOK, {"service": "KTP", "name": "Made", "nik": "1234"})),
        ("bad NIK, English", post(port, BOOK, {"service": "KTP", "name": "Made", "nik": "1234"}, english)),
        ("unknown service", post(port, BOOK, {"service": "NOPE", "name": "Made", "nik": b})),
        ("online-only service", post(port, BOOK, {"service": "KK", "name": "Made", "nik": b})),
        (
            "walk-in without staff",
            post(port, BOOK, {"service": "KTP", "name": "Made", "nik": b, "channel": "walk_in"}),
        ),
        (
            "unknown office",
            post(port, "/api/v1/offices/atlantis/tickets", {"service": "KTP", "name": "Made", "nik": b}),
        ),
        ("not JSON", post(port, BOOK, b"{service: KTP")),
        ("missing service", post(port, BOOK, {"name": "Made", "nik": b})),
        ("bad date", post(port, BOOK, {"service": "KTP", "name": "Made", "nik": b, "date": "besok"})),
        (
            "date in the past",
            post(port, BOOK, {"service": "KTP", "name": "Made", "nik": b, "date": "2020-06-01"}),
        ),
        # The demo office open around the clock has no sessions: a session asked for is refused.
        (
            "session of no day",
            post(port, BOOK, {"service": "KTP", "name": "Made", "nik": b, "session": "08:00"}),
        ),
        (
            "priority, English",
            post(port, BOOK, {"service": "CAPIL", "name": "Wayan", "nik": c, "priority": "elderly"}, english),
        ),
    ]
    return [(name, comparable(*answer)) for name, answer in steps]


def test_the_fast_lane_answers_every_booking_request_as_django_does(open_all_day):
    fast = Server(port=free_port()).start(ANTRE_RATELIMIT="off")
    ordinary = Server(port=free_port()).start(ANTRE_RATELIMIT="off", ANTRE_BOOKING_FAST_LANE="off")
    try:
        by_fast = scenario(fast.port, 0)
        by_django = scenario(ordinary.port, 100)
    finally:
        fast.stop()
        ordinary.stop()
    assert [name for name, _ in by_fast] == [name for name, _ in by_django]
    different = [(name, f, d) for (name, f), (_, d) in zip(by_fast, by_django, strict=True) if f != d]
    assert different == []
    answers = dict(by_fast)
    assert answers["booked"][0] == 201 and answers["replayed"][1]["idempotent-replayed"] == "true"
    assert answers["same NIK again"][2]["error"]["code"] == "duplicate_ticket"
    assert answers["bad NIK, English"][2]["error"]["fields"]["nik"] == "NIK must be 16 digits."
    assert answers["unknown office"][0] == 404 and answers["not JSON"][0] == 400
    # Each server booked its two citizens once (the replay and the refusals stored nothing).
    assert Ticket.objects.count() == 4


def test_staff_bookings_take_the_ordinary_lane_and_walk_ins_work(open_all_day):
    officer = people.officer(Role.PETUGAS_PINTU, open_all_day, username="satpam")
    token = ApiToken.objects.create(user=officer)
    server = Server(port=free_port()).start(ANTRE_RATELIMIT="off")
    try:
        status, _, body = post(
            server.port,
            BOOK,
            {"service": "KTP", "name": "Nenek Sari", "channel": "walk_in", "priority": "elderly"},
            {"Authorization": f"Token {token.key}"},
        )
    finally:
        server.stop()
    assert status == 201, body
    assert Ticket.objects.get(token=body["id"]).issued_by == officer


def test_the_fast_lane_keeps_the_limits_on_citizens_bookings(open_all_day, tmp_path):
    import time

    from antre.proofofwork import ADDRESS_PER_HOUR
    from antre.queueing.budgets import address_share
    from antre.ratelimit import BOOKINGS_PER_MINUTE

    # A data dir of its own: the counter file there is not reset by tests running in parallel.
    server = Server(port=free_port()).start(ANTRE_RATELIMIT="on", ANTRE_DATA_DIR=str(tmp_path))
    if time.time() % 60 > 45:  # the counting window is a clock minute: start all in one window
        time.sleep(61 - time.time() % 60)
    try:
        answers = []
        for i in range(BOOKINGS_PER_MINUTE + 1):
            status, headers, body = post(
                server.port, BOOK, {"service": "KTP", "name": "Made", "nik": nik_for(i)}
            )
            answers.append((status, body.get("error", {}).get("code")))
    finally:
        server.stop()
    # One address: booked up to its share of KTP's day (60 places), then refused by that budget up
    # to its hourly threshold, then asked for a proof of work; past the per-minute limit, refused.
    share = address_share(60)
    assert answers[:share] == [(201, None)] * share
    assert set(answers[share:ADDRESS_PER_HOUR]) == {(429, "budget_exhausted")}
    assert set(answers[ADDRESS_PER_HOUR:BOOKINGS_PER_MINUTE]) == {(428, "proof_required")}
    assert answers[-1] == (429, "rate_limited") and int(headers["retry-after"]) > 0
    assert Ticket.objects.count() == share


def environ_for(body: bytes, path: str = BOOK) -> dict:
    from a2wsgi.wsgi import build_environ

    scope = {
        "type": "http",
        "method": "POST",
        "path": path,
        "root_path": "",
        "query_string": b"",
        "http_version": "1.1",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 40000),
        "headers": [
            (b"host", b"localhost:8000"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
    }
    return build_environ(scope, io.BytesIO(body))


def test_the_fast_lane_books_by_itself_and_hands_back_what_it_does_not_expect(open_all_day):
    body = json.dumps({"service": "KTP", "name": "Ni Luh Ayu", "nik": nik_for(1)}).encode()
    status, headers, content = fastlane.answer(environ_for(body), "tabanan")
    assert status == 201 and json.loads(content)["number"] == "A-001"
    assert (b"vary", b"Cookie") in headers and (b"x-frame-options", b"DENY") in headers
    # Django's own answers for these: the lane declines them and books nothing.
    assert fastlane.answer(environ_for(b"{not json"), "tabanan") is None
    assert fastlane.answer(environ_for(body), "atlantis") is None
    assert Ticket.objects.count() == 1


def fast_book(i: int, service: str = "KTP") -> tuple[int, dict]:
    body = json.dumps({"service": service, "name": "Ni Luh Ayu", "nik": nik_for(i)}).encode()
    status, _headers, content = fastlane.answer(environ_for(body), "tabanan")
    return status, json.loads(content)


def test_the_fast_lane_books_with_the_quota_and_prefix_as_they_are_now(open_all_day):
    """The lane keeps the service for a few seconds; a change made by another process (an update
    that sends no signal here) to the quota or the prefix still applies to the very next booking."""
    from antre.offices.models import Service

    assert fast_book(1)[1]["number"] == "A-001"
    Service.objects.filter(code="KTP").update(prefix="Z")
    assert fast_book(2)[1]["number"] == "Z-002"
    Service.objects.filter(code="KTP").update(daily_quota=2)
    status, body = fast_book(3)
    assert (status, body["error"]["code"]) == (409, "quota_full")
    assert Ticket.objects.count() == 2


def test_a_service_closed_in_the_admin_is_no_longer_booked_by_the_fast_lane(open_all_day):
    from antre.offices.models import Service

    assert fast_book(1)[0] == 201
    service = Service.objects.get(code="KTP")
    service.active = False
    service.save()  # as the admin saves it: this process forgets its copy at once
    status, body = fast_book(2)
    assert (status, body["error"]["code"]) == (422, "unknown_service")


def test_a_service_changed_by_another_process_is_refused_at_once(open_all_day):
    """Another server process closes a service, or makes it online-only (no signal reaches this
    one, whose copy still says bookable): the booking statement itself refuses."""
    from antre.offices.models import Service

    assert fast_book(1)[0] == 201
    Service.objects.filter(code="KTP").update(mode="online")
    status, body = fast_book(2)
    assert (status, body["error"]["code"]) == (409, "online_only")
    Service.objects.filter(code="KTP").update(mode="in_person", active=False)
    status, body = fast_book(3)
    assert (status, body["error"]["code"]) == (422, "unknown_service")
    assert Ticket.objects.count() == 1


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="a server connection to look at: PostgreSQL")
def test_bookings_keep_their_connection_with_thousands_of_descriptors_open(open_all_day):
    """A process with thousands of open streams gives its database connections high descriptor
    numbers; the fast lane's look at the socket must still work and keep the connection."""
    import resource
    import socket

    from django.db import connections

    if resource.getrlimit(resource.RLIMIT_NOFILE)[0] < 2500:
        pytest.skip("needs a limit of 2,500 open files")
    connections.close_all()
    held = [socket.socket() for _ in range(1100)]  # the next connection gets a descriptor past 1023
    try:
        pids = set()
        for i in range(4):
            assert fast_book(i)[0] == 201
            assert connection.connection.fileno() > 1023
            pids.add(connection.connection.info.backend_pid)
        assert len(pids) == 1
    finally:
        for sock in held:
            sock.close()
        connections.close_all()


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="a server connection to lose: PostgreSQL")
def test_a_booking_after_the_database_dropped_the_connection_reconnects_and_books(open_all_day):
    """The fast lane skips Django's per-request `SELECT 1`: a connection kept from an earlier
    booking that the database has since closed (a restart, an idle timeout) must still book."""
    assert fast_book(1)[0] == 201
    backend = end_my_connection()
    assert fast_book(2)[0] == 201
    assert connection.connection.info.backend_pid != backend
    assert Ticket.objects.count() == 2


def test_a_failure_in_the_fast_lane_is_answered_and_logged_as_django_would(open_all_day, monkeypatch, caplog):
    from django.db import OperationalError

    def broken(*args, **kwargs):
        raise OperationalError("disk I/O error")

    monkeypatch.setattr(fastlane.hot, "first", broken)
    body = json.dumps({"service": "KTP", "name": "Ni Luh Ayu", "nik": nik_for(1)}).encode()
    status, headers, content = fastlane.answer(environ_for(body), "tabanan")
    assert status == 500 and dict(headers)[b"content-type"].startswith(b"application/json")
    assert json.loads(content)["error"]["code"] == "server_error"  # as the ordinary lane answers
    assert (b"x-content-type-options", b"nosniff") in headers
    assert any(r.name == "django.request" and r.levelname == "ERROR" for r in caplog.records)
    assert Ticket.objects.count() == 0


@pytest.mark.parametrize(
    ("method", "path", "headers", "taken"),
    [
        ("POST", BOOK, [(b"content-type", b"application/json")], True),
        ("POST", BOOK, [], False),  # a body not declared as JSON: Django refuses it (415)
        ("POST", BOOK, [(b"content-type", b"text/plain")], False),
        ("GET", BOOK, [], False),
        ("POST", BOOK + "/", [], False),
        ("POST", BOOK + "\n", [], False),
        ("POST", "/api/v1/offices/tabanan/applications", [], False),
        ("POST", BOOK, [(b"authorization", b"Token abc")], False),
        ("POST", BOOK, [(b"cookie", b"django_language=en; sessionid=abc")], False),
        ("POST", BOOK, [(b"cookie", b"django_language=en"), (b"content-type", b"application/json")], True),
        ("POST", BOOK, [(b"content-type", b"multipart/form-data; boundary=x")], False),
    ],
)
def test_which_requests_take_the_fast_lane(settings, method, path, headers, taken):
    scope = {"type": "http", "method": method, "path": path, "headers": headers}
    assert (fastlane.wanted(scope) == "tabanan") is taken
    settings.BOOKING_FAST_LANE = False
    assert fastlane.wanted(scope) is None
