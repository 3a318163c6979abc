"""When a citizen is likely called: the counters' time only, never in the break or after closing."""

from __future__ import annotations

import datetime as dt
import re

from antre.conftest import MONDAY, nik_for, wita
from antre.offices.models import OpeningHours
from antre.queueing.tests.factories import book
from antre.queueing.tickets import ticket_state


def text(html: str) -> str:
    """The page as a person reads it: tags dropped, spaces collapsed, hidden parts left out."""
    html = re.sub(r"<(section|p|span|dt|dd)\b[^>]*\shidden[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def page(client, ticket) -> str:
    return client.get(f"/tiket/{ticket.token}/").content.decode()


def test_after_closing_no_time_is_promised(client, gate_off, clock):
    """Without a door nobody is invited; the estimate alone must not promise a time after closing."""
    ticket = book(gate_off, 1)
    clock.move_to(wita(MONDAY, 15, 10))
    html = text(page(client, ticket))
    assert "Urutan ke-1" in html
    assert "Perkiraan dipanggil" not in html and "sekitar pukul" not in html
    assert ticket_state(ticket.token)["estimated_call_at"] is None


def test_the_estimate_steps_over_the_lunch_break(client, gate_off, clock):
    OpeningHours.objects.filter(office=gate_off, weekday=MONDAY.weekday()).update(
        break_starts=dt.time(12), break_ends=dt.time(13)
    )
    clock.move_to(wita(MONDAY, 11, 30))
    # Santunan: 15 minutes a visit at one counter. Three ahead: 45 minutes of the counter's time.
    tickets = [book(gate_off, i, service="SANTUNAN") for i in range(4)]
    html = text(page(client, tickets[-1]))
    assert "sekitar pukul 13.15 WITA" in html  # 11.30 + 30 minutes before the break, 15 after it


def test_the_booking_answer_steps_over_it_too(client, gate_off, clock):
    OpeningHours.objects.filter(office=gate_off, weekday=MONDAY.weekday()).update(
        break_starts=dt.time(12), break_ends=dt.time(13)
    )
    clock.move_to(wita(MONDAY, 11, 30))
    for i in range(3):
        book(gate_off, i, service="SANTUNAN")
    response = client.post(
        "/api/v1/offices/tabanan/tickets",
        {"service": "SANTUNAN", "name": "I Ketut Arsana", "nik": nik_for(9)},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    estimate = dt.datetime.fromisoformat(response.json()["estimated_call_at"])
    assert estimate.replace(second=0, microsecond=0) == wita(MONDAY, 13, 15)  # the clock ticks on


def test_the_board_tells_the_waiting_room_a_newcomer_s_wait_per_service(client, gate_off, clock):
    from antre.queueing.models import Channel

    clock.move_to(wita(MONDAY, 9))
    for i in range(4):
        book(gate_off, i, service="SANTUNAN", channel=Channel.KIOSK)
    waits = client.get("/api/v1/offices/tabanan/board").json()["waits"]
    assert waits["SANTUNAN"] == 60  # four ahead at the one counter serving it, fifteen minutes each
    html = client.get("/k/tabanan/layar/").content.decode()
    assert re.search(r'<span class="svc">SANTUNAN</span><span class="mins">± 60 menit', html)


def test_at_a_door_the_board_counts_the_bookings_due_now_that_are_not_in_yet(client, office, clock):
    """Monday 08.10 at an office with a door: eight citizens booked KTP from home just now and are on
    their way (none inside yet); the first four are asked to come now. A newcomer taking a KTP
    number now stands behind those four, at the two counters serving KTP: about ten minutes, where
    the board said "< 5 menit" (it counted only those inside)."""
    from antre.queueing import forecasting
    from antre.queueing.models import Channel

    clock.move_to(wita(MONDAY, 8, 10))
    for i in range(8):
        book(office, i, service="KTP", channel=Channel.WEB)
    forecasting.clear()
    waits = client.get("/api/v1/offices/tabanan/board").json()["waits"]
    assert waits["KTP"] >= 8


def test_bookings_told_to_come_now_and_not_in_yet_stand_ahead_of_the_next_one(client, office, clock):
    """Monday 08.10 at an office with a door: four citizens booked KTP from home and were told to
    come now; they are on their way. The fifth, told to come a little later, is called after them:
    not in three minutes, as when the live queue did not pass on what each was told, and the bookings
    were counted by how many of the history's bookings (who came all day long) were in by 08.10."""
    from antre.queueing import forecasting
    from antre.queueing.models import Channel
    from antre.seed import seed_demo_history

    seed_demo_history(office, today=MONDAY)  # a month in which citizens booked from home came all day
    clock.move_to(wita(MONDAY, 8, 10))
    tickets = [book(office, i, service="KTP", channel=Channel.WEB) for i in range(5)]
    forecasting.clear()
    fifth = client.get(f"/api/v1/tickets/{tickets[4].token}").json()
    called = dt.datetime.fromisoformat(fifth["estimated_call_at"])
    assert called - wita(MONDAY, 8, 10) >= dt.timedelta(minutes=8)
