"""Short links for social media: the administrator makes them, the head of office reads them, and a
booking that follows one is counted under it."""

import pytest
from django.test import Client

from antre.outreach.models import ShortLink
from antre.queueing.models import Ticket
from antre.queueing.tests.test_pages import submit

pytestmark = pytest.mark.usefixtures("monday")

PAGE = "/kepala/tabanan/tautan/"


def signed_in(staff, who: str) -> Client:
    client = Client()
    client.force_login(staff[who])
    return client


def test_the_administrator_makes_a_link_and_a_booking_through_it_is_counted_under_it(client, office, staff):
    admin = signed_in(staff, "admin")
    response = admin.post(PAGE, {"slug": "IG-Des26", "note": "Instagram, Desember"})
    assert response.status_code == 302
    link = ShortLink.objects.get()
    assert (link.slug, link.office, link.created_by) == ("ig-des26", office, staff["admin"])

    opened = client.get("/s/ig-des26")
    assert opened.status_code == 302 and opened.headers["Location"] == "/k/tabanan/"
    assert "antre_src" in opened.cookies
    assert submit(client).status_code == 302
    assert Ticket.objects.get().source == "s-ig-des26"

    page = signed_in(staff, "kepala").get("/kepala/tabanan/desa/").content.decode()
    counted = page.split('data-slug="ig-des26"')[1].split("</tr>")[0]
    assert '<td class="num booked">1</td>' in counted
    listed = admin.get(PAGE).content.decode()
    assert "http://testserver/s/ig-des26" in listed and '<td class="num booked">1</td>' in listed


def test_a_slug_taken_already_is_refused_in_indonesian(office, staff):
    admin = signed_in(staff, "admin")
    admin.post(PAGE, {"slug": "fb-desa"})
    response = admin.post(PAGE, {"slug": "FB-desa", "note": "lagi"})
    assert response.status_code == 422
    assert "Kode tautan “fb-desa” sudah dipakai. Pilih kode lain." in response.content.decode()
    assert ShortLink.objects.count() == 1


@pytest.mark.parametrize("slug", ["", "-ig", "ig des", "ig/../x", "a" * 39, "ig_des"])
def test_a_malformed_slug_is_refused_and_nothing_stored(office, staff, slug):
    response = signed_in(staff, "admin").post(PAGE, {"slug": slug})
    assert response.status_code == 422
    assert "Kode tautan: 1–38 huruf kecil" in response.content.decode()
    assert not ShortLink.objects.exists()


def test_the_head_of_office_reads_the_links_but_cannot_make_one(office, staff):
    head = signed_in(staff, "kepala")
    page = head.get(PAGE)
    assert page.status_code == 200 and "Buat tautan" not in page.content.decode()
    refused = head.post(PAGE, {"slug": "ig-des26"})
    assert refused.status_code == 403
    assert "Hanya administrator kantor ini yang dapat membuat tautan pendek." in refused.content.decode()
    assert not ShortLink.objects.exists()


def test_an_unknown_short_link_is_not_found(client, office):
    assert client.get("/s/tidak-ada").status_code == 404
