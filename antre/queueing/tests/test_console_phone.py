"""The counter console on a 360-px phone: no sideways scrolling, switching counter, logging out, and a
citizen the counter had called stepping out at the gate."""

from __future__ import annotations

import pytest

from antre.browser import SCREENSHOTS
from antre.conftest import session_cookie
from antre.gate.tests.factories import enter
from antre.queueing.tests.factories import book

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def server(open_all_day):
    from antre.testing import Server, free_port

    served = Server(port=free_port()).start()
    yield served
    served.stop()


def width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_console_on_a_phone(browser, server, staff, open_all_day):
    from antre.offices.models import Counter

    office = open_all_day
    made = book(office, 1, service="CAPIL", name="Ni Made Sari Dewi")
    ketut = book(office, 2, service="CAPIL", name="I Ketut Arsana")
    for ticket in (made, ketut):
        enter(office, ticket, staff["satpam"], temperature="36,5")
    loket2, loket4 = Counter.objects.get(number=2), Counter.objects.get(number=4)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    context = browser.new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    context.add_cookies([session_cookie(staff["petugas"], server.url)])
    phone = context.new_page()
    phone.goto(server.url + f"/loket/{loket2.pk}/")
    phone.get_by_role("button", name="Panggil berikutnya (N)").click()
    phone.locator("#current-number").filter(has_text=made.number).wait_for()
    # The transfer list, the longest thing on the page, fits too.
    assert phone.locator("#transfer-service").is_visible()
    assert width(phone) <= 360
    phone.screenshot(path=SCREENSHOTS / "15-counter-console-phone.png", full_page=True)

    # The citizen at the counter steps out at the gate to photocopy a document.
    tablet = browser.new_context(viewport={"width": 800, "height": 1000})
    tablet.add_cookies([session_cookie(staff["satpam"], server.url)])
    door = tablet.new_page()
    door.goto(server.url + f"/pintu/tabanan/?q={made.number}")
    door.get_by_role("button", name="Keluar sebentar (nomor tetap berlaku)").click()
    assert "keluar sebentar" in door.locator(".alert.ok").inner_text()

    # The console says so without a reload, and lists who is out with a number still held.
    notice = phone.locator("#stepped-out-notice")
    notice.wait_for(timeout=10_000)
    assert notice.inner_text().startswith(f"{made.number} (Ni Made S.) keluar sebentar")
    assert made.number in phone.locator("#stepped-out-list").inner_text()
    assert width(phone) <= 360
    phone.screenshot(path=SCREENSHOTS / "16-counter-console-stepped-out-phone.png", full_page=True)
    phone.get_by_role("button", name="Panggil berikutnya (N)").click()
    phone.locator("#current-number").filter(has_text=ketut.number).wait_for()
    assert phone.locator("#stepped-out-notice").count() == 0

    # Another counter, then home.
    phone.locator(".counter-switch").get_by_role("link", name="4", exact=True).click()
    phone.wait_for_url(f"**/loket/{loket4.pk}/")
    assert phone.locator("h1").inner_text().startswith("Loket 4")
    assert width(phone) <= 360
    phone.get_by_role("button", name="Keluar", exact=True).click()
    phone.wait_for_url("**/masuk/")
    phone.goto(server.url + f"/loket/{loket2.pk}/")
    assert "/masuk/" in phone.url  # logged out for real
    context.close()


def test_the_console_on_a_counter_pc(browser, server, staff, open_all_day):
    from antre.gate import services as gate
    from antre.offices.models import Counter

    office = open_all_day
    tickets = [
        book(office, i, service="KTP", name=n)
        for i, n in enumerate(["Ni Made Sari Dewi", "I Ketut Arsana", "I Wayan Lansia"])
    ]
    for ticket in tickets:
        enter(office, ticket, staff["satpam"], temperature="36,5")
    gate.record_exit(office=office, ticket_ref=tickets[2].token, officer=staff["satpam"])
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_cookies([session_cookie(staff["petugas"], server.url)])
    pc = context.new_page()
    pc.goto(server.url + f"/loket/{Counter.objects.get(number=1).pk}/")
    pc.get_by_role("button", name="Panggil berikutnya (N)").click()
    pc.locator("#current-number").filter(has_text=tickets[0].number).wait_for()
    assert tickets[2].number in pc.locator("#stepped-out-list").inner_text()
    pc.screenshot(path=SCREENSHOTS / "17-counter-console-desktop.png", full_page=True)
    context.close()
