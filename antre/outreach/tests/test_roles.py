"""Every outreach page and download is the head of office's and the administrator's, at their own office."""

import pytest
from django.test import Client

from antre.outreach.tests.conftest import KEC_TABANAN, SUDIMARA

pytestmark = pytest.mark.usefixtures("monday")

PAGES = [
    "/kepala/tabanan/desa/",
    "/kepala/tabanan/desa/?format=csv",
    "/kepala/tabanan/desa/?format=xlsx",
    f"/kepala/tabanan/desa/{SUDIMARA}/poster.pdf",
    f"/kepala/tabanan/desa/{SUDIMARA}/surat-edaran.pdf",
    f"/kepala/tabanan/desa/{KEC_TABANAN}/poster-semua-desa.pdf",
    "/kepala/tabanan/tautan/",
]


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("who", ["kepala", "admin"])
def test_the_head_of_office_and_the_administrator_open_it(office, staff, url, who):
    client = Client()
    client.force_login(staff[who])
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("who", ["petugas", "satpam", "verifikator"])
def test_other_staff_are_refused(office, staff, url, who):
    client = Client()
    client.force_login(staff[who])
    response = client.get(url)
    assert response.status_code == 403
    assert "Halaman ini hanya untuk kepala dinas dan administrator kantor ini." in response.content.decode()


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, office, url):
    response = client.get(url)
    assert response.status_code == 302 and response.headers["Location"].startswith("/masuk/")


def test_the_head_of_another_office_is_refused(office, staff):
    from antre.offices.models import Office
    from antre.people.models import Role
    from antre.people.tests.factories import officer

    other = Office.objects.create(slug="badung", name="Disdukcapil Badung", region_code="51.03")
    client = Client()
    client.force_login(officer(Role.KEPALA, other, username="kepala_badung"))
    assert client.get(PAGES[0]).status_code == 403
    assert client.post("/kepala/tabanan/tautan/", {"slug": "x"}).status_code == 403


def test_anonymous_cannot_make_a_link(client, office):
    assert client.post("/kepala/tabanan/tautan/", {"slug": "ig-des26"}).status_code == 302
