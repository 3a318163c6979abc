"""Every page carries the Content-Security-Policy, and pages and files with personal data are never
stored by a browser or proxy (Cache-Control: no-store); HSTS and the HTTPS redirect only over HTTPS."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from antre.applications.tests.factories import apply
from antre.conftest import NIK_MADE
from antre.people.models import ApiToken
from antre.queueing.tests.factories import book

pytestmark = pytest.mark.django_db

ANTRE = Path(__file__).resolve().parents[1]


def assert_policy(response, url: str) -> None:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = dict((d.split(" ", 1) + [""])[:2] for d in policy.split("; "))
    assert directives.get("script-src") == "'self'", (url, policy)
    assert directives.get("style-src") == "'self'", (url, policy)
    assert directives.get("frame-ancestors") == "'none'", (url, policy)
    assert "'self'" in directives.get("worker-src", ""), (url, policy)  # the booking's proof of work
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, (url, policy)


def assert_not_stored(response, url: str) -> None:
    assert "no-store" in response.headers.get("Cache-Control", ""), (
        url,
        response.headers.get("Cache-Control"),
    )


def fetch(client: Client, url: str):
    response = client.get(url)
    if response.streaming:  # a file: read to its end, as a browser would
        b"".join(response.streaming_content)
    return response


@pytest.fixture
def world(office, staff, client):
    """A ticket, an application and the office's first counter, as a citizen's browser left them."""
    ticket = book(office)
    application = apply(client)
    staff["admin"].is_staff = staff["admin"].is_superuser = True  # the Django admin's pages too
    staff["admin"].save()
    return {
        "office": office,
        "ticket": ticket,
        "application": application,
        "document": application.documents.first(),
        "counter": office.counters.order_by("number").first(),
        "staff": staff,
    }


def citizen_pages(w) -> list[str]:
    t, a, d = w["ticket"].token, w["application"].code, w["document"]
    return [
        "/",
        "/k/tabanan/",
        "/k/tabanan/layanan/KTP/",
        f"/tiket/{t}/",
        f"/tiket/{t}/cetak/",
        "/k/tabanan/layar/",
        "/k/tabanan/luar/",
        "/k/tabanan/permohonan/",
        "/lacak/",
        f"/permohonan/{a}/",
        f"/permohonan/{a}/tanda-terima.pdf",
        f"/permohonan/{a}/berkas/{d.pk}/",
        f"/api/v1/tickets/{t}",
        f"/api/v1/applications/{a}?nik={NIK_MADE}",
        "/masuk/",
        "/halaman-yang-tidak-ada/",  # Django's 404 page
    ]


def staff_pages(w) -> dict[str, list[str]]:
    a, counter = w["application"].code, w["counter"]
    return {
        "petugas": ["/loket/", f"/loket/{counter.pk}/", "/bantuan/tabanan/"],
        "satpam": ["/pintu/tabanan/", "/pintu/tabanan/tiket-baru/"],
        "verifikator": ["/kantor/permohonan/", f"/kantor/permohonan/{a}/", "/kantor/whatsapp/"],
        "kepala": [
            "/kepala/tabanan/",
            "/kepala/tabanan/rekap/",
            "/kepala/tabanan/laporan/",
            "/kepala/tabanan/audit/",
        ],
        "admin": [
            "/staf/",
            "/admin/",
            "/admin/queueing/ticket/",
            f"/admin/offices/office/{w['office'].pk}/change/",
            "/api/v1/docs",
        ],
    }


def test_every_page_of_each_role_has_the_policy_and_is_not_stored(world, client):
    for url in citizen_pages(world):
        response = fetch(client, url)
        assert response.status_code in (200, 302, 404), (url, response.status_code)
        assert_policy(response, url)
        assert_not_stored(response, url)
    for username, urls in staff_pages(world).items():
        officer = Client()
        officer.force_login(world["staff"][username])
        for url in urls:
            response = fetch(officer, url)
            assert response.status_code == 200, (username, url, response.status_code)
            assert_policy(response, url)
            assert_not_stored(response, url)


def test_staff_api_answers_with_personal_data_are_not_stored(monday, world):  # a call needs an open day
    officer = world["staff"]["petugas"]
    token = ApiToken.for_user(officer)
    api = Client(headers={"Authorization": f"Token {token.key}"})
    called = api.post(f"/api/v1/counters/{world['counter'].pk}/call-next")
    assert called.status_code in (200, 204)
    assert_not_stored(called, "call-next")
    assert_policy(called, "call-next")
    refused = Client().get("/api/v1/offices/tabanan/gate/entries")  # an API refusal leaves the same way
    assert_policy(refused, "refusal")


def test_static_files_keep_their_own_caching(client):
    response = fetch(client, "/static/antre/site.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_no_template_has_inline_script_handlers_or_style_attributes():
    # What the policy would block in a browser: found here, before a citizen meets a dead button.
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=|\sstyle=|<style", re.IGNORECASE)
    found = [
        f"{path.relative_to(ANTRE)}: {match.group(0)}"
        for path in ANTRE.rglob("templates/**/*.html")
        for match in inline.finditer(path.read_text())
    ]
    assert found == []


def settings_under(env: dict[str, str]) -> list[str]:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE)"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ANTRE_")}
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=clean | {"DJANGO_SETTINGS_MODULE": "antre.settings", "ANTRE_SECRET_KEY": "x"} | env,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.split()


def test_https_redirect_and_hsts_only_when_served_over_https(tmp_path):
    data = {"ANTRE_DATA_DIR": str(tmp_path)}
    assert settings_under(data) == ["False", "0", "False"]  # the office PC on the LAN, plain HTTP
    assert settings_under(data | {"ANTRE_BEHIND_HTTPS_PROXY": "1"}) == ["True", "31536000", "True"]
    assert settings_under(data | {"ANTRE_BEHIND_HTTPS_PROXY": "1", "ANTRE_HSTS_SECONDS": "3600"})[1] == "3600"
