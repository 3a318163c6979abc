"""Citizens see when the office serves before they set out: the week, today, the next closed day, and
the administrator's notice of an unplanned closure."""

import datetime as dt
import re

import pytest

from antre.conftest import FRIDAY, MONDAY, SATURDAY, TUESDAY, tanggal, wita
from antre.offices.models import ClosedDay, OpeningHours

PAGES = ["/k/tabanan/", "/k/tabanan/layanan/CAPIL/"]


def text(html: str) -> str:
    """The page as a person reads it: tags dropped, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def week(office):
    """The demo office, with a lunch break on Monday to Thursday and a closed day on the Wednesday."""
    OpeningHours.objects.filter(office=office, weekday__lt=4).update(
        break_starts=dt.time(12), break_ends=dt.time(13)
    )
    ClosedDay.objects.filter(office=office).delete()
    ClosedDay.objects.create(office=office, date=MONDAY + dt.timedelta(days=2), reason="Cuti bersama")
    return office


@pytest.mark.parametrize("page", PAGES)
def test_the_week_and_todays_hours(client, week, clock, page):
    clock.move_to(wita(MONDAY, 9))
    html = text(client.get(page).content.decode())
    assert "Hari ini buka pukul 08.00–15.00 WITA. Istirahat 12.00–13.00." in html
    assert "Senin–Kamis 08.00–15.00 istirahat 12.00–13.00" in html
    assert "Jumat 08.00–11.30" in html  # Friday closes early
    assert "Sabtu–Minggu Tutup" in html
    wednesday = MONDAY + dt.timedelta(days=2)
    assert f"Libur berikutnya: {tanggal(wednesday)} — Cuti bersama." in html


def test_after_closing_it_says_when_it_opens_again(client, week, clock):
    clock.move_to(wita(FRIDAY, 12))
    html = text(client.get("/k/tabanan/").content.decode())
    assert "Hari ini layanan sudah tutup." in html
    assert f"Buka lagi {tanggal(FRIDAY + dt.timedelta(days=3)).rsplit(' ', 1)[0]} pukul 08.00 WITA." in html


def test_on_a_closed_day_it_says_why(client, week, clock):
    clock.move_to(wita(MONDAY + dt.timedelta(days=2), 9))
    html = text(client.get("/k/tabanan/").content.decode())
    assert "Hari ini kantor tutup: Cuti bersama." in html
    assert f"Buka lagi {tanggal(MONDAY + dt.timedelta(days=3)).rsplit(' ', 1)[0]} pukul 08.00 WITA." in html


def test_on_a_weekend(client, week, clock):
    clock.move_to(wita(SATURDAY, 10))
    html = text(client.get("/k/tabanan/layanan/CAPIL/").content.decode())
    assert "Hari ini kantor tutup." in html


@pytest.mark.parametrize("page", PAGES)
def test_the_admins_notice_stands_until_its_last_day(client, office, clock, page):
    office.notice = "Hari ini layanan tutup pukul 12.00 karena pemadaman listrik."
    office.notice_until = MONDAY
    office.save()
    clock.move_to(wita(MONDAY, 9))
    html = client.get(page).content.decode()
    notice = re.search(r'id="office-notice">(.*?)</div>', html, re.S)
    assert notice and "karena pemadaman listrik" in notice.group(1)
    clock.move_to(wita(TUESDAY, 9))
    assert 'id="office-notice"' not in client.get(page).content.decode()


def test_in_english(client, week, clock, settings):
    clock.move_to(wita(MONDAY, 9))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = text(client.get("/k/tabanan/").content.decode())
    assert "Open today 08.00–15.00 WITA. Break 12.00–13.00." in html
    assert "Monday–Thursday" in html and "Closed" in html
