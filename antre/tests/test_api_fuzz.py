"""schemathesis over the whole OpenAPI document, as a citizen (no token) and as the office's
administrator (a token): no server error, and every answer's status, type and body as documented.

Bounded for the test command: a few examples per operation, without the slow shrinking phase, on
SQLite only (the API's answers do not depend on the database; the other tests run on both). The two
live-event streams (SSE) never end, so they are left to their own tests (live/tests).
"""

from __future__ import annotations

import hashlib

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection
from hypothesis import HealthCheck, Phase, settings
from schemathesis import checks

from antre.applications.tests.factories import pdf, submit
from antre.conftest import KETUT
from antre.people.models import ApiToken
from antre.queueing.tests.factories import book

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="fuzzed once, on SQLite")

EXAMPLES = 12
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture
def one_connection():
    """The WSGI handler's end-of-request signal would close the test's database connection (and
    its transaction, which undoes each test's writes); Django's test client disconnects it too."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _sometimes(generated, real):
    """The real value for about half of the generated ones: an address that names nothing is a
    404 before any rule is reached, so half of the examples reach the office's real data."""
    digest = hashlib.blake2b(repr(generated).encode(), digest_size=1).digest()[0]
    return real if digest % 2 else generated


REAL: dict[str, object] = {}  # path parameters that name the demo office's real data, per test


@pytest.fixture(autouse=True)
def world(office, staff, clock, settings, tmp_path, one_connection):
    settings.DATA_DIR = tmp_path
    # Nothing leaves the machine: a WhatsApp message queued by a booking goes nowhere.
    settings.WHATSAPP = {
        "api_base": "http://127.0.0.1:9/none",
        "token": "t",
        "app_secret": "s",
        "verify_token": "v",
    }
    ticket = book(office, KETUT)
    application = submit(office, {"kk": ("kk.pdf", pdf()), "bukti": ("akta.pdf", pdf())})
    REAL.clear()
    REAL.update(
        office=office.slug,
        ticket_id=ticket.token,
        counter_id=office.counters.order_by("number").first().pk,
        code=application.code,
    )


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application()).exclude(
    path_regex=r"/events$"
)


@schema.hook
def map_path_parameters(context, path_parameters):
    if not path_parameters:
        return path_parameters
    return {name: _sometimes(value, REAL.get(name, value)) for name, value in path_parameters.items()}


FUZZ = settings(
    max_examples=EXAMPLES,
    phases=[Phase.explicit, Phase.generate],
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)


@schema.parametrize()
@FUZZ
def test_the_api_as_a_citizen(case):
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_the_api_as_the_offices_administrator(case, staff):
    key = ApiToken.for_user(staff["admin"]).key
    case.call_and_validate(headers={"Authorization": f"Token {key}"}, checks=CHECKS)
