"""The head of office and the administrator sign in and land on their own pages, in a real Chromium."""

from __future__ import annotations

import pytest

from antre.browser import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, url: str, username: str) -> None:
    page.goto(url + "/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", "rahasia-123")
    page.get_by_role("button", name="Masuk").click()


def test_kepala_lands_on_todays_queue_on_a_pc_and_a_phone(browser, live_server, staff, a_busy_morning):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pc = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    sign_in(pc, live_server.url, "kepala")
    pc.wait_for_url("**/kepala/tabanan/")
    assert pc.locator("#fig-served strong").inner_text() == "1"
    assert pc.locator("#fig-inside strong").inner_text() == "3/13"
    pc.screenshot(path=SCREENSHOTS / "20-kepala-today-desktop.png", full_page=True)

    phone = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2).new_page()
    sign_in(phone, live_server.url, "kepala")
    phone.wait_for_url("**/kepala/tabanan/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=SCREENSHOTS / "21-kepala-today-phone.png", full_page=True)

    # The counter console is not theirs; the refusal says which page is.
    phone.goto(live_server.url + "/loket/")
    phone.get_by_role("link", name="Antrean hari ini").wait_for()
    phone.screenshot(path=SCREENSHOTS / "22-refused-page-points-home-phone.png")
    phone.get_by_role("link", name="Antrean hari ini").click()
    phone.wait_for_url("**/kepala/tabanan/")


def test_the_administrator_lands_on_the_staff_home(browser, live_server, staff):
    pc = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    sign_in(pc, live_server.url, "admin")
    pc.wait_for_url("**/staf/")
    pc.get_by_role("link", name="Pintu masuk").click()
    pc.wait_for_url("**/pintu/tabanan/")
    pc.go_back()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pc.screenshot(path=SCREENSHOTS / "23-staff-home-desktop.png", full_page=True)


def test_kepala_reads_the_summary_of_a_day_on_a_pc_and_a_phone(browser, live_server, office, staff, clock):
    from antre.conftest import MONDAY, TUESDAY, wita
    from antre.reports.tests.test_stats import seed

    seed(office, staff["petugas"])
    clock.move_to(wita(TUESDAY, 10))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, viewport in (
        ("desktop", {"width": 1280, "height": 800}),
        ("phone", {"width": 360, "height": 740}),
    ):
        page = browser.new_context(viewport=viewport).new_page()
        sign_in(page, live_server.url, "kepala")
        page.wait_for_url("**/kepala/tabanan/")
        page.get_by_role("link", name="Rekap kinerja per hari, minggu, bulan →").click()
        page.fill("input[name=from]", MONDAY.isoformat())
        page.fill("input[name=to]", MONDAY.isoformat())
        page.get_by_role("button", name="Tampilkan").click()
        page.wait_for_url(f"**/rekap/?from={MONDAY}&to={MONDAY}&per=day")
        assert page.locator("#sum-booked strong").inner_text() == "7"
        assert page.locator("#sum-wait-p90 strong").inner_text() == "40,0"
        assert page.locator("#by-kecamatan tr[data-code='51.02.02'] td").nth(1).inner_text() == "1"
        if name == "phone":  # the page itself never scrolls sideways; a wide table scrolls in its card
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.screenshot(path=SCREENSHOTS / f"24-kepala-summary-{name}.png", full_page=True)
