"""The head of office reads the log of staff actions in a real Chromium, on a PC and a phone."""

from __future__ import annotations

import pytest

from antre.browser import SCREENSHOTS
from antre.conftest import KETUT, MONDAY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, url: str, username: str) -> None:
    page.goto(url + "/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", "rahasia-123")
    page.get_by_role("button", name="Masuk").click()


def test_kepala_reads_the_log_on_a_pc_and_a_phone(browser, live_server, staff, a_logged_morning):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, number, viewport in (
        ("desktop", 75, {"width": 1280, "height": 800}),
        ("phone", 76, {"width": 360, "height": 740}),
    ):
        page = browser.new_context(viewport=viewport).new_page()
        sign_in(page, live_server.url, "kepala")
        page.wait_for_url("**/kepala/tabanan/")
        page.get_by_role("link", name="Catatan aksi petugas").click()
        page.wait_for_url("**/kepala/tabanan/audit/")
        assert page.locator("#audit tbody tr").count() == 9  # the clock stays on Monday
        page.select_option("select[name=action]", "call")
        page.get_by_role("button", name="Tampilkan").click()
        page.wait_for_url("**action=call**")
        assert page.locator("#audit tbody tr").count() == 2
        page.select_option("select[name=action]", "")
        page.get_by_role("button", name="Tampilkan").click()
        page.wait_for_url(f"**from={MONDAY}**")
        assert KETUT.nik not in page.content() and "Ketut" not in page.content()
        if name == "phone":  # the page itself never scrolls sideways; the table scrolls in its card
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.screenshot(path=SCREENSHOTS / f"{number}-audit-{name}.png", full_page=True)
