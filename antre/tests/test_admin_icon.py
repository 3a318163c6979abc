"""The admin's pages carry the site's icon, as every other page does, so a browser does not ask for
/favicon.ico (which nothing serves) and log a 404 on each admin page."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db

ICON = '<link rel="icon" href="/static/antre/favicon.svg" type="image/svg+xml">'


def test_the_admin_pages_link_the_sites_icon(staff, office):
    assert ICON in Client().get("/admin/login/").content.decode()
    staff["admin"].is_staff = staff["admin"].is_superuser = True
    staff["admin"].save()
    client = Client()
    client.force_login(staff["admin"])
    for url in ("/admin/", "/admin/queueing/ticket/", f"/admin/offices/office/{office.pk}/change/"):
        response = client.get(url)
        assert response.status_code == 200 and ICON in response.content.decode(), url
    assert finders.find("antre/favicon.svg")
