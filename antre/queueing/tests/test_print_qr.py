"""The walk-in slip as it comes out of a 58-mm printer: a scanner at the gate reads its QR code."""

from __future__ import annotations

import io

import pytest

from antre.browser import SCREENSHOTS
from antre.queueing.tests.factories import book

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# 58 mm at CSS's 96 px per inch; twice the pixels, as a 203-dpi thermal head has about 8 dots per mm.
SLIP_WIDTH_PX = round(58 / 25.4 * 96)


def test_a_scanner_reads_the_qr_on_the_58mm_slip(browser, live_server, open_all_day):
    import zxingcpp
    from PIL import Image

    ticket = book(open_all_day, service="LEGAL", name="Nenek Wayan")
    slip = browser.new_context(
        viewport={"width": SLIP_WIDTH_PX, "height": 420}, device_scale_factor=2
    ).new_page()
    slip.goto(live_server.url + f"/tiket/{ticket.token}/cetak/")
    slip.emulate_media(media="print")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    png = slip.screenshot(path=SCREENSHOTS / "14-walk-in-slip-58mm-qr.png", full_page=True)

    codes = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert [code.text for code in codes] == [live_server.url + f"/tiket/{ticket.token}/"]
    # The whole code is on the paper: as wide as it is high, and inside the slip.
    box = slip.locator(".qr svg").bounding_box()
    assert box["width"] == pytest.approx(box["height"], abs=1)
    assert box["x"] >= 0 and box["x"] + box["width"] <= SLIP_WIDTH_PX


# What a 58-mm head prints on: the roll less its unprintable 5 mm each side.
PRINTABLE_PX = round(48 / 25.4 * 96)
POINTS_PER_MM = 72 / 25.4


def test_the_slip_is_a_58mm_page_and_fits_the_48mm_the_head_prints(browser, live_server, open_all_day):
    import zxingcpp
    from PIL import Image
    from pypdf import PdfReader

    # The longest service name of the demo office: the slip must still be one page.
    ticket = book(open_all_day, service="CAPIL", name="Ni Made Sari Dewi Anggraeni")
    page = browser.new_context(
        viewport={"width": PRINTABLE_PX, "height": 600}, device_scale_factor=2
    ).new_page()
    page.goto(live_server.url + f"/tiket/{ticket.token}/cetak/")

    # As the print dialog lays it out: the page size the stylesheet asks for, no width given here.
    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    assert len(pdf.pages) == 1
    box = pdf.pages[0].mediabox
    assert float(box.width) / POINTS_PER_MM == pytest.approx(58, abs=0.5)

    page.emulate_media(media="print")
    assert page.evaluate("document.documentElement.scrollWidth") <= PRINTABLE_PX  # nothing cut off
    png = page.screenshot(path=SCREENSHOTS / "50-walk-in-slip-48mm-printable.png", full_page=True)
    codes = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert [code.text for code in codes] == [live_server.url + f"/tiket/{ticket.token}/"]
