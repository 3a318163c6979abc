"""A staff session ends after a working day, however busy, and with the browser (shared PCs)."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings

from antre.people.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, username: str) -> None:
    response = client.post("/masuk/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302


def test_the_session_cookie_ends_with_the_browser(client, staff):
    sign_in(client, "kepala")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["expires"] and not cookie["max-age"]


def test_an_officer_is_signed_out_after_ten_hours_even_on_a_page_kept_open(client, staff):
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as traveller:
        sign_in(client, "kepala")
        for _ in range(9):  # in use all day: each visit saves nothing that would extend it
            traveller.shift(dt.timedelta(hours=1))
            assert client.get("/kepala/tabanan/").status_code == 200
        traveller.shift(dt.timedelta(hours=1))
        response = client.get("/kepala/tabanan/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/masuk/")


def test_the_working_day_is_configurable(client, staff, settings):
    settings.STAFF_SESSION_HOURS = 2
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as traveller:
        sign_in(client, "kepala")
        traveller.shift(dt.timedelta(hours=1, minutes=59))
        assert client.get("/kepala/tabanan/").status_code == 200
        traveller.shift(dt.timedelta(minutes=1))
        assert client.get("/kepala/tabanan/").status_code == 302
