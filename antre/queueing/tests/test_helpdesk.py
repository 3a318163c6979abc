"""The help desk: a citizen who lost the ticket's link gets it back from staff, never from a NIK alone."""

import datetime as dt

import pytest

from antre.conftest import MADE, MONDAY, NIK_MADE, TUESDAY, wita
from antre.errors import Refusal
from antre.queueing import helpdesk
from antre.queueing.tests.factories import book
from antre.whatsapp.models import BusinessNumber, OutboxMessage

pytestmark = pytest.mark.usefixtures("monday")  # the clock on Monday morning of the test week


@pytest.fixture
def whatsapp(office, settings):
    settings.WHATSAPP = settings.WHATSAPP | {"token": "t"}
    return BusinessNumber.objects.create(
        office=office, phone_number_id="1100", display_number="0811-3900-100"
    )


def search(client, query, **kw):
    return client.post("/bantuan/tabanan/", {"action": "search", "q": query}, **kw)


def test_staff_find_todays_and_coming_tickets_by_nik_or_number(office, staff):
    today = book(office, MADE, service="CAPIL", day=MONDAY)
    tomorrow = book(office, MADE, service="LEGAL", day=TUESDAY)
    for who in ("satpam", "petugas", "admin"):
        found = helpdesk.find_tickets(office=office, query=NIK_MADE, officer=staff[who], now=wita(MONDAY, 9))
        assert found == [today, tomorrow]
    assert helpdesk.find_tickets(office=office, query="d 001", officer=staff["satpam"]) == [today]
    # Yesterday's tickets are no help at the desk.
    assert (
        helpdesk.find_tickets(
            office=office,
            query=NIK_MADE,
            officer=staff["satpam"],
            now=wita(TUESDAY + dt.timedelta(days=1), 9),
        )
        == []
    )


def test_a_nik_never_reveals_a_ticket_to_the_public_or_other_roles(client, office, staff):
    book(office, MADE, service="CAPIL", day=MONDAY)
    for who in ("verifikator", "kepala"):
        with pytest.raises(Refusal) as refused:
            helpdesk.find_tickets(office=office, query=NIK_MADE, officer=staff[who])
        assert refused.value.code == "forbidden"
    response = search(client, NIK_MADE)
    assert response.status_code == 302 and "/masuk/" in response.headers["Location"]
    client.force_login(staff["kepala"])
    page = search(client, NIK_MADE)
    assert page.status_code == 403 and "/tiket/" not in page.content.decode()


def test_the_link_goes_again_to_the_phone_given_at_booking(client, office, staff, whatsapp):
    ticket = book(office, MADE, service="CAPIL", day=MONDAY, phone="0812 3456 7890")
    client.force_login(staff["satpam"])
    page = search(client, NIK_MADE, follow=True).content.decode()
    assert "D-001" in page and "Kirim ulang tautan lewat WhatsApp" in page
    assert "+6281234567890" not in page  # the phone masked even for staff
    response = client.post("/bantuan/tabanan/", {"ticket": ticket.token}, follow=True)
    assert "dikirim lagi lewat WhatsApp" in response.content.decode()
    (message,) = OutboxMessage.objects.filter(template="antre_tautan_tiket")
    params = [p["text"] for p in message.body["template"]["components"][0]["parameters"]]
    assert message.to == "6281234567890"
    assert params[0] == "D-001" and params[2].endswith(f"/tiket/{ticket.token}/")
    client.post("/bantuan/tabanan/", {"ticket": ticket.token})  # a double tap
    assert OutboxMessage.objects.filter(template="antre_tautan_tiket").count() == 1


def test_without_a_phone_the_desk_prints_the_ticket(client, office, staff, whatsapp):
    ticket = book(office, MADE, service="CAPIL", day=MONDAY)
    client.force_login(staff["petugas"])
    page = search(client, "D-001", follow=True).content.decode()
    assert "Kirim ulang tautan" not in page
    assert f"/tiket/{ticket.token}/cetak/" in page
    with pytest.raises(Refusal) as refused:
        helpdesk.resend_link(office=office, token=ticket.token, officer=staff["petugas"])
    assert refused.value.code == "no_phone"


def test_a_search_that_is_neither_a_number_nor_a_nik_is_explained(client, office, staff):
    client.force_login(staff["satpam"])
    response = search(client, "Made", follow=True)
    assert response.status_code == 422
    assert "Ketik nomor antrean (contoh: A-012) atau NIK 16 digit." in response.content.decode()


def test_the_admin_lists_tickets_with_the_nik_masked(client, office, staff):
    book(office, MADE, service="CAPIL", day=MONDAY)
    staff["admin"].is_staff = staff["admin"].is_superuser = True
    staff["admin"].save()
    client.force_login(staff["admin"])
    page = client.get("/admin/queueing/ticket/?q=D-001").content.decode()
    assert "D-001" in page and NIK_MADE not in page


def test_the_nik_searched_never_appears_in_an_address(client, office, staff):
    book(office, MADE, service="CAPIL", day=MONDAY)
    client.force_login(staff["satpam"])
    response = search(client, NIK_MADE)
    assert response.status_code == 302 and NIK_MADE not in response.headers["Location"]
    page = client.get(response.headers["Location"]).content.decode()
    assert "D-001" in page and f"?q={NIK_MADE}" not in page


def test_the_link_sent_again_is_the_offices_public_address(client, office, staff, whatsapp, settings):
    settings.PUBLIC_URL = "https://antrean.tabanankab.go.id"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "192.168.1.20"]  # the gate tablet's address
    ticket = book(office, MADE, service="CAPIL", day=MONDAY, phone="0812 3456 7890")
    client.force_login(staff["satpam"])
    client.post("/bantuan/tabanan/", {"ticket": ticket.token}, HTTP_HOST="192.168.1.20:8000")
    (message,) = OutboxMessage.objects.filter(template="antre_tautan_tiket")
    link = message.body["template"]["components"][0]["parameters"][2]["text"]
    assert link == f"https://antrean.tabanankab.go.id/tiket/{ticket.token}/"


@pytest.mark.parametrize("odd", ["", "a/b", "x" * 500])  # a NUL: antre/tests/test_inputs.py
def test_odd_ticket_ids_at_the_desk_are_refused_not_a_500(client, office, staff, odd):
    client.force_login(staff["satpam"])
    response = client.post("/bantuan/tabanan/", {"ticket": odd}, follow=True)
    assert response.status_code == 200 and "tidak ditemukan" in response.content.decode()
