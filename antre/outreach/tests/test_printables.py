"""The poster and the circular letter as they come off the printer: a phone scans the QR and lands
on the booking page with the village's tag; the text says where, when and how to reach the office."""

import pypdfium2
import pytest
from django.test import Client

from antre.conftest import MONDAY
from antre.outreach.tests.conftest import KEC_TABANAN, SUDIMARA, WA_GENERAL

pytestmark = pytest.mark.usefixtures("monday")


OPENED: list = []


def pages(data: bytes) -> list:
    document = pypdfium2.PdfDocument(data)
    OPENED.append(document)
    found = list(document)
    OPENED.extend(found)
    return found


@pytest.fixture(autouse=True)
def close_documents():
    yield
    while OPENED:
        OPENED.pop().close()  # pages before their document


def page_text(page) -> str:
    return page.get_textpage().get_text_range()


def page_image(page, scale: float = 3):
    return page.render(scale=scale).to_pil()  # 3 × 72 dpi = 216 dpi, a little less than a printer


def scanned(page) -> list[str]:
    import zxingcpp

    return [code.text for code in zxingcpp.read_barcodes(page_image(page))]


@pytest.fixture
def head(staff):
    client = Client()
    client.force_login(staff["kepala"])
    return client


def test_the_desa_poster_scans_to_the_booking_link_with_the_desa_tag(head, printing_office):
    response = head.get(f"/kepala/tabanan/desa/{SUDIMARA}/poster.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    (page,) = pages(response.content)
    assert scanned(page) == ["http://testserver/k/tabanan/?src=desa-5102052001"]
    text = page_text(page)
    assert "Ambil nomor antrean dari rumah" in text
    assert "Desa/Kelurahan Sudimara, Kecamatan Tabanan" in text
    assert "Senin" in text and "08.00" in text  # the opening hours
    assert WA_GENERAL in text and "wa.me/6281139001" in text and "ANTRE%20desa-5102052001" in text
    assert "Kartu Keluarga" in text  # a service done fully online
    assert "Jl. Pahlawan No. 19" in text


def test_the_qr_is_big_enough_to_scan_from_a_poor_print(head, printing_office):
    (page,) = pages(head.get(f"/kepala/tabanan/desa/{SUDIMARA}/poster.pdf").content)
    # At 72 dpi (a blurry copy of a copy) the code still reads.
    image = page.render(scale=1).to_pil()
    import zxingcpp

    assert [c.text for c in zxingcpp.read_barcodes(image)] == [
        "http://testserver/k/tabanan/?src=desa-5102052001"
    ]


def test_the_circular_letter_is_addressed_to_the_village_head_and_signed_by_the_head_of_office(
    head, printing_office
):
    response = head.get(f"/kepala/tabanan/desa/{SUDIMARA}/surat-edaran.pdf")
    (page,) = pages(response.content)
    text = page_text(page)
    assert "PEMERINTAH KABUPATEN TABANAN" in text
    assert "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL" in text
    assert "Perbekel/Lurah Sudimara" in text
    assert f"Tabanan, {MONDAY.day} " in text and str(MONDAY.year) in text
    assert "I Gede Made Wirawan, S.Sos., M.Si." in text and "NIP. 197001011990031001" in text
    assert scanned(page) == ["http://testserver/k/tabanan/?src=desa-5102052001"]


def test_the_kecamatan_letter_goes_to_the_camat_with_the_kecamatan_tag(head, printing_office):
    (page,) = pages(head.get(f"/kepala/tabanan/desa/{KEC_TABANAN}/surat-edaran.pdf").content)
    assert "Camat Tabanan" in page_text(page)
    assert scanned(page) == ["http://testserver/k/tabanan/?src=kec-510205"]


def test_a_kecamatans_posters_come_as_one_file_one_desa_a_page(head, printing_office):
    document = pages(head.get(f"/kepala/tabanan/desa/{KEC_TABANAN}/poster-semua-desa.pdf").content)
    assert len(document) == 12  # Kecamatan Tabanan's twelve desa and kelurahan
    assert "Sudimara" in page_text(document[0])
    assert scanned(document[1]) == ["http://testserver/k/tabanan/?src=desa-5102052002"]


def test_a_region_of_another_regency_is_not_found(head, printing_office):
    assert head.get("/kepala/tabanan/desa/51.08.01.2001/poster.pdf").status_code == 404
    assert head.get("/kepala/tabanan/desa/51.02/poster.pdf").status_code == 404


def test_every_page_fits_on_one_a4_sheet(head, printing_office):
    for kind in ("poster.pdf", "surat-edaran.pdf"):
        document = pages(head.get(f"/kepala/tabanan/desa/{SUDIMARA}/{kind}").content)
        assert len(document) == 1, kind
        width, height = document[0].get_size()
        assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)
