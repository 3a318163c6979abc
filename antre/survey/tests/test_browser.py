"""A citizen answers the survey on a phone from the ticket page; the head of office reads the
results on a PC and in the PDF, in a real Chromium."""

from __future__ import annotations

import pypdfium2
import pytest

from antre.browser import SCREENSHOTS
from antre.conftest import session_cookie
from antre.survey.models import SurveyAnswer
from antre.survey.tests.test_report import store
from antre.survey.tests.test_rules import EIGHT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_citizen_answers_on_a_phone(browser, live_server, served):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2).new_page()
    page.goto(f"{live_server.url}/tiket/{served.token}/")
    page.get_by_role("link", name="Beri penilaian").click()
    page.wait_for_url("**/skm/**")
    for index, choice in enumerate(("Sesuai", "Mudah", "Cepat", "Gratis", "Sangat sesuai", "Kompeten",
                                    "Sangat sopan dan ramah", "Berfungsi kurang maksimal", "Baik")):  # fmt: skip
        page.locator(".survey-question").nth(index).get_by_text(choice, exact=True).click()
    page.select_option("#id_education", "sma")
    page.fill("#id_suggestion", "Ruang tunggu nyaman, terima kasih.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=SCREENSHOTS / "70-skm-form-phone.png", full_page=True)
    page.get_by_role("button", name="Kirim penilaian").click()
    page.locator("#thanks").wait_for()
    answer = SurveyAnswer.objects.get()
    assert (answer.persyaratan, answer.biaya, answer.pengaduan, answer.education) == (3, 4, 3, "sma")


def test_the_head_of_office_reads_the_results_on_a_pc_and_in_the_pdf(
    browser, live_server, office, staff, served
):
    store(office, EIGHT[:5], service="KTP", sex="l", education="sma", occupation="swasta", age_group="31_40")
    store(office, EIGHT[5:], service="CAPIL", sex="p", suggestion="Antrean rapi. Hubungi saya 081234567890.")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_cookies([session_cookie(staff["kepala"], live_server.url)])
    page = context.new_page()
    page.goto(f"{live_server.url}/kepala/tabanan/")
    page.get_by_role("link", name="Survei kepuasan (SKM)").click()
    page.wait_for_url("**/kepala/tabanan/skm/")
    assert page.locator("#skm-ikm strong").inner_text() == "81,60"
    assert "081234567890" not in page.locator("#skm-suggestions").inner_text()
    page.screenshot(path=SCREENSHOTS / "71-skm-report-desktop.png", full_page=True)

    with page.expect_download() as download:
        page.locator("#download-pdf").click()
    document = pypdfium2.PdfDocument(download.value.path().read_bytes())
    assert "IKM: 81,60" in document[0].get_textpage().get_text_range()
    document[0].render(scale=2).to_pil().save(SCREENSHOTS / "72-skm-report-pdf.png")
