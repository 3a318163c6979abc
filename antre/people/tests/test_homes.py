"""Each role lands on its own page after login, and a page that refuses a role says which page is theirs."""

import pytest

pytestmark = pytest.mark.django_db

HOMES = {
    "petugas": "/loket/",
    "satpam": "/pintu/tabanan/",
    "verifikator": "/kantor/permohonan/",
    "kepala": "/kepala/tabanan/",
    "admin": "/staf/",
}


@pytest.mark.parametrize("username", HOMES)
def test_each_role_lands_on_a_page_of_its_own(client, staff, username):
    response = client.post("/masuk/", {"username": username, "password": "rahasia-123"}, follow=True)
    assert response.redirect_chain[-1][0] == HOMES[username]
    assert response.status_code == 200
    assert "Tidak ada akses" not in response.content.decode()


def test_a_link_with_next_still_wins(client, staff):
    response = client.post("/masuk/?next=/kepala/", {"username": "admin", "password": "rahasia-123"})
    assert response.headers["Location"] == "/kepala/"


def test_the_staff_home_links_every_tool(client, staff):
    client.force_login(staff["admin"])
    page = client.get("/staf/").content.decode()
    for url in (
        "/loket/",
        "/pintu/",
        "/bantuan/",
        "/kantor/permohonan/",
        "/kantor/whatsapp/",
        "/kepala/",
        "/k/tabanan/layar/",
        "/k/tabanan/luar/",
        "/admin/",
    ):
        assert f'href="{url}"' in page, url


@pytest.mark.parametrize(
    ("username", "page", "theirs"),
    [
        ("kepala", "/loket/", "/kepala/"),
        ("satpam", "/kantor/permohonan/", "/pintu/"),
        ("verifikator", "/pintu/tabanan/", "/kantor/permohonan/"),
        ("petugas", "/kepala/tabanan/", "/loket/"),
        ("kepala", "/kantor/whatsapp/", "/kepala/"),
        ("petugas", "/staf/", "/loket/"),
    ],
)
def test_a_refused_page_points_to_the_roles_own(client, staff, username, page, theirs):
    client.force_login(staff[username])
    response = client.get(page)
    assert response.status_code == 403
    assert f'<a class="button" href="{theirs}">' in response.content.decode()


def test_the_admin_site_shows_kepala_their_page_instead_of_only_no_permission(client, staff):
    client.force_login(staff["kepala"])
    page = client.get("/admin/", follow=True).content.decode()
    assert 'href="/kepala/"' in page
