"""A citizen books from a 360-px phone with JavaScript switched off, in a real Chromium."""

from __future__ import annotations

import re

import pytest

from antre.browser import SCREENSHOTS
from antre.conftest import NIK_MADE, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def server(open_all_day):
    from antre.testing import Server, free_port

    served = Server(port=free_port()).start()
    yield served
    served.stop()


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
    refusal = phone.locator("#refusal").inner_text()
    assert refusal.startswith("Periksa kembali isian yang ditandai.")
    assert "NIK harus 16 digit angka." in refusal  # at the top of the page, not only beside the field
    assert phone.evaluate("document.activeElement.id") == "id_nik"  # the field to fix has the focus
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


def test_an_officer_calls_and_the_display_and_the_citizens_phone_show_it(browser, gate_off, server, staff):
    from antre.offices.models import Counter
    from antre.queueing.tests.factories import book

    office = Counter.objects.get(number=1).office
    waiting = book(office, 1, name="I Ketut Arsana")
    mine = book(office, 2, name="Ni Made Sari Dewi")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    tv = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    audio_requests = []
    tv.on("requestfinished", lambda r: audio_requests.append(r) if "/suara/" in r.url else None)
    tv.goto(server.url + "/k/tabanan/layar/")
    citizen = browser.new_context(
        viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True
    ).new_page()
    citizen.goto(server.url + f"/tiket/{mine.token}/")
    assert citizen.locator("#ticket-position").inner_text() == "ke-2"

    officer_context = browser.new_context(viewport={"width": 1280, "height": 800})
    officer_context.add_cookies([session_cookie(staff["petugas"], server.url)])
    officer = officer_context.new_page()
    officer.goto(server.url + "/loket/")
    officer.locator("a.counter-link").first.click()
    officer.wait_for_url("**/loket/*/")
    officer.locator("#call-next").wait_for()
    officer.keyboard.press("n")  # the shortcut for "call next"
    officer.locator("#current-number").wait_for()
    assert officer.locator("#current-number").inner_text() == waiting.number

    # The citizen's position moves up without reloading the page.
    citizen.locator("#ticket-position").filter(has_text="ke-1").wait_for(timeout=10_000)
    officer.get_by_role("button", name="Tidak hadir (X)").click()
    officer.get_by_role("button", name="Panggil berikutnya (N)").click()
    officer.locator("#current-number").filter(has_text=mine.number).wait_for()
    officer.screenshot(path=SCREENSHOTS / "04-counter-console.png")

    tv.locator("#now-number").filter(has_text=mine.number).wait_for(timeout=10_000)
    assert tv.locator("#now-name").inner_text() == "Ni Made S."
    assert tv.locator("#now-counter").inner_text() == "1"
    tv.locator("#last-announcement").filter(has_text="Ni Made S.").wait_for(timeout=15_000, state="attached")
    assert tv.locator("#last-announcement").text_content() == (
        "Nomor antrean A dua, atas nama Ni Made S., silakan menuju loket satu."
    )
    tv.screenshot(path=SCREENSHOTS / "05-waiting-room-display.png")

    citizen.locator("#called-panel").wait_for(timeout=10_000)
    assert citizen.locator("#called-counter").inner_text() == "1"
    assert citizen.locator("#ticket-status").inner_text() == "Dipanggil"
    citizen.screenshot(path=SCREENSHOTS / "06-ticket-called-phone.png", full_page=False)

    # A recall is announced again, after the first announcement has finished (they queue).
    first_seq = int(tv.locator("#last-announcement").get_attribute("data-seq"))
    officer.get_by_role("button", name="Panggil ulang (R)").click()
    # (A locator, not wait_for_function: the page's Content-Security-Policy forbids evaluating strings.)
    tv.locator(f"#last-announcement:not([data-seq='{first_seq}'])").wait_for(state="attached", timeout=30_000)
    assert int(tv.locator("#last-announcement").get_attribute("data-seq")) > first_seq

    # Without an Indonesian browser voice, the display fetched the announcement spoken on the server.
    tv.wait_for_timeout(3000)
    assert len(audio_requests) >= 2, "the display did not ask the server for the spoken announcements"
    assert audio_requests[-1].response().status == 200
    assert audio_requests[-1].response().headers["content-type"] == "audio/wav"


