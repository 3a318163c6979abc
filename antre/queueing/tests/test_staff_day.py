"""What the counter console and the gate say about the day: citizens still outside, a closed office."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from antre.conftest import MONDAY, SATURDAY, TUESDAY, wita
from antre.gate.tests.factories import enter
from antre.offices.models import ClosedDay, Counter
from antre.queueing.tests.factories import book


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def loket1(office):
    return Counter.objects.get(office=office, number=1)  # KTP and AMBIL


def console(client, staff, counter) -> str:
    client.force_login(staff["petugas"])
    return text(client.get(f"/loket/{counter.pk}/").content.decode())


def gate_page(client, staff) -> str:
    client.force_login(staff["satpam"])
    return text(client.get("/pintu/tabanan/").content.decode())


def test_an_empty_console_says_how_many_booked_citizens_are_still_outside(
    client, office, clock, staff, loket1
):
    inside, *outside = (book(office, i) for i in range(4))
    book(office, 9, service="CAPIL")  # another counter's service: not counted here
    enter(office, inside, staff["satpam"])
    page = console(client, staff, loket1)
    assert "3 warga terdaftar hari ini masih di luar, belum masuk lewat pintu." in page
    assert inside.number in page

    # The one inside served: nobody waits inside, but with three still to come the day is not over.
    inside.status = "done"
    inside.save(update_fields=["status"])
    page = console(client, staff, loket1)
    assert "Antrean kosong." not in page
    assert "Belum ada yang menunggu di dalam." in page
    assert "3 warga terdaftar hari ini masih di luar" in page


def test_without_a_gate_nobody_is_counted_outside(client, gate_off, clock, staff, loket1):
    book(gate_off, 1)
    page = console(client, staff, loket1)
    assert "masih di luar" not in page


def test_on_a_weekend_the_console_and_the_gate_say_the_office_is_closed(client, office, clock, staff, loket1):
    clock.move_to(wita(SATURDAY, 9))
    for page in (console(client, staff, loket1), gate_page(client, staff)):
        assert "Kantor tutup hari ini — tidak ada jam layanan pada hari Sabtu." in page
        assert "Buka lagi Senin," in page


def test_on_a_closed_day_they_give_the_reason(client, office, clock, staff, loket1):
    ClosedDay.objects.create(office=office, date=TUESDAY, reason="Hari Raya Galungan")
    clock.move_to(wita(TUESDAY, 9))
    for page in (console(client, staff, loket1), gate_page(client, staff)):
        assert "Kantor tutup hari ini — Hari Raya Galungan." in page


def test_on_an_open_day_nothing_is_said(client, office, clock, staff, loket1):
    clock.move_to(wita(MONDAY, 9) + dt.timedelta(hours=1))
    for page in (console(client, staff, loket1), gate_page(client, staff)):
        assert "Kantor tutup hari ini" not in page


def test_in_english(client, office, clock, staff, loket1):
    book(office, 1)
    clock.move_to(wita(SATURDAY, 9))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = console(client, staff, loket1)
    assert "The office is closed today — no service hours on Saturday." in page
    clock.move_to(wita(MONDAY, 9, 30))
    assert "1 citizen booked for today is still outside, not yet through the door." in console(
        client, staff, loket1
    )
