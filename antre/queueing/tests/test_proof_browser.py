"""The proof of work in a real Chromium: the booking form asked for it solves it in a Web Worker,
unseen, and books."""

from __future__ import annotations

import pytest

from antre import proofofwork
from antre.browser import SCREENSHOTS
from antre.conftest import NIK_MADE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def every_booking_asked(settings, tmp_path, monkeypatch):
    settings.RATELIMIT_ENABLED = True
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(proofofwork, "ADDRESS_PER_HOUR", 0)
    monkeypatch.setattr(proofofwork, "DIFFICULTY", 12)  # the same work, a few milliseconds of it


def test_the_form_solves_the_proof_of_work_unseen_and_books(
    live_server, office, browser, every_booking_asked
):
    from antre.queueing.models import Ticket

    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
    phone = context.new_page()
    phone.goto(live_server.url + "/k/tabanan/layanan/CAPIL/")
    phone.fill("#id_name", "Ni Made Sari Dewi")
    phone.fill("#id_nik", NIK_MADE)
    phone.get_by_role("button", name="Ambil nomor antrean").click()
    # Refused for want of a proof, the page solves it and sends the form again by itself.
    phone.wait_for_url("**/tiket/**", timeout=30_000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=SCREENSHOTS / "proof-of-work-booked.png", full_page=False)
    assert Ticket.objects.get().nik == NIK_MADE
    context.close()
