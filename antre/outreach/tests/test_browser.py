"""The head of office's per-desa page in a real Chromium, on a PC and a phone; the printables as
they look on paper (screenshots for docs/)."""

from __future__ import annotations

import pypdfium2
import pytest

from antre.browser import SCREENSHOTS
from antre.conftest import KETUT, MADE, WAYAN
from antre.outreach.models import ShortLink
from antre.outreach.tests.conftest import SUDIMARA
from antre.queueing.tests.factories import book

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, url: str, username: str) -> None:
    page.goto(url + "/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", "rahasia-123")
    page.get_by_role("button", name="Masuk").click()


def _render(data: bytes, name: str) -> None:
    document = pypdfium2.PdfDocument(data)
    page = document[0]
    page.render(scale=1.5).to_pil().save(SCREENSHOTS / name)
    page.close()
    document.close()


def test_the_printables_as_they_look_on_paper(client, printing_office, staff, clock):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    client.force_login(staff["kepala"])
    _render(client.get(f"/kepala/tabanan/desa/{SUDIMARA}/poster.pdf").content, "80-poster-desa.png")
    _render(client.get(f"/kepala/tabanan/desa/{SUDIMARA}/surat-edaran.pdf").content, "81-surat-edaran.png")


def test_kepala_sees_which_villages_brought_bookings_on_a_pc_and_a_phone(
    browser, live_server, printing_office, staff, clock
):
    office = printing_office
    ShortLink.objects.create(office=office, slug="ig-des26", note="Instagram", created_at=office.local_now())
    book(office, MADE, service="CAPIL", source="desa-5102052001")
    book(office, KETUT, service="CAPIL", source="desa-5102052001", channel="whatsapp")
    book(office, WAYAN, service="CAPIL", source="desa-5102012001")
    book(office, 7, service="CAPIL", source="s-ig-des26")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    pc = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    sign_in(pc, live_server.url, "kepala")
    pc.wait_for_url("**/kepala/tabanan/")
    pc.get_by_role("link", name="Sosialisasi ke desa").click()
    pc.wait_for_url("**/kepala/tabanan/desa/")
    sudimara = pc.locator(f'tr[data-code="{SUDIMARA}"]')
    assert sudimara.locator("td.booked").inner_text() == "2"
    assert "belum ada" in pc.locator('tr[data-code="51.02.05.2002"]').inner_text()
    pc.screenshot(path=SCREENSHOTS / "82-desa-desktop.png")

    phone = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2).new_page()
    sign_in(phone, live_server.url, "kepala")
    phone.goto(live_server.url + "/kepala/tabanan/desa/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360  # the table scrolls in its box
    # The summary line and the first kecamatan with its villages.
    phone.evaluate("window.scrollTo(0, document.querySelector('#villages-without').offsetTop - 16)")
    phone.wait_for_timeout(200)
    phone.screenshot(path=SCREENSHOTS / "83-desa-phone.png")
