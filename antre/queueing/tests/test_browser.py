"""A citizen books from a 360-px phone with JavaScript switched off, in a real Chromium."""

from __future__ import annotations

import os
import re

import pytest

from antre.browser import CHROMIUM_ARGS, SCREENSHOTS, chromium_path
from antre.conftest import NIK_MADE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser():
    path = chromium_path()
    if path is None:
        pytest.fail("chromium is not installed; `make test` installs Debian's chromium package")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures here
    # are plain synchronous ones, so Django's async-safety guard does not apply to them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def phone(browser):
    """A cheap Android phone: 360 px wide, no JavaScript."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        java_script_enabled=False,
        locale="id-ID",
    )
    page = context.new_page()
    yield page
    context.close()


def test_a_citizen_books_from_a_phone_without_javascript(live_server, office, phone):
    from antre.queueing.models import Ticket

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.goto(live_server.url + "/")
    assert phone.locator("h1").inner_text() == "Ambil nomor antrean"
    phone.screenshot(path=SCREENSHOTS / "01-services-phone.png", full_page=False)

    phone.locator("#layanan-CAPIL a.button").click()
    assert "Pencatatan sipil" in phone.locator("h1").inner_text()
    # Nothing sticks out sideways on a 360-px screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.fill("#id_name", "ni made sari dewi")
    phone.fill("#id_nik", "12345")
    phone.get_by_role("button", name="Ambil nomor antrean").click()
    assert phone.locator("#refusal").inner_text() == "Periksa kembali isian yang ditandai."
    assert phone.get_by_text("NIK harus 16 digit angka.").is_visible()
    phone.screenshot(path=SCREENSHOTS / "02-booking-refused-phone.png", full_page=True)
    assert Ticket.objects.count() == 0

    phone.fill("#id_nik", NIK_MADE)
    phone.select_option("#id_priority", "pregnant")
    phone.get_by_role("button", name="Ambil nomor antrean").click()

    assert re.fullmatch(r"D-001", phone.locator("#ticket-number").inner_text())
    assert phone.locator(".qr svg").is_visible()
    assert phone.get_by_text("Persyaratan yang perlu dibawa").is_visible()
    assert phone.locator("#ticket-status").inner_text() == "Terdaftar"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=SCREENSHOTS / "03-ticket-phone.png", full_page=True)
    ticket = Ticket.objects.get()
    assert ticket.priority == "pregnant" and ticket.name == "Ni Made Sari Dewi"

    phone.get_by_role("link", name="Batalkan nomor antrean").click()
    phone.get_by_role("button", name="Ya, batalkan").click()
    assert phone.locator("#ticket-status").inner_text() == "Dibatalkan"
