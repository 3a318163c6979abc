"""Citizen pages without JavaScript: plain forms and redirects, as a cheap phone's browser uses them."""

import pytest

from antre.conftest import MONDAY, NIK_KETUT, NIK_MADE, SATURDAY, TUESDAY, tanggal
from antre.offices.models import Service
from antre.queueing.models import Status, Ticket

FORM = "/k/tabanan/layanan/CAPIL/"


pytestmark = pytest.mark.usefixtures("monday")  # the clock on Monday morning of the test week


def submit(client, url=FORM, **fields):
    data = {
        "date": MONDAY.isoformat(),
        "name": "Ni Made Sari Dewi",
        "nik": NIK_MADE,
        "phone": "",
        "priority": "",
        "form_id": "form-test",
    } | fields
    return client.post(url, data)


def test_the_home_page_leads_to_the_only_office(client, office):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/k/tabanan/"


def test_services_show_requirements_before_booking(client, office):
    page = client.get("/k/tabanan/").content.decode()
    assert "Ambil nomor antrean" in page
    assert "Surat keterangan ahli waris" in page
    assert 'href="/k/tabanan/layanan/SANTUNAN/"' in page
    assert 'href="/k/tabanan/layanan/KK/"' not in page  # online only: no visit to book
    assert "dilayani secara daring" in page


def test_the_form_offers_open_days_with_places_left(client, office):
    page = client.get(FORM).content.decode()
    assert tanggal(MONDAY).rsplit(" ", 1)[0] in page
    assert "sisa 40 tempat" in page
    days = page.split('id="field-date"')[1].split("</fieldset>")[0]
    assert "Sabtu" not in days  # the office is closed on weekends
    assert 'lang="id"' in page


def test_booking_on_the_web_shows_number_qr_position_requirements_and_link(client, office):
    response = submit(client, phone="0812 3456 7890")
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert response.headers["Location"] == f"/tiket/{ticket.token}/"
    page = client.get(response.headers["Location"]).content.decode()
    assert "D-001" in page
    assert tanggal(MONDAY) in page
    assert "ke-1" in page
    assert "<svg" in page  # QR code made on the server
    assert "Akta kelahiran: surat keterangan lahir" in page
    assert f"/tiket/{ticket.token}/batal/" in page
    assert "Ni Made S." in page
    assert NIK_MADE not in page and "Sari Dewi" not in page  # personal data masked on the page
    assert "sekitar pukul" in page and "WITA" in page


def test_pressing_the_button_twice_books_once(client, office):
    first = submit(client)
    second = submit(client)
    assert first.headers["Location"] == second.headers["Location"]
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"nik": "12345"}, "NIK harus 16 digit angka."),
        ({"nik": "5102011203850000"}, "Nomor urut NIK tidak boleh 0000."),
        ({"name": ""}, "Isi nama lengkap sesuai KTP"),
        ({"phone": "12"}, "Nomor HP tidak valid"),
        ({"date": SATURDAY.isoformat()}, f"Kantor tutup pada {tanggal(SATURDAY)}."),
    ],
)
def test_mistakes_are_explained_in_indonesian_and_the_form_kept(client, office, fields, message):
    response = submit(client, **fields)
    page = response.content.decode()
    assert response.status_code in (409, 422)
    assert message in page
    assert 'value="Ni Made Sari Dewi"' in page or fields.get("name") == ""
    assert Ticket.objects.count() == 0


def test_a_full_day_says_so_and_offers_the_next_day(client, office):
    Service.objects.filter(code="CAPIL").update(daily_quota=1)
    submit(client, nik=NIK_KETUT, form_id="form-ketut")
    page = client.get(FORM).content.decode()
    assert "penuh" in page
    response = submit(client)
    page = response.content.decode()
    assert "sudah penuh" in page
    assert f"Hari terdekat yang masih tersedia: {tanggal(TUESDAY)}." in page
    assert Ticket.objects.count() == 1


def test_a_duplicate_is_refused_on_the_page(client, office):
    submit(client, form_id="form-1")
    page = submit(client, form_id="form-2").content.decode()
    assert "sudah memiliki nomor antrean aktif" in page
    assert Ticket.objects.count() == 1


def test_an_unknown_service_is_a_404_page(client, office):
    response = client.get("/k/tabanan/layanan/PASPOR/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()


def test_the_citizen_cancels_after_confirming(client, office):
    ticket_url = submit(client).headers["Location"]
    confirm = client.get(ticket_url + "batal/").content.decode()
    assert "Batalkan nomor antrean D-001?" in confirm
    assert client.post(ticket_url + "batal/").status_code == 302
    assert Ticket.objects.get().status == Status.CANCELLED
    page = client.get(ticket_url).content.decode()
    assert "Dibatalkan" in page
    assert "batal/" not in page


def test_the_english_switch_changes_the_language(client, office):
    response = client.post("/i18n/setlang/", {"language": "en", "next": FORM})
    assert response.status_code == 302
    page = client.get(FORM).content.decode()
    assert 'lang="en"' in page
    assert "Take a queue number" in page
    english = f"Monday, {MONDAY.day} {MONDAY:%B}", f"Monday, {MONDAY:%B} {MONDAY.day}"
    assert any(label in page for label in english)
    refused = submit(client, nik="123").content.decode()
    assert "NIK must be 16 digits." in refused


def test_an_english_browser_still_gets_indonesian_first(client, office):
    page = client.get(FORM, headers={"Accept-Language": "en-US,en;q=0.9"}).content.decode()
    assert 'lang="id"' in page
    assert "Ambil nomor antrean" in page


def test_a_malformed_date_is_refused_not_replaced_by_today(client, office):
    page = submit(client, date=f"{MONDAY.year}-12-45").content.decode()
    assert "Pilih tanggal kunjungan dari daftar." in page
    assert Ticket.objects.count() == 0


def test_back_then_booking_for_a_relative_with_the_same_form_books_a_second_ticket(client, office):
    submit(client, form_id="form-family")
    response = submit(client, form_id="form-family", name="I Ketut Arsana", nik=NIK_KETUT)
    assert response.status_code == 302
    assert Ticket.objects.count() == 2


def test_an_online_service_shows_how_to_apply_instead_of_a_form(client, office):
    page = client.get("/k/tabanan/layanan/KK/").content.decode()
    assert "dilayani secara daring" in page and 'name="nik"' not in page


def test_a_wrong_link_gets_an_indonesian_page_and_the_api_its_json_shape(client, office, settings):
    settings.DEBUG = False
    page = client.get("/tiket/abc/")
    assert page.status_code == 404 and "Halaman tidak ditemukan" in page.content.decode()
    api = client.get("/api/v1/offices/")
    assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"


def test_a_finished_ticket_no_longer_looks_usable(client, office):
    ticket_url = submit(client).headers["Location"]
    Ticket.objects.update(status=Status.DONE)
    page = client.get(ticket_url).content.decode()
    assert "<svg" not in page and "Persyaratan yang perlu dibawa" not in page
    assert "Ambil nomor antrean baru" in page