def test_the_gate_issues_a_walk_in_ticket_prints_it_and_admits_while_there_is_room(browser, server, staff):
    from antre.gate.services import refresh_invitations
    from antre.offices.models import Office
    from antre.queueing.tests.factories import book

    office = Office.objects.get(slug="tabanan")
    office.capacity = 1
    office.save()
    booked = book(office, 1, name="Ni Made Sari Dewi")
    refresh_invitations(office)  # the worker's tick: the first booked citizen is invited in

    phone = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True).new_page()
    phone.goto(server.url + f"/tiket/{booked.token}/")
    assert phone.locator("#invited-panel").is_visible()
    phone.screenshot(path=SCREENSHOTS / "07-ticket-invited-phone.png")

    outside = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    outside.goto(server.url + "/k/tabanan/luar/")
    assert outside.locator("#invited li").first.inner_text() == booked.number

    context = browser.new_context(viewport={"width": 800, "height": 1100})
    context.add_cookies([session_cookie(staff["satpam"], server.url)])
    tablet = context.new_page()
    tablet.goto(server.url + "/pintu/")
    tablet.get_by_role("link", name="Buat tiket untuk warga tanpa ponsel").click()
    tablet.locator("label.big-choice", has_text="Legalisir").click()
    tablet.fill("#id_name", "nenek wayan")
    tablet.select_option("#id_priority", "elderly")
    tablet.get_by_role("button", name="Buat dan cetak tiket").dblclick()  # a double tap
    tablet.locator("#ticket-number").wait_for()
    walk_in_number = tablet.locator("#ticket-number").inner_text()
    assert walk_in_number == "E-001"

    slip = browser.new_context(viewport={"width": 240, "height": 600}).new_page()
    slip.goto(server.url + tablet.locator("#browser-print").get_attribute("href").replace("?auto=1", ""))
    slip.emulate_media(media="print")
    slip.screenshot(path=SCREENSHOTS / "08-walk-in-ticket-58mm-print.png", full_page=True)
    assert slip.locator(".number").inner_text() == walk_in_number
    pdf = slip.pdf(width="58mm", print_background=False)
    assert pdf.startswith(b"%PDF")

    # The invited citizen arrives: scanned (the QR's URL, as a USB scanner types it), screened, admitted.
    tablet.goto(server.url + "/pintu/")
    tablet.fill("#q", server.url + f"/tiket/{booked.token}/")
    tablet.keyboard.press("Enter")
    tablet.fill("#temperature", "36,6")
    tablet.get_by_label("Memakai masker").check()
    tablet.get_by_label("Sudah mencuci tangan").check()
    tablet.screenshot(path=SCREENSHOTS / "09-gate-screening-tablet.png", full_page=True)
    tablet.get_by_role("button", name="Periksa dan izinkan masuk").click()
    assert "boleh masuk. Di dalam: 1/1." in tablet.locator(".alert.ok").inner_text()
    tablet.locator("#inside").filter(has_text="1").wait_for()

    # Full now: the walk-in citizen waits outside until someone leaves.
    tablet.fill("#q", walk_in_number)
    tablet.keyboard.press("Enter")
    tablet.fill("#temperature", "36.4")
    tablet.get_by_label("Memakai masker").check()
    tablet.get_by_label("Sudah mencuci tangan").check()
    tablet.get_by_role("button", name="Periksa dan izinkan masuk").click()
    assert "Ruang layanan penuh (1 dari 1 orang)" in tablet.locator(".alert.error").inner_text()
    outside.locator("#inside").filter(has_text="1").wait_for(timeout=10_000)
    outside.screenshot(path=SCREENSHOTS / "10-outdoor-display.png")
