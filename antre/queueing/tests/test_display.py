"""The waiting-room TV: the large call is one still at its counter; the clock is the server's."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from antre.browser import SCREENSHOTS
from antre.conftest import WITA
from antre.offices.models import Counter
from antre.queueing import calling
from antre.queueing.tests.factories import book


def serve(counter, ticket, staff):
    assert calling.call_next(counter=counter, officer=staff["petugas"]) == ticket
    calling.start_service(token=ticket.token, officer=staff["petugas"])
    calling.finish_service(token=ticket.token, officer=staff["petugas"])


def big_number(client) -> str:
    html = client.get("/k/tabanan/layar/").content.decode()
    return re.search(r'id="now-number">([^<]*)<', html).group(1)


def recent(client) -> list[str]:
    html = client.get("/k/tabanan/layar/").content.decode()
    return re.findall(r'<span class="n">([^<]+)</span>', html)


@pytest.mark.parametrize("ending", ["no_show", "transfer"])
def test_a_call_that_ended_without_service_leaves_the_big_panel_empty(client, gate_off, clock, staff, ending):
    loket1, loket2 = (Counter.objects.get(office=gate_off, number=n) for n in (1, 2))
    done, absent = book(gate_off, 1, service="CAPIL"), book(gate_off, 2, service="KTP")
    serve(loket2, done, staff)
    assert big_number(client) == "—"  # served and gone: nobody is being called now
    assert recent(client) == [done.number]

    assert calling.call_next(counter=loket1, officer=staff["petugas"]) == absent
    assert big_number(client) == absent.number
    calling.counter_verb(ending, service_code="LEGAL")(token=absent.token, officer=staff["petugas"])
    assert big_number(client) == "—"  # not D-001, finished long before
    assert done.number in recent(client)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_tv_shows_the_servers_time_and_no_ended_call(browser, open_all_day, gate_off, staff):
    from antre.testing import Server, free_port

    loket1, loket2 = (Counter.objects.get(office=gate_off, number=n) for n in (1, 2))
    done, moved = book(gate_off, 1, service="CAPIL"), book(gate_off, 2, service="KTP")
    serve(loket2, done, staff)
    server = Server(port=free_port()).start()
    try:
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        # The TV PC's clock is three hours and seven minutes off.
        context.clock.install(time=dt.datetime.now(dt.UTC) - dt.timedelta(hours=3, minutes=7))
        tv = context.new_page()
        before = dt.datetime.now(WITA)
        tv.goto(server.url + "/k/tabanan/layar/")
        shown = tv.locator("#clock").inner_text()
        after = dt.datetime.now(WITA)
        assert shown in {f"{t:%H.%M} WITA" for t in (before, after)}

        assert tv.locator("#now-number").inner_text() == "—"
        assert calling.call_next(counter=loket1, officer=staff["petugas"]) == moved
        tv.locator("#now-number").filter(has_text=moved.number).wait_for(timeout=15_000)
        calling.transfer_ticket(token=moved.token, officer=staff["petugas"], service_code="LEGAL")
        tv.locator("#now-number").filter(has_text="—").wait_for(timeout=15_000)
        assert tv.locator("#now-counter").inner_text() == "—"
        assert done.number in tv.locator("#recent").inner_text()
        tv.screenshot(path=SCREENSHOTS / "55-display-after-a-transfer.png")
    finally:
        server.stop()
