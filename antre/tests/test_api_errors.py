"""Under /api/v1/ every refusal is in the documented error shape, whoever makes it; pages keep HTML."""

from __future__ import annotations

import asyncio
import http.client
import json

import pytest
from django.test import Client

from antre import api_errors
from antre.applications.models import Application
from antre.conftest import NIK_KETUT
from antre.queueing.models import Ticket

BOOK = "/api/v1/offices/tabanan/tickets"


def error_of(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code
    return error


def test_a_body_over_the_upload_limit_is_a_413_too_large_and_books_nothing(client, office, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
    body = json.dumps({"service": "CAPIL", "name": "I Ketut Arsana", "nik": NIK_KETUT, "x": "a" * 3_000_000})
    error = error_of(client.post(BOOK, body, content_type="application/json"), 413, "too_large")
    assert error["message"] == "Isi permintaan terlalu besar; paling banyak 2 MB."
    assert Ticket.objects.count() == 0


def test_a_multipart_body_without_a_boundary_is_a_400_invalid_body(client, office):
    response = client.post(
        "/api/v1/offices/tabanan/applications", b"--x\r\nkind=KTP\r\n", content_type="multipart/form-data"
    )
    error = error_of(response, 400, "invalid_body")
    assert error["message"].startswith("Isi permintaan tidak dapat dibaca")
    assert Application.objects.count() == 0


def test_a_method_the_path_does_not_take_is_a_405_that_says_which_it_takes(client, office):
    response = client.put("/api/v1/offices", b"{}", content_type="application/json")
    error_of(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_a_post_to_an_unknown_api_path_is_a_404_not_a_csrf_page(office):
    response = Client(enforce_csrf_checks=True).post("/api/v1/tiket", b"{}", content_type="application/json")
    error_of(response, 404, "not_found")


def test_an_exception_in_a_view_is_a_500_server_error_without_a_traceback(office, monkeypatch, caplog):
    from antre.queueing import api

    def broken(office):
        raise RuntimeError("secret detail of the failure")

    monkeypatch.setattr(api.calling, "board", broken)
    response = Client(raise_request_exception=False).get("/api/v1/offices/tabanan/board")
    error = error_of(response, 500, "server_error")
    assert error["message"] == "Terjadi gangguan di server. Coba lagi sebentar lagi."
    assert b"secret" not in response.content and b"Traceback" not in response.content
    assert response["X-Content-Type-Options"] == "nosniff"  # the security headers are kept
    assert any(r.name == "django.request" and r.exc_info for r in caplog.records)  # logged for the admin


def test_the_error_message_follows_the_chosen_language(office, monkeypatch):
    from antre.queueing import api

    monkeypatch.setattr(api.calling, "board", lambda office: 1 / 0)
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = "en"
    error = error_of(client.get("/api/v1/offices/tabanan/board"), 500, "server_error")
    assert error["message"] == "Something went wrong on the server. Please try again shortly."


def test_pages_outside_the_api_keep_their_html_error_pages(client, office):
    broken_form = client.post("/k/tabanan/layanan/CAPIL/", b"--x\r\n", content_type="multipart/form-data")
    assert broken_form.status_code == 400 and broken_form["Content-Type"].startswith("text/html")
    missing = client.get("/tiket/no-such-ticket/")
    assert missing.status_code == 404 and missing["Content-Type"].startswith("text/html")


async def _call(app, path: str) -> list[dict]:
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    await app({"type": "http", "method": "GET", "path": path, "headers": []}, receive, send)
    return sent


def test_a_failure_in_front_of_django_is_answered_in_the_error_shape(caplog):
    """The server's own lanes (the SSE path, the booking lane) fail before Django: JSON, not text."""

    async def failing(scope, receive, send):
        raise ConnectionError("database unreachable")

    sent = asyncio.run(_call(api_errors.guarded(failing), "/api/v1/offices/tabanan/events"))
    assert sent[0]["status"] == 500 and (b"content-type", b"application/json") in sent[0]["headers"]
    assert json.loads(sent[1]["body"])["error"]["code"] == "server_error"
    assert any(r.exc_info for r in caplog.records)
    # Elsewhere, and once an answer has begun, the failure is the server's to report as before.
    with pytest.raises(ConnectionError):
        asyncio.run(_call(api_errors.guarded(failing), "/k/tabanan/layar/"))

    async def failing_midway(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        raise ConnectionError("gone")

    with pytest.raises(ConnectionError):
        asyncio.run(_call(api_errors.guarded(failing_midway), "/api/v1/offices/tabanan/events"))


def _send_big(port: int, path: str, size: int, content_type: str) -> tuple[int, str, bytes]:
    """POST `size` bytes; the server may answer (and close) before the body is all sent."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.putrequest("POST", path)
    conn.putheader("Content-Type", content_type)
    conn.putheader("Content-Length", str(size))
    conn.endheaders()
    chunk = b"a" * (1024 * 1024)
    try:
        for _ in range(size // len(chunk)):
            conn.send(chunk)
    except (BrokenPipeError, ConnectionResetError):
        pass
    response = conn.getresponse()
    answer = response.status, response.getheader("Content-Type", ""), response.read()
    conn.close()
    return answer


@pytest.mark.django_db(transaction=True)
def test_under_antre_serve_every_api_refusal_is_json(open_all_day):
    from antre.testing import Server, free_port

    server = Server(port=free_port()).start(ANTRE_RATELIMIT="off")
    try:
        # 50 MB to the booking path: the booking lane hands it to Django, which refuses its size.
        big = _send_big(server.port, BOOK, 50 * 1024 * 1024, "application/json")
        unbounded = _send_big(
            server.port, "/api/v1/offices/tabanan/applications", 1024, "multipart/form-data"
        )
        page = _send_big(server.port, "/k/tabanan/layanan/CAPIL/", 1024, "multipart/form-data")
    finally:
        server.stop()
    status, content_type, body = big
    assert (status, json.loads(body)["error"]["code"]) == (413, "too_large")
    status, content_type, body = unbounded
    assert (status, json.loads(body)["error"]["code"]) == (400, "invalid_body")
    assert content_type.startswith("application/json")
    assert page[0] == 400 and page[1].startswith("text/html")  # a page keeps its HTML answer
    assert Ticket.objects.count() == 0 and Application.objects.count() == 0
