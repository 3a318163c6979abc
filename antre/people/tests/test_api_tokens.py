"""API tokens end: after their term (90 days by default), and when their owner's password changes."""

import datetime as dt

import pytest
import time_machine

from antre import commands
from antre.people.models import ApiToken

pytestmark = pytest.mark.django_db

COUNTERS = "/api/v1/offices/tabanan/counters"


def with_token(key: str) -> dict[str, str]:
    return {"Authorization": f"Token {key}"}


def test_a_token_works_for_ninety_days_then_says_it_has_expired(client, staff):
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as traveller:
        key = ApiToken.for_user(staff["petugas"]).key
        traveller.shift(dt.timedelta(days=89, hours=23))
        assert client.get(COUNTERS, headers=with_token(key)).status_code == 200
        traveller.shift(dt.timedelta(hours=1))
        response = client.get(COUNTERS, headers=with_token(key))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_expired"
    assert "kedaluwarsa" in response.json()["error"]["message"]


def test_the_term_is_configurable(client, staff, settings):
    settings.API_TOKEN_DAYS = 7
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as traveller:
        key = ApiToken.for_user(staff["petugas"]).key
        traveller.shift(dt.timedelta(days=7))
        assert client.get(COUNTERS, headers=with_token(key)).status_code == 401


def test_a_password_change_revokes_the_token(client, staff):
    petugas = staff["petugas"]
    key = ApiToken.for_user(petugas).key
    assert client.get(COUNTERS, headers=with_token(key)).status_code == 200
    petugas.set_password("kopi-susu-di-ubud-7")
    petugas.save()
    response = client.get(COUNTERS, headers=with_token(key))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_revoked"
    assert "kata sandi" in response.json()["error"]["message"]


def test_saving_a_user_without_a_new_password_keeps_the_token(client, staff):
    petugas = staff["petugas"]
    key = ApiToken.for_user(petugas).key
    petugas.first_name = "Made"
    petugas.save()
    assert client.get(COUNTERS, headers=with_token(key)).status_code == 200


def test_an_ended_token_cannot_book_a_walk_in_as_a_citizen_either(client, staff):
    satpam = staff["satpam"]
    key = ApiToken.for_user(satpam).key
    satpam.set_password("kopi-susu-di-ubud-7")
    satpam.save()
    response = client.post(
        "/api/v1/offices/tabanan/tickets",
        {"service": "CAPIL", "name": "Nenek Wayan", "channel": "walk_in"},
        content_type="application/json",
        headers=with_token(key),
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_revoked"


def test_the_command_shows_the_term_and_gives_a_new_key_once_the_old_one_ended(office, staff, capsys):
    assert commands.token("petugas") == 0
    first, told = capsys.readouterr()
    assert "Berlaku sampai" in told and "dicabut bila kata sandi petugas diganti" in told
    until = ApiToken.objects.get(user=staff["petugas"]).expires_at
    assert dt.timedelta(days=89) < until - dt.datetime.now(dt.UTC) <= dt.timedelta(days=90)
    assert until.astimezone(office.tzinfo).strftime("%Y-%m-%d") in told

    assert commands.token("petugas") == 0
    assert capsys.readouterr().out == first  # still good: the same key

    staff["petugas"].set_password("kopi-susu-di-ubud-7")
    staff["petugas"].save()
    assert commands.token("petugas") == 0
    second = capsys.readouterr().out
    assert second.strip() and second != first
    assert ApiToken.objects.get(key=second.strip()).is_usable(dt.datetime.now(dt.UTC))
