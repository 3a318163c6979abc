"""Choosing a session on the booking form without JavaScript, and the session on the ticket page and
the printed slip."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from antre.conftest import MONDAY, NIK_KETUT, NIK_MADE, TUESDAY, tanggal
from antre.offices.models import Session, SessionQuota
from antre.queueing.models import Ticket

pytestmark = pytest.mark.usefixtures("monday")  # the clock on Monday morning (09.00) of the test week

FORM = "/k/tabanan/layanan/CAPIL/"


def submit(client, date: str, nik: str = NIK_MADE, **fields):
    data = {"date": date, "name": "Ni Made Sari Dewi", "nik": nik, "priority": "", "form_id": f"form-{nik}"}
    return client.post(FORM, data | fields)


def radio(page: str, value: str) -> str:
    """The radio button of `value` on the page ('' if there is none)."""
    found = re.search(rf'<input type="radio" name="date" value="{re.escape(value)}"[^>]*>', page)
    return found.group(0) if found else ""


def day_block(page: str, day: dt.date) -> str:
    return page.split(f'id="day-{day.isoformat()}"')[1].split("</fieldset>")[0]


def test_the_form_offers_each_days_sessions_with_their_places_left(client, office):
    page = client.get(FORM).content.decode()
    monday = day_block(page, MONDAY)
    assert tanggal(MONDAY).rsplit(" ", 1)[0] in monday and "sisa 40 tempat" in monday
    for label, left in (("Sesi 08.00–10.00", 15), ("Sesi 10.00–12.00", 15), ("Sesi 13.00–15.00", 10)):
        assert label in monday
        assert f"sisa {left} tempat" in monday
    # The first session with room is chosen; a day in sessions has no radio of its own.
    assert "checked" in radio(page, f"{MONDAY.isoformat()}T08:00")
    assert radio(page, MONDAY.isoformat()) == ""


def test_sessions_without_a_quota_of_their_own_do_not_repeat_the_days_places(client, office):
    """KTP has no quota per session: each session could take the whole day's places, so a count per
    session would repeat the day's ("sisa 45 tempat" three times, as if 135 were left)."""
    monday = day_block(client.get("/k/tabanan/layanan/KTP/").content.decode(), MONDAY)
    legend, sessions = monday.split("</legend>")
    assert re.search(r"sisa \d+ tempat", legend)
    assert "Sesi 08.00–10.00" in sessions and "Sesi 13.00–15.00" in sessions
    assert "tempat" not in sessions


def test_a_session_with_a_quota_for_one_service_counts_its_own_places(client, office):
    SessionQuota.objects.create(
        session=Session.objects.get(office=office, starts=dt.time(10), weekdays="0123"),
        service=office.services.get(code="KTP"),
        quota=12,
    )
    sessions = day_block(client.get("/k/tabanan/layanan/KTP/").content.decode(), MONDAY).split("</legend>")[1]
    assert sessions.count("tempat") == 1 and "sisa 12 tempat" in sessions


def test_choosing_a_session_books_it_and_the_pages_show_it(client, office):
    response = submit(client, f"{TUESDAY.isoformat()}T10:00")
    assert response.status_code == 302, response.content.decode()[:2000]
    ticket = Ticket.objects.get()
    assert (ticket.day, ticket.session.key) == (TUESDAY, "10:00")
    page = client.get(response.headers["Location"]).content.decode()
    assert 'id="ticket-session">10.00–12.00 WITA · Pagi II' in page
    slip = client.get(f"/tiket/{ticket.token}/cetak/").content.decode()
    assert "Sesi 10.00–12.00 WITA" in slip


def test_a_full_session_is_shown_full_and_refused_with_the_next(client, office):
    SessionQuota.objects.filter(session__starts=dt.time(8), service__code="CAPIL").update(quota=1)
    assert submit(client, f"{MONDAY.isoformat()}T08:00").status_code == 302
    page = client.get(FORM).content.decode()
    full = radio(page, f"{MONDAY.isoformat()}T08:00")
    assert "disabled" in full and "checked" not in full
    assert "checked" in radio(page, f"{MONDAY.isoformat()}T10:00")
    assert "penuh" in day_block(page, MONDAY)
    # A form sent from a page shown before it filled up:
    refused = submit(client, f"{MONDAY.isoformat()}T08:00", nik=NIK_KETUT)
    assert refused.status_code == 409
    page = refused.content.decode()
    assert "Sesi 08.00–10.00 sudah penuh. Sesi berikutnya yang masih ada tempat: 10.00–12.00." in page
    assert Ticket.objects.count() == 1


def test_a_plain_date_still_books_the_first_session_with_room(client, office):
    """What a page cached before sessions, or a script, sends: the day alone."""
    assert submit(client, MONDAY.isoformat()).status_code == 302
    assert Ticket.objects.get().session.key == "08:00"


def test_an_office_without_sessions_shows_plain_days(client, office):
    Session.objects.filter(office=office).delete()
    page = client.get(FORM).content.decode()
    assert "checked" in radio(page, MONDAY.isoformat())
    assert "Sesi 08.00" not in page
    assert submit(client, MONDAY.isoformat()).status_code == 302
    assert Ticket.objects.get().session is None


def test_the_later_days_fold_away_and_open_when_one_of_them_is_chosen(client, office):
    page = client.get(FORM).content.decode()
    first, folded = page.split('<details class="more-days">')
    assert f'id="day-{MONDAY.isoformat()}"' in first  # the next few days are open
    later = re.findall(r'name="date" value="([^"]+)"', folded)
    assert later and all(value[:10] > MONDAY.isoformat() for value in later)  # every later day is still there
    # Chosen among the folded days and refused (a wrong NIK): shown again with the fold open.
    again = submit(client, later[-1], nik="123").content.decode()
    assert '<details class="more-days" open>' in again and "checked" in radio(again, later[-1])
