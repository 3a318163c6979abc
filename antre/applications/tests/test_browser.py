"""A citizen applies from a phone without JavaScript; a verifier approves it. Real Chromium."""

from __future__ import annotations

import pytest

from antre.applications.models import Application
from antre.applications.tests.factories import jpeg, pdf
from antre.browser import SCREENSHOTS
from antre.conftest import NIK_MADE, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_citizen_applies_online_and_a_verifier_approves(
    browser, live_server, office, staff, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False).new_page()
    phone.goto(live_server.url + "/k/tabanan/permohonan/")
    phone.locator("#jenis-KK-TAMBAH a.button").click()
    phone.fill("#id_nik", NIK_MADE)
    phone.fill("#id_kk", "5102050101900001")
    phone.fill("#id_name", "Ni Made Sari Dewi")
    phone.fill("#id_address", "Jl. Gunung Agung No. 5, Banjar Delod Peken")
    phone.select_option("#id_village", "51.02.05.2001")
    phone.set_input_files(
        "#file-kk", files=[{"name": "kk.pdf", "mimeType": "application/pdf", "buffer": pdf()}]
    )
    phone.set_input_files(
        "#file-bukti", files=[{"name": "akta.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}]
    )
    phone.screenshot(path=SCREENSHOTS / "11-application-form-phone.png", full_page=True)
    phone.get_by_role("button", name="Kirim permohonan").click()
    # Without ticking the personal-data consent nothing is sent.
    assert "menyetujui pemberitahuan data pribadi" in phone.locator("#refusal").inner_text()
    assert Application.objects.count() == 0
    phone.set_input_files(
        "#file-kk", files=[{"name": "kk.pdf", "mimeType": "application/pdf", "buffer": pdf()}]
    )
    phone.set_input_files(
        "#file-bukti", files=[{"name": "akta.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}]
    )
    phone.get_by_label("Saya telah membaca dan menyetujui pemberitahuan di atas.").check()
    phone.get_by_role("button", name="Kirim permohonan").click()
    code = phone.locator("#application-code").inner_text()
    assert code == Application.objects.get().code
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=SCREENSHOTS / "12-application-tracking-code-phone.png", full_page=True)

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([session_cookie(staff["verifikator"], live_server.url)])
    desk = context.new_page()
    desk.goto(live_server.url + "/kantor/permohonan/")
    desk.get_by_role("link", name=code).click()
    desk.get_by_role("button", name="Ambil untuk diperiksa").click()
    desk.get_by_role("button", name="Setujui").click()
    assert desk.locator("#detail-status").inner_text() == "Disetujui"
    desk.get_by_label("Diambil di kantor").check()
    desk.screenshot(path=SCREENSHOTS / "13-back-office-approve.png", full_page=True)
    desk.get_by_role("button", name="Selesaikan").click()
    assert desk.locator("#detail-status").inner_text() == "Selesai"

    phone.reload()
    assert "Nomor antrean pengambilan F-001" in phone.locator("#result").inner_text()


def test_a_refused_form_keeps_its_documents_and_the_citizen_moves_the_pickup_day(
    browser, live_server, open_all_day, staff, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False).new_page()
    phone.goto(live_server.url + "/k/tabanan/permohonan/KK-TAMBAH/")
    phone.fill("#id_nik", NIK_MADE)
    phone.fill("#id_name", "Ni Made Sari Dewi")
    phone.fill("#id_address", "Jl. Gunung Agung No. 5, Banjar Delod Peken")
    phone.select_option("#id_village", "51.02.05.2001")
    phone.set_input_files(
        "#file-kk", files=[{"name": "kk.pdf", "mimeType": "application/pdf", "buffer": pdf()}]
    )
    program = b"MZ\x90\x00\x03" + b"\x00" * 2000  # a program renamed .pdf
    phone.set_input_files(
        "#file-bukti", files=[{"name": "surat.pdf", "mimeType": "application/pdf", "buffer": program}]
    )
    phone.get_by_label("Saya telah membaca dan menyetujui pemberitahuan di atas.").check()
    phone.get_by_role("button", name="Kirim permohonan").click()

    assert "Sudah diterima: kk.pdf" in phone.locator("#kept-kk").inner_text()
    assert "Berkas ini tidak diterima" in phone.locator("#field-bukti").inner_text()
    assert "Kartu Keluarga" in phone.locator("#received-summary").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=SCREENSHOTS / "30-application-form-files-kept-phone.png", full_page=True)
    phone.set_input_files(
        "#file-bukti", files=[{"name": "akta.jpg", "mimeType": "image/jpeg", "buffer": jpeg(1200, 900)}]
    )
    phone.get_by_role("button", name="Kirim permohonan").click()  # the KK is not chosen again
    code = phone.locator("#application-code").inner_text()
    application = Application.objects.get(code=code)
    assert sorted(application.documents.values_list("requirement__code", flat=True)) == ["bukti", "kk"]

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([session_cookie(staff["verifikator"], live_server.url)])
    desk = context.new_page()
    desk.goto(live_server.url + f"/kantor/permohonan/{code}/")
    desk.get_by_role("button", name="Ambil untuk diperiksa").click()
    desk.get_by_role("button", name="Setujui").click()
    desk.get_by_label("Diambil di kantor").check()
    proposed = desk.locator("#pickup-day option").nth(1)  # the verifier proposes the second day offered
    desk.select_option("#pickup-day", proposed.get_attribute("value"))
    desk.screenshot(path=SCREENSHOTS / "32-back-office-pickup-day.png", full_page=True)
    desk.get_by_role("button", name="Selesaikan").click()
    assert desk.locator("#detail-status").inner_text() == "Selesai"

    phone.reload()
    phone.locator("#move-pickup-details summary").click()  # opens without JavaScript
    choices = phone.locator("#move-pickup input[name=pickup_day]")
    assert choices.nth(1).is_checked()  # the verifier's day
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.locator("#move-pickup").scroll_into_view_if_needed()
    phone.screenshot(path=SCREENSHOTS / "31-pickup-day-choice-phone.png", full_page=True)
    later = choices.nth(2).get_attribute("value")
    choices.nth(2).check()
    phone.get_by_role("button", name="Simpan hari pengambilan").click()
    application.refresh_from_db()
    assert application.pickup_ticket.day.isoformat() == later
    assert "Hari pengambilan diganti" in phone.locator("ol.waiting").inner_text()
