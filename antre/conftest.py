"""Shared fixtures: the demo office and named people (see STYLE.md: personas, not 'user1')."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

WITA = ZoneInfo("Asia/Makassar")


def an_ordinary_week(after: dt.date) -> dt.date:
    """The Monday of the first week after `after` in which Monday to Friday and the Monday after are
    working days (no national holiday): the week the tests live in.

    Tests pin their clock inside it (time-machine), so they pass on whatever day they run: the week
    is always ahead of the real day, and never one that a holiday would close.
    """
    import contextlib

    import lokal.holidays

    holidays: set[dt.date] = set()
    for year in (after.year, after.year + 1):
        with contextlib.suppress(KeyError, ValueError):  # not decreed yet: no holiday known
            holidays |= {dt.date.fromisoformat(h.date) for h in lokal.holidays.get_holidays(year).holidays}
    monday = after + dt.timedelta(days=7 - after.weekday())
    while any(monday + dt.timedelta(days=d) in holidays for d in (0, 1, 2, 3, 4, 7)):
        monday += dt.timedelta(days=7)
    return monday


# A Monday in WITA a week or more after the real day, mid-morning: the office is open and numbering
# for the day has begun. The other days of that week, for tests that need them.
MONDAY = an_ordinary_week(dt.datetime.now(WITA).date() + dt.timedelta(days=7))
TUESDAY, WEDNESDAY, FRIDAY, SATURDAY = (MONDAY + dt.timedelta(days=d) for d in (1, 2, 4, 5))
NEXT_MONDAY = MONDAY + dt.timedelta(days=7)
MONDAY_MORNING = dt.datetime.combine(MONDAY, dt.time(9, 0), tzinfo=WITA)


DAYS_ID = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS_ID = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip


def tanggal(day: dt.date) -> str:
    """A day as Indonesian pages write it ("Senin, 7 Desember 2026"), spelled out here by hand."""
    return f"{DAYS_ID[day.weekday()]}, {day.day} {MONTHS_ID[day.month - 1]} {day.year}"


def wita(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """An instant on the office's wall clock."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=WITA)


def at(minutes: float = 0, *, day: dt.date = MONDAY) -> dt.datetime:
    """`minutes` after the demo office opens (08.00 WITA) on `day` of the test week: the `now=` of a
    test that walks through a morning minute by minute, one clock for every test file."""
    return wita(day, 8) + dt.timedelta(minutes=minutes)


# Valid NIKs from Tabanan (51.02.xx): birth date, +40 for women, serial not 0000.
NIK_KETUT = "5102011203850001"  # I Ketut Arsana, man, born 12-03-1985
NIK_MADE = "5102054507900002"  # Ni Made Sari Dewi, woman, born 05-07-1990
NIK_WAYAN = "5102080101600003"  # I Wayan Lansia, born 01-01-1960


@dataclass(frozen=True)
class Citizen:
    """Who books, when a test needs a particular person rather than one of a crowd."""

    name: str
    nik: str


KETUT = Citizen("I Ketut Arsana", NIK_KETUT)
MADE = Citizen("Ni Made Sari Dewi", NIK_MADE)
WAYAN = Citizen("I Wayan Lansia", NIK_WAYAN)


