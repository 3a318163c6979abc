"""Each role's main pages run under the Content-Security-Policy in a real Chromium without one
violation: every script, style and image they use is allowed, so the policy breaks nothing."""

from __future__ import annotations

import pytest

from antre.applications.tests.factories import apply
from antre.browser import SCREENSHOTS
from antre.conftest import session_cookie
from antre.queueing.tests.factories import book

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every violation the page reports, and any the browser logs (a blocked inline handler, a worker).
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile + ":" + e.lineNumber);
});
"""


@pytest.fixture
def server(open_all_day):
    from antre.testing import Server, free_port

    served = Server(port=free_port()).start(timeout=120)  # a busy machine starts slowly
    yield served
    served.stop()


def visit(browser, base: str, user, paths: list[str]) -> dict[str, list[str]]:
    """The violations each of `paths` reported, opened by `user` (None: a citizen)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    if user is not None:
        context.add_cookies([session_cookie(user, base)])
    context.add_init_script(WATCH)
    logged: list[str] = []
    page = context.new_page()
    page.on("console", lambda m: logged.append(m.text) if "Content Security Policy" in m.text else None)
    found = {}
    for path in paths:
        logged.clear()
        page.goto(base + path, wait_until="load")
        page.wait_for_timeout(700)  # let the page's scripts start their streams and timers
        found[path] = page.evaluate("window.__violations") + list(logged)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context.close()
    return {path: v for path, v in found.items() if v}


def test_the_main_pages_of_each_role_run_without_a_policy_violation(server, open_all_day, staff, browser):
    ticket = book(open_all_day)
    from django.test import Client

    application = apply(Client())
    staff["admin"].is_staff = staff["admin"].is_superuser = True
    staff["admin"].save()
    counter = open_all_day.counters.order_by("number").first()
    roles = {
        None: [
            "/k/tabanan/",
            "/k/tabanan/layanan/KTP/",
            f"/tiket/{ticket.token}/",
            f"/tiket/{ticket.token}/cetak/",
            "/k/tabanan/layar/",
            "/k/tabanan/luar/",
            "/k/tabanan/permohonan/KK-TAMBAH/",
            "/lacak/",
            "/masuk/",
        ],
        "petugas": ["/loket/", f"/loket/{counter.pk}/", "/bantuan/tabanan/"],
        "satpam": ["/pintu/tabanan/", "/pintu/tabanan/tiket-baru/"],
        "verifikator": [
            "/kantor/permohonan/",
            f"/kantor/permohonan/{application.code}/",
            "/kantor/whatsapp/",
        ],
        "kepala": [
            "/kepala/tabanan/",
            "/kepala/tabanan/rekap/",
            "/kepala/tabanan/laporan/",
            "/kepala/tabanan/skm/",
        ],
        "admin": ["/admin/", "/admin/queueing/ticket/", "/admin/offices/service/1/change/", "/api/v1/docs"],
    }
    violations = {}
    for role, paths in roles.items():
        user = staff[role] if role else None
        violations |= visit(browser, server.url, user, paths)
    assert violations == {}
