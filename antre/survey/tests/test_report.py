"""The head of office reads the survey's results, on the page and in the XLSX and PDF, as worked
out by hand in test_rules; nobody else may."""

from __future__ import annotations

import io

import pypdfium2
import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from antre.audit.models import AuditEntry
from antre.conftest import MONDAY
from antre.offices.models import Office
from antre.people.models import Role
from antre.people.tests.factories import officer
from antre.survey.models import SurveyAnswer
from antre.survey.rules import ELEMENTS
from antre.survey.tests.test_rules import EIGHT, FIVE

pytestmark = pytest.mark.django_db
URL = "/kepala/tabanan/skm/"
PERIOD = f"?from={MONDAY}&to={MONDAY}"


def store(office, table, *, service="KTP", **fields):
    for row in table:
        SurveyAnswer.objects.create(
            office=office, occasion="visit", service_code=service, day=MONDAY,
            **dict(zip(ELEMENTS, row, strict=True)), **fields,
        )  # fmt: skip


def pdf_text(content: bytes) -> str:
    document = pypdfium2.PdfDocument(content)
    return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))


def test_the_page_shows_the_hand_worked_figures(client, office, staff, served):
    store(office, EIGHT[:4], service="KTP", sex="l", education="sma")
    store(office, EIGHT[4:], service="CAPIL", sex="p")
    client.force_login(staff["kepala"])
    page = client.get(URL + PERIOD).content.decode()
    # NRR per element: 3.25, 3.25, 2.625, 4, 3.25, 3.375, 3.75, 2.625, 3.25; IKM 81.60, B.
    assert "<strong>81,60</strong>" in page
    assert "<strong>B</strong><span>Mutu pelayanan · Baik" in page
    for nrr in ("3,2500", "2,6250", "4,0000", "3,3750", "3,7500"):
        assert f'<td class="num">{nrr}</td>' in page
    assert '<td class="num">0,4444</td>' in page  # biaya: 4 × 1/9
    # 8 respondents of the 1 visit served that day: the minimum sample is 1.
    assert "<strong>8</strong><span>Responden (sampel minimum 1)" in page
    assert "<strong>1</strong><span>Dilayani (populasi)" in page
    assert '<tr><td>Laki-laki</td><td class="num">4</td></tr>' in page
    assert '<tr><td>Tidak ingin menyebutkan</td><td class="num">4</td></tr>' in page  # education
    assert 'data-code="KTP"' in page and 'data-code="CAPIL"' in page


def test_the_downloads_carry_the_same_figures(client, office, staff, monday):
    store(office, EIGHT)
    client.force_login(staff["kepala"])
    book = load_workbook(io.BytesIO(client.get(URL + PERIOD + "&format=xlsx").content))
    elements = book["Nilai per unsur"]
    assert [elements.cell(row=r, column=3).value for r in range(3, 12)] == [
        3.25, 3.25, 2.625, 4.0, 3.25, 3.375, 3.75, 2.625, 3.25,
    ]  # fmt: skip
    summary = {row[0]: row[1] for row in book["IKM"].iter_rows(min_row=3, values_only=True)}
    assert (summary["IKM (× 25)"], summary["Mutu pelayanan"], summary["Jumlah responden"]) == (81.6, "B", 8)

    response = client.get(URL + PERIOD + "&format=pdf")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Laporan Survei Kepuasan Masyarakat" in text and office.name in text
    assert "IKM: 81,60" in text
    assert "Mutu pelayanan: B" in text and "Kinerja unit pelayanan: Baik" in text
    assert "Waktu penyelesaian" in text and "2,6250" in text
    logged = AuditEntry.objects.filter(subject="skm", actor=staff["kepala"])
    assert sorted(entry.detail["format"] for entry in logged) == ["pdf", "xlsx"]  # each download logged


def test_a_set_on_the_band_edge_is_c_on_the_page_and_in_the_pdf(client, office, staff, monday):
    store(office, FIVE)  # 117 points of 45 answers: IKM 65.00 exactly
    client.force_login(staff["kepala"])
    page = client.get(URL + PERIOD).content.decode()
    assert "<strong>65,00</strong>" in page and "<strong>C</strong><span>Mutu pelayanan · Kurang Baik" in page
    text = pdf_text(client.get(URL + PERIOD + "&format=pdf").content)
    assert "IKM: 65,00" in text and "Mutu pelayanan: C" in text


def test_suggestions_are_shown_with_personal_data_masked(client, office, staff, monday):
    store(office, EIGHT[:1], suggestion="Saya 5102011203850001, telp 081234567890. Petugas ramah.")
    client.force_login(staff["kepala"])
    page = client.get(URL + PERIOD).content.decode()
    assert "Petugas ramah." in page
    assert "5102011203850001" not in page and "081234567890" not in page
    assert "5102•••" in page and "0812•••" in page
    text = pdf_text(client.get(URL + PERIOD + "&format=pdf").content)
    assert "telp 0812***. Petugas" in text and "5102011203850001" not in text and "081234567890" not in text


def test_the_default_period_is_this_year_so_far(client, office, staff, monday):
    client.force_login(staff["kepala"])
    page = client.get(URL).content.decode()
    assert f'name="from" value="{MONDAY.year}-01-01"' in page
    assert f'name="to" value="{MONDAY.isoformat()}"' in page


@pytest.mark.parametrize("role", ["petugas", "satpam", "verifikator"])
def test_other_staff_are_refused_the_page_and_the_downloads(client, staff, role):
    client.force_login(staff[role])
    for suffix in ("", "?format=xlsx", "?format=pdf"):
        assert client.get(URL + suffix).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(client, office):
    for suffix in ("", "?format=xlsx", "?format=pdf"):
        response = client.get(URL + suffix)
        assert response.status_code == 302
        assert response.headers["Location"].startswith(reverse(settings.LOGIN_URL))


def test_the_head_of_another_office_is_refused(client, office, staff):
    other = Office.objects.create(
        slug="badung", name="Disdukcapil Badung", region_code="51.03", timezone="Asia/Makassar"
    )
    client.force_login(officer(Role.KEPALA, other, username="kepala-badung"))
    assert client.get(URL).status_code == 403
    assert client.get(URL + "?format=pdf").status_code == 403
    assert client.get("/kepala/badung/skm/").status_code == 200
    client.force_login(staff["admin"])
    assert client.get(URL).status_code == 200


def test_the_kepala_pages_link_to_the_survey(client, office, staff, monday):
    client.force_login(staff["kepala"])
    for page in ("/kepala/tabanan/", "/kepala/tabanan/rekap/"):
        assert 'href="/kepala/tabanan/skm/"' in client.get(page).content.decode()
