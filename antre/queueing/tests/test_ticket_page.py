"""What the citizen's ticket page tells them beyond the status: with scripts off, after an invitation
passed, after the door's last invitation of the day, after a no-show, and once inside."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from antre.conftest import MONDAY, wita
from antre.gate import services as gate
from antre.gate.tests.factories import enter
from antre.offices.models import Counter
from antre.queueing import calling
from antre.queueing.tests.factories import book
from antre.queueing.tickets import ticket_state

DOOR_HINT = "Tunjukkan kode QR ini kepada petugas di pintu masuk."


def text(html: str) -> str:
    """The page as a person reads it: tags dropped, spaces collapsed, hidden parts left out."""
    html = re.sub(r"<(section|p|span|dt|dd)\b[^>]*\shidden[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def page(client, ticket) -> str:
    response = client.get(f"/tiket/{ticket.token}/")
    assert response.status_code == 200
    return response.content.decode()


# --- without JavaScript ------------------------------------------------------------------------


def test_without_scripts_a_waiting_ticket_reloads_itself_and_says_so(client, office, clock):
    ticket = book(office, 1)
    html = page(client, ticket)
    assert '<noscript><meta http-equiv="refresh" content="60"></noscript>' in html
    assert "Halaman ini diperbarui sendiri setiap menit." in html
    assert "perbarui halaman" in html

    ticket.status = "done"
    ticket.save(update_fields=["status"])
    html = page(client, ticket)
    assert 'http-equiv="refresh"' not in html  # nothing more will happen to it


# --- an invitation that passed -----------------------------------------------------------------


def test_a_lapsed_invitation_is_explained_and_whether_another_comes(client, office, clock):
    office.capacity = 1  # one invitation out at a time: the two citizens take turns
    office.save(update_fields=["capacity"])
    made, ketut = book(office, 1, name="Ni Made Sari"), book(office, 2, name="I Ketut Arsana")
    assert gate.refresh_invitations(office) == [made]
    assert "Undangan masuk Anda sudah lewat." not in text(page(client, made))

    clock.move_to(wita(MONDAY, 9, 11))  # ten minutes passed: Made's invitation goes to Ketut
    assert gate.refresh_invitations(office) == [ketut]
    html = text(page(client, made))
    assert "Undangan masuk Anda sudah lewat." in html
    assert "Anda akan diundang sekali lagi saat ada tempat" in html
    assert ticket_state(made.token)["lapsed"] == "again"

    clock.move_to(wita(MONDAY, 9, 22))
    assert gate.refresh_invitations(office) == [made]  # Made's second and last invitation
    assert "Undangan masuk Anda sudah lewat." not in text(page(client, made))
    clock.move_to(wita(MONDAY, 9, 33))
    gate.refresh_invitations(office)
    html = text(page(client, made))
    assert "Undangan masuk Anda sudah lewat." in html
    assert "Tidak ada undangan lagi. Silakan datang ke pintu masuk" in html
    assert "diundang sekali lagi" not in html
    assert ticket_state(made.token)["lapsed"] == "door"


# --- after the door's last invitation of the day -------------------------------------------------


def test_after_the_last_invitation_a_citizen_outside_is_told_and_offered_another_day(
    client, office, clock, staff
):
    office.capacity = 1
    office.save(update_fields=["capacity"])
    inside, outside = book(office, 1), book(office, 2)
    enter(office, inside, staff["satpam"])

    clock.move_to(wita(MONDAY, 14, 20))  # invitations stop at 14.30 (closing 15.00, less 30 minutes)
    html = text(page(client, outside))
    assert "Hari ini Anda tidak akan diundang masuk." not in html
    assert "Perkiraan dipanggil" in html
    state = ticket_state(outside.token)
    assert state["not_today"] is False
    assert dt.datetime.fromisoformat(state["invitations_end_at"]) == wita(MONDAY, 14, 30)

    clock.move_to(wita(MONDAY, 14, 31))
    raw = page(client, outside)
    html = text(raw)
    assert "Hari ini Anda tidak akan diundang masuk." in html
    assert 'href="/k/tabanan/layanan/KTP/"' in raw  # to book another day
    assert "Perkiraan dipanggil" not in html and "Urutan" not in html
    assert 'http-equiv="refresh"' not in raw
    state = ticket_state(outside.token)
    assert state["not_today"] is True
    assert state["estimated_call_at"] is None and state["position"] is None

    # The citizen inside is still served today: not told so.
    assert "tidak akan diundang" not in text(page(client, inside))


# --- a no-show --------------------------------------------------------------------------------


def test_a_no_show_is_told_to_come_to_the_counter_once(client, gate_off, clock, staff):
    ticket = book(gate_off, 1)
    counter = Counter.objects.get(office=gate_off, number=1)

    def miss():
        assert calling.call_next(counter=counter, officer=staff["petugas"]) == ticket
        calling.mark_no_show(token=ticket.token, officer=staff["petugas"])

    miss()
    html = text(page(client, ticket))
    assert "Tidak hadir" in html
    assert "datanglah ke loket" in html and "ke antrean lagi, satu kali" in html
    assert "Nomor antrean ini sudah tidak berlaku." not in html
    assert ticket_state(ticket.token)["may_rejoin"] is True

    calling.recall_ticket(token=ticket.token, officer=staff["petugas"])  # back in the queue
    miss()
    html = text(page(client, ticket))
    assert "datanglah ke loket" not in html  # only once
    assert "Nomor antrean ini sudah tidak berlaku." in html


# --- the door's hint --------------------------------------------------------------------------


def test_the_door_hint_is_shown_only_until_the_citizen_is_inside(client, office, clock, staff):
    ticket = book(office, 1)
    assert DOOR_HINT in text(page(client, ticket))
    assert ticket_state(ticket.token)["door_hint"] is True

    enter(office, ticket, staff["satpam"])
    assert DOOR_HINT not in text(page(client, ticket))
    assert ticket_state(ticket.token)["door_hint"] is False

    calling.call_next(counter=Counter.objects.get(office=office, number=1), officer=staff["petugas"])
    assert DOOR_HINT not in text(page(client, ticket))


@pytest.mark.parametrize("status", ["waiting_inside", "called", "serving"])
def test_no_door_hint_for_a_citizen_inside(client, office, clock, status):
    ticket = book(office, 1)
    ticket.status = status
    ticket.arrived_at = wita(MONDAY, 9)
    ticket.save(update_fields=["status", "arrived_at"])
    assert DOOR_HINT not in text(page(client, ticket))
