"""A signed-in officer's browser cannot be made to act by another site: API writes that ride on the
session cookie need the page's CSRF token, and a JSON body is read only when it says it is JSON."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from antre.people.models import ApiToken
from antre.queueing.models import Ticket

pytestmark = pytest.mark.django_db

BOOK = "/api/v1/offices/tabanan/tickets"
WALK_IN = {"service": "KTP", "name": "Nenek Sari", "channel": "walk_in", "priority": "elderly"}


@pytest.fixture(autouse=True)
def on_monday_morning(monday):
    """The office open: a walk-in is issued for today."""


@pytest.fixture
def satpam_browser(staff):
    """The gate officer's browser, signed in, with Django's CSRF checks on as in production."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff["satpam"])
    browser.get("/pintu/tabanan/")  # a page of theirs sets the csrftoken cookie
    return browser


def test_a_cross_site_form_cannot_issue_a_walk_in_ticket_as_the_officer(satpam_browser):
    # What a foreign page's <form enctype="text/plain"> sends: the JSON as text, with the cookie.
    as_text = satpam_browser.post(BOOK, json.dumps(WALK_IN) + "=", content_type="text/plain")
    assert as_text.status_code == 415
    assert as_text.json()["error"]["code"] == "unsupported_media_type"
    # A script elsewhere that manages to send JSON still lacks the page's token.
    as_json = satpam_browser.post(BOOK, WALK_IN, content_type="application/json")
    assert as_json.status_code == 403
    assert as_json.json()["error"]["code"] == "csrf_failed"
    assert "CSRF" in as_json.json()["error"]["message"]
    assert Ticket.objects.count() == 0


def test_the_officers_own_page_sends_the_token_and_is_served(satpam_browser, staff):
    token = satpam_browser.cookies["csrftoken"].value
    response = satpam_browser.post(
        BOOK, WALK_IN, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 201, response.content
    assert Ticket.objects.get().issued_by == staff["satpam"]


def test_a_token_client_needs_no_csrf_token(staff):
    key = ApiToken.for_user(staff["satpam"]).key
    kiosk = Client(enforce_csrf_checks=True, headers={"Authorization": f"Token {key}"})
    assert kiosk.post(BOOK, WALK_IN, content_type="application/json").status_code == 201


def test_staff_endpoints_refuse_a_session_write_without_the_token(office, staff):
    counter = office.counters.order_by("number").first()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff["petugas"])
    refused = browser.post(f"/api/v1/counters/{counter.pk}/open")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf_failed"
    browser.get(f"/loket/{counter.pk}/")
    opened = browser.post(
        f"/api/v1/counters/{counter.pk}/open", headers={"X-CSRFToken": browser.cookies["csrftoken"].value}
    )
    assert opened.status_code == 200, opened.content


def test_a_citizens_json_sent_as_text_is_refused_not_read(office):
    citizen = Client()
    body = json.dumps({"service": "KTP", "name": "Ni Luh Ayu", "nik": "5102054507900002"})
    for content_type in ("text/plain", "application/x-www-form-urlencoded"):
        response = citizen.post(BOOK, body, content_type=content_type)
        assert response.status_code == 415, (content_type, response.content)
        assert "application/json" in response.json()["error"]["message"]
    assert Ticket.objects.count() == 0
    assert citizen.post(BOOK, body, content_type="application/json").status_code == 201


def test_the_openapi_document_names_the_415_refusal(client):
    document = client.get("/api/v1/openapi.json").json()
    booking = document["paths"][BOOK.replace("tabanan", "{office}")]["post"]
    assert "415" in booking["responses"]
    assert "application/json" in document["info"]["description"]
