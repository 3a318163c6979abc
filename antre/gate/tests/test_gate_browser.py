"""The door in a real Chromium: nothing is shown outside before opening (§2), and a citizen steps
out and comes back in with the same number (§3)."""

from __future__ import annotations

import pytest
import time_machine

from antre.browser import SCREENSHOTS
from antre.conftest import MADE, MONDAY, session_cookie, wita
from antre.queueing.tests.factories import book

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def server(open_all_day):
    from antre.testing import Server, free_port

    served = Server(port=free_port()).start()
    yield served
    served.stop()


def test_before_opening_nobody_is_invited_and_at_opening_the_first_booking_is(live_server, office, browser):
    """The server runs in this process, so the clock pinned here is the server's too."""
    from antre.gate.services import refresh_invitations

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with time_machine.travel(wita(MONDAY, 5, 38), tick=True) as clock:
        ticket = book(office, MADE)
        refresh_invitations(office)  # the worker's tick at dawn
        clock.move_to(wita(MONDAY, 7, 50))
        refresh_invitations(office)

        # Pages as a phone and the door's screen load them, without live updates.
        context = browser.new_context(viewport={"width": 1280, "height": 720}, java_script_enabled=False)
        outside = context.new_page()
        outside.goto(live_server.url + "/k/tabanan/luar/")
        assert outside.locator("#invited li").all_inner_texts() == ["—"]
        outside.screenshot(path=SCREENSHOTS / "40-outdoor-display-before-opening.png")
        phone = browser.new_context(
            viewport={"width": 360, "height": 740}, java_script_enabled=False
        ).new_page()
        phone.goto(live_server.url + f"/tiket/{ticket.token}/")
        assert not phone.locator("#invited-panel").is_visible()
        assert phone.locator("#ticket-status").inner_text() == "Terdaftar"

        clock.move_to(wita(MONDAY, 8, 0))
        refresh_invitations(office)  # the first tick at opening
        outside.reload()
        assert outside.locator("#invited li").all_inner_texts() == [ticket.number]
        phone.reload()
        assert phone.locator("#invited-panel").is_visible()
        assert "08.10 WITA" in phone.locator("#invited-until").inner_text()
        phone.screenshot(path=SCREENSHOTS / "41-ticket-invited-at-opening-phone.png")


def test_a_citizen_steps_out_and_back_in_with_the_same_number(browser, server, staff):
    from antre.offices.models import Office
    from antre.queueing.models import Status, Ticket

    office = Office.objects.get(slug="tabanan")
    ticket = book(office, 1, name="Ni Made Sari Dewi")
    context = browser.new_context(viewport={"width": 800, "height": 1100})
    context.add_cookies([session_cookie(staff["satpam"], server.url)])
    tablet = context.new_page()
    tablet.goto(server.url + f"/pintu/tabanan/?q={ticket.number}")
    tablet.fill("#temperature", "36,6")
    tablet.get_by_label("Memakai masker").check()
    tablet.get_by_label("Sudah mencuci tangan").check()
    tablet.get_by_role("button", name="Periksa dan izinkan masuk").click()
    assert "boleh masuk. Di dalam: 1/13." in tablet.locator(".alert.ok").inner_text()

    citizen = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True).new_page()
    citizen.goto(server.url + f"/tiket/{ticket.token}/")
    assert citizen.locator("#ticket-status").inner_text() == "Menunggu di dalam"

    # Out for a photocopy: one tap, the number kept.
    tablet.fill("#q", ticket.number)
    tablet.keyboard.press("Enter")
    step_out = tablet.get_by_role("button", name="Keluar sebentar (nomor tetap berlaku)")
    step_out.wait_for()
    tablet.screenshot(path=SCREENSHOTS / "42-gate-inside-step-out-or-go-home.png", full_page=True)
    step_out.click()
    assert "nomornya tetap berlaku" in tablet.locator(".alert.ok").inner_text()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.BOOKED
    # The citizen's page says so, live.
    citizen.locator("#stepped-out-panel").wait_for(state="visible", timeout=10_000)
    assert citizen.locator("#ticket-number").inner_text() == ticket.number
    citizen.screenshot(path=SCREENSHOTS / "43-ticket-stepped-out-phone.png")

    # Back with the photocopy: scanned, in again without a second screening.
    tablet.fill("#q", server.url + f"/tiket/{ticket.token}/")
    tablet.keyboard.press("Enter")
    come_back = tablet.get_by_role("button", name="Masuk kembali")
    come_back.wait_for()
    assert tablet.locator("#found .status").inner_text() == "Keluar sebentar"
    tablet.screenshot(path=SCREENSHOTS / "44-gate-return.png", full_page=True)
    come_back.click()
    assert "boleh masuk. Di dalam: 1/13." in tablet.locator(".alert.ok").inner_text()
    citizen.locator("#stepped-out-panel").wait_for(state="hidden", timeout=10_000)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.WAITING_INSIDE

    # Going home for good is asked first.
    tablet.fill("#q", ticket.number)
    tablet.keyboard.press("Enter")
    tablet.get_by_role("button", name="Pulang — batalkan nomor").click()
    tablet.wait_for_load_state()
    tablet.locator("#confirm-home").wait_for()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.WAITING_INSIDE
    tablet.get_by_role("button", name="Ya, pulang dan batalkan nomor").click()
    assert "nomornya dibatalkan" in tablet.locator(".alert.ok").inner_text()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CANCELLED
