"""A village's link brings bookings and applications, and the head of office sees which desa did
and which did not."""

import re

import pytest
from django.test import Client

from antre.applications.models import Application
from antre.applications.tests.factories import URL as APPLICATION_FORM
from antre.applications.tests.factories import form as application_form
from antre.conftest import KETUT, MONDAY, WAYAN, nik_for
from antre.outreach.tests.conftest import GUBUG, KEC_TABANAN, SUDIMARA
from antre.queueing.models import Ticket
from antre.queueing.tests.factories import book
from antre.queueing.tests.test_pages import submit

pytestmark = pytest.mark.usefixtures("monday")

SUDIMARA_TAG = "desa-5102052001"
PAGE = "/kepala/tabanan/desa/"


def row(page: str, code: str) -> str:
    """The table row of one region, as the head of office reads it."""
    found = re.search(rf'<tr class="[^"]*" data-code="{re.escape(code)}">(.*?)</tr>', page, re.S)
    assert found, code
    return found.group(1)


def cells(page: str, code: str) -> list[str]:
    return re.findall(r'<td class="num[^"]*">([^<]*)</td>', row(page, code))


def kepala(staff) -> Client:
    client = Client()
    client.force_login(staff["kepala"])
    return client


def test_a_booking_from_a_desa_poster_is_counted_for_that_desa_and_not_for_its_neighbour(
    client, office, staff
):
    # Ni Made scans the poster at Sudimara's village office and books on the web form.
    assert client.get(f"/k/tabanan/?src={SUDIMARA_TAG}").status_code == 200
    assert submit(client).status_code == 302
    assert Ticket.objects.get().source == SUDIMARA_TAG
    # Ketut sends the prefilled WhatsApp text from the same poster; Wayan came from the camat's
    # letter; a neighbour came with no link at all.
    book(office, KETUT, service="CAPIL", channel="whatsapp", source=SUDIMARA_TAG)
    book(office, WAYAN, service="CAPIL", source="kec-510205")
    book(office, 5, service="CAPIL")

    page = kepala(staff).get(PAGE).content.decode()
    # web, whatsapp, kiosk, walk_in, tickets, applications, applications by form address, (NIK)
    assert cells(page, SUDIMARA) == ["1", "1", "0", "0", "2", "0", "0", "—"]
    assert cells(page, GUBUG) == ["0", "0", "0", "0", "0", "0", "0", "—"]
    assert "belum ada" in row(page, GUBUG) and "belum ada" not in row(page, SUDIMARA)
    # The kecamatan: its own letter's booking plus Sudimara's; from the NIK, Made's and the
    # neighbour's (both registered in Kecamatan Tabanan; Ketut's NIK is Selemadeg's, Wayan's Kerambitan's).
    assert cells(page, KEC_TABANAN) == ["2", "1", "0", "0", "3", "0", "0", "2"]
    assert cells(page, "51.02.01")[-1] == "1"


def test_an_application_from_a_desa_link_is_counted_with_the_desa_its_form_names(
    client, office, staff, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    client.get("/k/tabanan/permohonan/?src=desa-5102052002")  # Gubug's poster
    assert client.post(APPLICATION_FORM, application_form()).status_code == 302
    assert Application.objects.get().source == "desa-5102052002"

    page = kepala(staff).get(PAGE).content.decode()
    assert cells(page, GUBUG) == ["0", "0", "0", "0", "0", "1", "0", "—"]  # through Gubug's link
    assert cells(page, SUDIMARA)[-2] == "1"  # the form gave Sudimara as the address
    assert "belum ada" not in row(page, GUBUG) and "belum ada" in row(page, SUDIMARA)


@pytest.mark.parametrize("src", ["<b>hallo</b>", "desa-51", "kec-510205%27--", "s-"])
def test_a_malformed_tag_is_ignored_and_the_booking_still_works(client, office, src):
    response = client.get(f"/k/tabanan/?src={src}")
    assert response.status_code == 200
    assert "antre_src" not in response.cookies
    assert submit(client).status_code == 302
    assert Ticket.objects.get().source == ""


def test_a_cookie_written_by_hand_is_not_believed(client, office):
    client.cookies["antre_src"] = "desa-5102052001"  # unsigned: not one the office set
    assert submit(client).status_code == 302
    assert Ticket.objects.get().source == ""


def test_the_api_takes_a_source_and_ignores_a_strange_one(client, office):
    for nik, source, kept in ((nik_for(1), "desa-5102052001", "desa-5102052001"), (nik_for(2), "=1+1", "")):
        body = {
            "service": "CAPIL",
            "name": "Ni Luh Ayu",
            "nik": nik,
            "date": MONDAY.isoformat(),
            "source": source,
        }
        response = client.post("/api/v1/offices/tabanan/tickets", body, content_type="application/json")
        assert response.status_code == 201, response.content
        assert Ticket.objects.with_nik(nik).get().source == kept


def test_the_table_downloads_as_csv_and_xlsx_without_formulas(client, office, staff):
    import io

    from openpyxl import load_workbook

    from antre.outreach.models import ShortLink

    ShortLink.objects.create(
        office=office, slug="ig-des26", note="=HYPERLINK(1)", created_at=office.local_now()
    )
    book(office, KETUT, service="CAPIL", source=SUDIMARA_TAG)
    head = kepala(staff)
    text = head.get(PAGE + "?format=csv").content.decode()
    assert "desa,51.02.05,51.02.05.2001,Sudimara,desa-5102052001,1,0,0,0,1,0,0," in text
    assert "'=HYPERLINK(1)" in text
    book_ = load_workbook(io.BytesIO(head.get(PAGE + "?format=xlsx").content))
    values = [cell.value for row_ in book_.active.iter_rows() for cell in row_]
    assert "'=HYPERLINK(1)" in values and "Sudimara" in values
    from antre.audit.models import AuditEntry

    logged = AuditEntry.objects.filter(subject="desa", actor=staff["kepala"])
    assert sorted(entry.detail["format"] for entry in logged) == ["csv", "xlsx"]  # each download logged


def test_only_the_days_asked_for_are_counted(office, staff):
    from antre.conftest import TUESDAY

    book(office, KETUT, service="CAPIL", source=SUDIMARA_TAG)  # today, Monday
    book(office, WAYAN, service="CAPIL", source=SUDIMARA_TAG, day=TUESDAY)
    head = kepala(staff)
    monday = MONDAY.isoformat()
    assert cells(head.get(f"{PAGE}?from={monday}&to={monday}").content.decode(), SUDIMARA)[4] == "1"
    both = f"{PAGE}?from={monday}&to={TUESDAY.isoformat()}"
    assert cells(head.get(both).content.decode(), SUDIMARA)[4] == "2"


def test_a_wrong_period_is_explained_in_indonesian(office, staff):
    response = kepala(staff).get(f"{PAGE}?from=kemarin&to={MONDAY.isoformat()}")
    assert response.status_code == 422
    assert "Bukan tanggal: tulis TTTT-BB-HH" in response.content.decode()
