"""The citizen's ticket page follows, live, what the page says on load: an invitation passed, inside
at last, a no-show, and the door's last invitation of the day."""

from __future__ import annotations

import datetime as dt

import pytest

from antre.browser import SCREENSHOTS
from antre.conftest import WITA
from antre.gate.tests.factories import enter
from antre.queueing.tests.factories import book

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAIT = 15_000  # ms: a change made by this process reaches the server's streams within its poll


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    yield context.new_page()
    context.close()


def start_server():
    from antre.testing import Server, free_port

    return Server(port=free_port()).start()


def test_the_live_page_follows_a_lapse_the_door_and_a_no_show(phone, open_all_day, staff):
    from antre import clock
    from antre.gate import services as gate
    from antre.offices.models import Counter
    from antre.queueing import calling

    office = open_all_day
    office.capacity = 0  # the server's worker invites nobody: this test sends the invitations
    office.save(update_fields=["capacity"])
    ticket = book(office, name="Ni Made Sari Dewi")
    ticket.invited_at, ticket.invitations = clock.now(), 2  # the second and last invitation
    ticket.save(update_fields=["invited_at", "invitations"])
    server = start_server()
    try:
        phone.goto(server.url + f"/tiket/{ticket.token}/")
        assert phone.locator("#invited-panel").is_visible()
        assert phone.locator("#door-hint").is_visible()
        assert not phone.locator("#lapsed-panel").is_visible()

        # Not there in time: the invitation lapses (the worker's tick, here by hand).
        ticket.invited_at = clock.now() - dt.timedelta(hours=1)
        ticket.save(update_fields=["invited_at"])
        gate.refresh_invitations(office)
        phone.locator("#lapsed-door").wait_for(state="visible", timeout=WAIT)
        assert not phone.locator("#invited-panel").is_visible()
        assert not phone.locator("#lapsed-again").is_visible()
        phone.screenshot(path=SCREENSHOTS / "51-ticket-invitation-lapsed-phone.png", full_page=True)

        # Comes to the door anyway and is let in: the door's hint and the lapse are history.
        office.capacity = 13
        office.save(update_fields=["capacity"])
        enter(office, ticket, staff["satpam"])
        phone.locator("#ticket-status").filter(has_text="Menunggu di dalam").wait_for(timeout=WAIT)
        assert not phone.locator("#door-hint").is_visible()
        assert not phone.locator("#lapsed-panel").is_visible()

        # Called and not there: told to come to the counter, once.
        counter = Counter.objects.get(office=office, number=1)
        calling.call_next(counter=counter, officer=staff["petugas"])
        calling.mark_no_show(token=ticket.token, officer=staff["petugas"])
        phone.locator("#no-show-panel").wait_for(state="visible", timeout=WAIT)
        assert phone.locator("#ticket-status").inner_text() == "Tidak hadir"
        phone.screenshot(path=SCREENSHOTS / "52-ticket-no-show-phone.png", full_page=True)
    finally:
        server.stop()


def test_the_live_page_says_so_when_the_door_stops_inviting_for_the_day(phone, open_all_day):
    """Nothing happens in the queue at that moment: the page itself asks again when the time comes."""
    from antre import clock
    from antre.offices.models import OpeningHours

    office = open_all_day
    office.capacity = 0  # room for nobody: this citizen waits outside, uninvited
    office.save(update_fields=["capacity"])
    ticket = book(office, name="I Ketut Arsana")
    # Today the door invites until half a minute from now (the server reads the hours once it starts).
    last_call = clock.now().astimezone(WITA) + dt.timedelta(seconds=30)
    OpeningHours.objects.filter(office=office, weekday=last_call.weekday()).update(closes=last_call.time())
    server = start_server()
    try:
        phone.goto(server.url + f"/tiket/{ticket.token}/")
        assert not phone.locator("#not-today-panel").is_visible()
        assert phone.locator("#ticket-position").is_visible()

        phone.locator("#not-today-panel").wait_for(state="visible", timeout=60_000)
        assert (
            phone.get_by_role("link", name="Pilih hari lain").get_attribute("href")
            == "/k/tabanan/layanan/KTP/"
        )
        assert not phone.locator("#ticket-position").is_visible()
        assert not phone.locator("#ticket-estimate").is_visible()
        phone.screenshot(path=SCREENSHOTS / "53-ticket-not-invited-today-phone.png", full_page=True)
    finally:
        server.stop()


def test_without_scripts_the_page_reloads_itself(browser, live_server, open_all_day):
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    page = context.new_page()
    ticket = book(open_all_day, name="Ni Made Sari Dewi")
    page.goto(live_server.url + f"/tiket/{ticket.token}/")
    assert page.locator("#refresh-hint").is_visible()
    assert page.locator('meta[http-equiv="refresh"]').get_attribute("content") == "60"
    page.screenshot(path=SCREENSHOTS / "54-ticket-without-scripts-phone.png", full_page=True)
    context.close()
