"""A citizen who booked from home sees when to come, and a later time once a counter closes, with
the reason on the page."""

from __future__ import annotations

import pytest
import time_machine

from antre.browser import SCREENSHOTS
from antre.conftest import MONDAY, wita
from antre.queueing.tests.factories import book

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    yield context.new_page()
    context.close()


def minutes(text: str) -> int:
    """'21.05 WITA' -> minutes since midnight."""
    hours, mins = text.split()[0].split(".")
    return int(hours) * 60 + int(mins)


def test_the_come_at_time_moves_later_when_a_counter_closes(phone, live_server, gate_off, staff):
    """The server runs in this process, so the clock pinned here (a Monday at 10.00, the office's
    ordinary hours) is the server's too: the times shown do not depend on when the suite runs."""
    from antre.offices.models import Counter
    from antre.queueing import staffing

    office = gate_off  # in the line from booking: twelve ahead, whatever the door does
    with time_machine.travel(wita(MONDAY, 10, 0), tick=True):
        one, three = (Counter.objects.get(office=office, number=n) for n in (1, 3))  # both serve KTP
        for counter in (one, three):
            staffing.open_counter(counter=counter, officer=staff["petugas"])
        for i in range(12):
            book(office, i)
        ticket = book(office, 20, name="Ni Made Sari Dewi", phone="081234567820")

        phone.goto(live_server.url + f"/tiket/{ticket.token}/")
        first = phone.locator("#ticket-come-at").inner_text()
        assert "dilayani loket 1, 3" in phone.locator("#ticket-why").inner_text()
        phone.screenshot(path=SCREENSHOTS / "60-come-at-phone.png", full_page=True)

        staffing.close_counter(counter=three, officer=staff["petugas"])
        phone.reload()
        second = phone.locator("#ticket-come-at").inner_text()
        assert "dilayani loket 1 " in phone.locator("#ticket-why").inner_text() + " "
        # One counter instead of two: about twice as long to wait, so come later.
        assert minutes(second) >= minutes(first) + 30
        phone.screenshot(path=SCREENSHOTS / "61-come-at-after-counter-closed-phone.png", full_page=True)
