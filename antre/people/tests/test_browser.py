"""Staff accounts in a real Chromium: a locked-out login, and the head of office turning the two-step
login on with an authenticator app, then signing in with it."""

from __future__ import annotations

import base64

import pytest
from django_otp.oath import TOTP

from antre.browser import SCREENSHOTS
from antre.people.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def password_step(page, url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(url + "/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Masuk").click()


def app_code(secret: str, later: int = 0) -> str:
    """What the authenticator app shows for this key now, or `later` seconds on (30-second steps)."""
    totp = TOTP(base64.b32decode(secret))
    totp.time += later
    return f"{totp.token():06d}"


def test_five_wrong_passwords_show_the_locked_out_page(browser, live_server, staff):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    for _ in range(5):
        password_step(page, live_server.url, "petugas", "bukan-sandinya")
    password_step(page, live_server.url, "petugas")
    assert page.locator("#locked-out").is_visible()
    assert "15 menit" in page.locator("#locked-out").inner_text()
    page.screenshot(path=SCREENSHOTS / "90-masuk-dikunci.png", full_page=True)


def test_the_head_of_office_turns_the_two_step_login_on_and_signs_in_with_it(
    browser, live_server, staff, settings
):
    # A wrong code makes the next try wait a second (django-otp); a person takes longer than that
    # to type, this test does not.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    password_step(page, live_server.url, "kepala")
    page.wait_for_url("**/kepala/tabanan/")
    page.goto(live_server.url + "/kepala/tabanan/audit/")
    page.get_by_role("link", name="Kode dua langkah").click()
    page.wait_for_url("**/staf/dua-langkah/")
    assert page.locator("#two-step-qr svg").is_visible()
    page.screenshot(path=SCREENSHOTS / "91-dua-langkah.png", full_page=True)
    secret = page.locator("#two-step-secret").inner_text()
    page.fill("#id_code", app_code(secret))
    page.get_by_role("button", name="Aktifkan").click()
    assert page.locator("#two-step-on").is_visible()

    page.locator("#logout").click()
    page.wait_for_url("**/masuk/")
    password_step(page, live_server.url, "kepala")
    page.wait_for_url("**/masuk/kode/")
    page.screenshot(path=SCREENSHOTS / "92-masuk-kode.png", full_page=True)
    page.fill("#id_code", "000000")
    page.get_by_role("button", name="Masuk").click()
    assert page.locator("#code-error").is_visible()
    # A code is taken once: the next step's, which the server still accepts (one step of drift).
    page.fill("#id_code", app_code(secret, later=30))
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/kepala/tabanan/")