def nik_for(i: int) -> str:
    """A distinct, structurally valid NIK for the i-th citizen of a crowd (serial 0001-9999)."""
    return f"51020501019{(i // 9999) % 10}{i % 9999 + 1:04d}"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, dropped only once every other session on it has ended.

    Server processes stopped by a test, and threads that closed their connections, leave sessions
    that PostgreSQL ends a moment later; dropping the database in that moment fails ("being
    accessed by other users").
    """
    yield
    import time

    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            return
        for _ in range(200):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT COUNT(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                if cursor.fetchone()[0] == 0:
                    break
            time.sleep(0.05)
        connection.close()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # PBKDF2's deliberate slowness protects real passwords; test personas only need to log in.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    # Tests book many tickets from one address; the limiter has tests of its own that switch it on.
    settings.RATELIMIT_ENABLED = False
    from antre import ratelimit

    if not ratelimit.shared():  # PostgreSQL's counts go with each test's transaction
        ratelimit.reset()


@pytest.fixture
def rate_limited(settings, tmp_path):
    """The limiter on, as in production, with a counter file of this test's own (tests running in
    parallel reset theirs), and a clock that stays in one counting window while the test runs."""
    import time
    import types
    from unittest import mock

    from antre import ratelimit

    settings.RATELIMIT_ENABLED = True
    settings.DATA_DIR = tmp_path
    started = time.time()
    window_start = started - started % 60
    clock = types.SimpleNamespace(
        time=lambda: window_start + 1 + (time.time() - started), monotonic=time.monotonic
    )
    with mock.patch.object(ratelimit, "time", clock):
        yield


@pytest.fixture
def clock():
    """The clock moved to Monday morning of the test week; `clock.move_to(instant)` moves it on.

    It keeps ticking from there: waits and deadlines in the code under test go on working.
    """
    import time_machine

    with time_machine.travel(MONDAY_MORNING, tick=True) as traveller:
        yield traveller


@pytest.fixture
def office(db):
    from antre.seed import seed_demo_office

    return seed_demo_office(today=MONDAY)


@pytest.fixture
def monday(clock):
    """Monday morning of the test week, with the clock there too."""
    return MONDAY_MORNING


@pytest.fixture
def staff(office):
    """One user per role at the demo office, by the names the demo seed uses."""
    from antre.people.models import Role
    from antre.people.tests.factories import officer

    return {
        username: officer(role, office, username=username)
        for username, role in [
            ("admin", Role.ADMIN),
            ("petugas", Role.PETUGAS_LOKET),
            ("satpam", Role.PETUGAS_PINTU),
            ("verifikator", Role.VERIFIKATOR),
            ("kepala", Role.KEPALA),
        ]
    }


def clear_of_midnight(tz=WITA, margin: dt.timedelta = dt.timedelta(minutes=2)) -> None:
    """Wait, if the office's midnight is less than `margin` away, until it has passed.

    For tests on the real clock (a server in a subprocess cannot share a pinned one): a ticket
    booked for today must still be today's when the test calls it, whenever the suite runs.
    """
    import time

    now = dt.datetime.now(tz)
    midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    if midnight - now < margin:
        time.sleep((midnight - now).total_seconds() + 1)


@pytest.fixture
def open_all_day(office):
    """The demo office, open every day around the clock: for tests that run a real server on real
    time. Such a test never starts in the last minutes of the office's day."""
    from antre.offices.models import OpeningHours

    clear_of_midnight()

    for weekday in range(7):
        OpeningHours.objects.update_or_create(
            office=office, weekday=weekday, defaults={"opens": dt.time(0, 0), "closes": dt.time(23, 59, 59)}
        )
    office.closed_days.all().delete()
    office.sessions.all().delete()  # sessions of office hours would end booking for the day at 15.00
    office.last_invitation_minutes_before_closing = 0  # the door "closes" at 23:59:59
    office.save(update_fields=["last_invitation_minutes_before_closing"])
    return office


@pytest.fixture
def gate_off(office):
    """The office without a door check (SPEC §5): today's booked tickets are called directly."""
    office.gate_enabled = False
    office.save(update_fields=["gate_enabled"])
    return office


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    # Tests change hours and services with queryset updates, which send no signals; and each test's
    # office has the same id, so a kept projection or model must not outlive its test.
    from antre.offices.calendar import clear
    from antre.queueing import arrivals, forecasting
    from antre.whatsapp.receivers import forget_numbers

    for kept in (clear, forecasting.clear, arrivals.clear, forget_numbers):
        kept()
    yield
    for kept in (clear, forecasting.clear, arrivals.clear, forget_numbers):
        kept()


@pytest.fixture
def browser():
    """Debian's Chromium, driven by Playwright (no browser download at run time)."""
    import os

    from antre.browser import CHROMIUM_ARGS, chromium_path

    path = chromium_path()
    if path is None:
        pytest.fail("chromium is not installed; `make test` installs Debian's chromium package")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures here
    # are plain synchronous ones, so Django's async-safety guard does not apply to them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    # Under scripts/test_at.py (the machine's clock moved by libfaketime) Chromium and Playwright's
    # driver hang, so they keep the real clock; pages show only times the server gives them.
    moved_clock = os.environ.pop("LD_PRELOAD", None)
    try:
        with sync_playwright() as pw:
            if moved_clock:
                os.environ["LD_PRELOAD"] = moved_clock  # for the test servers started from here on
            browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if moved_clock:
            os.environ["LD_PRELOAD"] = moved_clock
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def session_cookie(user, url: str) -> dict:
    """A logged-in session for the browser (the login form itself is tested in test_console)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": url,
    }
