"""No ticket id, application code or API token reaches a log line (antre.logmask)."""

from __future__ import annotations

import http.client
import json
import logging

import pytest
from django.test import Client

from antre.applications.tests.factories import apply
from antre.conftest import nik_for
from antre.logmask import MaskSecrets, mask
from antre.people.models import ApiToken
from antre.testing import Server, free_port

TOKEN = "kQ3v9Xw2_Rb-Lm8Zt1Yp4A"  # the shape of Ticket.token
KEY = "3f9a1c0e5b7d2a4f6e8c0b1d3f5a7c9e1b3d5f7a"  # the shape of ApiToken.key
CODE = "7REGHNYN"  # the shape of an application code


def test_a_request_line_keeps_its_shape_without_the_secrets():
    line = f"Forbidden: /api/v1/tickets/{TOKEN}/start; /lacak/{CODE}/ Token {KEY}"
    assert mask(line) == "Forbidden: /api/v1/tickets/***/start; /lacak/***/ Token ***"
    assert mask(f"/tiket/{TOKEN}x/ {KEY}00") == "/tiket/***/ ***"  # a secret with more stuck to it
    kept = "ticket A-012 booked for 2026-12-07 via web; CAPIL quota 40; in fast_booking_with_the_lane"
    assert mask(kept) == kept


def test_uvicorns_access_record_is_masked_argument_by_argument():
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", f"/tiket/{TOKEN}/", "1.1", 200), None,
    )  # fmt: skip
    assert MaskSecrets().filter(record)
    assert record.args[2] == "/tiket/***/" and record.args[4] == 200
    assert record.getMessage() == '127.0.0.1:5000 - "GET /tiket/***/ HTTP/1.1" 200'


def test_a_traceback_is_masked_too():
    try:
        raise LookupError(f"no ticket {TOKEN}")
    except LookupError:
        record = logging.LogRecord("antre", logging.ERROR, __file__, 1, "failed %s", (TOKEN,), None)
        import sys

        record.exc_info = sys.exc_info()
    MaskSecrets().filter(record)
    assert TOKEN not in logging.Formatter().format(record)


def call(port: int, method: str, path: str, body: dict | None = None, **headers) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    raw = json.dumps(body).encode() if body is not None else None
    conn.request(method, path, raw, {"Content-Type": "application/json", **headers} if raw else headers)
    response = conn.getresponse()
    content = response.read()
    conn.close()
    try:
        return response.status, json.loads(content)
    except ValueError:
        return response.status, {}


@pytest.mark.django_db(transaction=True)
def test_a_short_trial_leaves_no_secret_in_the_servers_log(open_all_day, staff):
    application = apply(Client())
    key = ApiToken.for_user(staff["satpam"]).key  # the gate may not start a service
    server = Server(port=free_port()).start(
        timeout=120, ANTRE_RATELIMIT="off"
    )  # a busy machine starts slowly
    try:
        status, ticket = call(
            server.port,
            "POST",
            "/api/v1/offices/tabanan/tickets",
            {"service": "KTP", "name": "Made", "nik": nik_for(7)},
        )
        assert status == 201
        token = ticket["id"]
        assert call(server.port, "GET", f"/tiket/{token}/")[0] == 200
        refused, _ = call(server.port, "POST", f"/api/v1/tickets/{token}/start", Authorization=f"Token {key}")
        assert refused == 403
        assert call(server.port, "GET", f"/api/v1/applications/{application.code}?nik={nik_for(8)}")[0] == 404
        assert call(server.port, "GET", f"/permohonan/{application.code}/")[0] in (302, 403, 404)
        assert call(server.port, "GET", f"/tiket/{token}x/")[0] == 404
    finally:
        server.stop()
    log = "".join(server.log)
    assert "Forbidden: /api/v1/tickets/***/start" in log  # the refusals were logged, masked
    for secret in (token, application.code, key):
        assert secret not in log


def test_every_handler_of_the_server_masks(tmp_path):
    import logging.config

    from django.conf import settings

    from antre.commands import uvicorn_log_config

    for config in (uvicorn_log_config(), settings.LOGGING):
        assert config["handlers"], config
        for name, handler in config["handlers"].items():
            assert any(
                config["filters"][f]["()"] == "antre.logmask.MaskSecrets" for f in handler["filters"]
            ), name
    # uvicorn's config as `antre serve` hands it over: its access line comes out masked.
    out = tmp_path / "access.log"
    config = uvicorn_log_config()
    config["handlers"]["access"] = config["handlers"]["access"] | {
        "class": "logging.FileHandler",
        "filename": str(out),
    }
    config["handlers"]["access"].pop("stream", None)
    logging.config.dictConfig(config)
    try:
        logging.getLogger("uvicorn.access").info(
            '%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", f"/tiket/{TOKEN}/", "1.1", 200
        )
    finally:
        for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):  # as before uvicorn's config
            logger = logging.getLogger(name)
            for handler in logger.handlers:
                handler.close()
            logger.handlers.clear()
            logger.propagate, logger.level = True, logging.NOTSET
    assert "/tiket/***/" in out.read_text() and TOKEN not in out.read_text()
