"""Repeated wrong passwords lock the account out for a while, on both login forms; many failures on
any accounts lock the address out, at a count an office sharing one address does not reach."""

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt, AccessLog
from django.core.management import call_command

from antre import worker
from antre.people.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGINS = ["/masuk/", "/admin/login/"]


def attempt(client, url, username, password, address="203.0.113.7", **headers):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


def fail(client, url, username, times=5, address="203.0.113.7", **headers):
    for _ in range(times):
        response = attempt(client, url, username, "salah-sekali", address, **headers)
        assert response.status_code in (200, 429)


def signed_in(response) -> bool:
    return response.status_code == 302 and "/masuk/" not in response.headers["Location"]


@pytest.mark.parametrize("url", LOGINS)
def test_five_wrong_passwords_then_the_right_one_is_refused_with_a_page_that_says_why(client, staff, url):
    fail(client, url, "admin")
    response = attempt(client, url, "admin", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Masuk dikunci sementara" in page
    assert "15 menit" in page
    assert "administrator" in page
    assert "_auth_user_id" not in client.session


def test_four_wrong_passwords_still_let_the_owner_in(client, staff):
    fail(client, "/masuk/", "petugas", times=4)
    assert signed_in(attempt(client, "/masuk/", "petugas", PASSWORD))


def test_one_officers_typos_do_not_lock_out_the_office_sharing_the_address(client, staff):
    # The office's PCs reach Antre from one address: admin's five failures lock admin only.
    fail(client, "/masuk/", "admin")
    for username in ["petugas", "kepala", "verifikator"]:
        assert signed_in(attempt(client, "/masuk/", username, PASSWORD))
        client.logout()
    assert attempt(client, "/masuk/", "admin", PASSWORD).status_code == 429


def test_an_address_trying_many_accounts_is_locked_out_at_thirty_failures(client, staff, settings):
    assert settings.LOGIN_FAILURES_PER_ADDRESS == 30
    # Four guesses at each of many accounts, never enough to lock one, add up for the address.
    for i in range(7):
        fail(client, "/masuk/", f"tebakan{i}", times=4)
    assert signed_in(attempt(client, "/masuk/", "kepala", PASSWORD))  # 28 failures: not yet
    client.logout()
    fail(client, "/masuk/", "tebakan-lagi", times=2)
    assert attempt(client, "/masuk/", "kepala", PASSWORD).status_code == 429
    # ...and only that address: the office elsewhere signs in.
    assert signed_in(attempt(client, "/masuk/", "kepala", PASSWORD, address="198.51.100.9"))


def test_a_locked_account_stays_locked_from_another_address(client, staff):
    fail(client, "/masuk/", "kepala")
    assert attempt(client, "/masuk/", "kepala", PASSWORD, address="198.51.100.9").status_code == 429
    # ...while the others at that address go on working.
    assert signed_in(attempt(client, "/masuk/", "petugas", PASSWORD, address="198.51.100.9"))


def test_after_the_cool_off_the_right_password_works_again(client, staff):
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as traveller:
        fail(client, "/masuk/", "verifikator")
        assert attempt(client, "/masuk/", "verifikator", PASSWORD).status_code == 429
        traveller.shift(dt.timedelta(minutes=16))
        assert signed_in(attempt(client, "/masuk/", "verifikator", PASSWORD))


def test_the_address_is_the_sockets_not_what_the_client_claims(client, staff):
    # A script that claims a new address each time is still one address.
    for i in range(30):
        attempt(client, "/masuk/", f"tebakan{i}", "salah-sekali", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}")
    response = attempt(client, "/masuk/", "petugas", PASSWORD, HTTP_X_FORWARDED_FOR="10.0.0.99")
    assert response.status_code == 429


def test_behind_the_proxy_the_address_the_proxy_saw_counts(client, staff, settings):
    settings.TRUSTED_PROXIES = frozenset({"127.0.0.1"})  # as ANTRE_BEHIND_HTTPS_PROXY sets it
    proxy = "127.0.0.1"
    for i in range(6):
        fail(client, "/masuk/", f"tidakada{i}", address=proxy, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.50")
    # Someone else behind the same proxy signs in; the one who failed cannot.
    assert signed_in(
        attempt(client, "/masuk/", "petugas", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="203.0.113.51")
    )
    blocked = attempt(
        client, "/masuk/", "satpam", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.50"
    )
    assert blocked.status_code == 429


def test_the_admin_unlocks_an_account_by_command(client, staff):
    fail(client, "/masuk/", "petugas", address="198.51.100.1")
    assert AccessAttempt.objects.exists()
    call_command("axes_reset_username", "petugas")
    assert signed_in(attempt(client, "/masuk/", "petugas", PASSWORD, address="198.51.100.2"))


def test_a_good_login_clears_the_failures_before_it(client, staff):
    fail(client, "/masuk/", "kepala", times=4)
    assert signed_in(attempt(client, "/masuk/", "kepala", PASSWORD))
    client.logout()
    fail(client, "/masuk/", "kepala", times=4)
    assert signed_in(attempt(client, "/masuk/", "kepala", PASSWORD))


def test_sign_in_records_are_kept_ninety_days(client, staff):
    with time_machine.travel(dt.datetime.now(dt.UTC) - dt.timedelta(days=91), tick=False):
        assert signed_in(attempt(client, "/masuk/", "petugas", PASSWORD))
    client.logout()
    assert signed_in(attempt(client, "/masuk/", "kepala", PASSWORD))
    assert worker.forget_old_sign_ins() == 1
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["kepala"]
