"""The head of office and the administrator sign in and land on their own pages, in a real Chromium."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from antre.browser import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, url: str, username: str) -> None:
    page.goto(url + "/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", "rahasia-123")
    page.get_by_role("button", name="Masuk").click()


def test_kepala_lands_on_todays_queue_on_a_pc_and_a_phone(browser, live_server, staff, a_busy_morning):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pc = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    sign_in(pc, live_server.url, "kepala")
    pc.wait_for_url("**/kepala/tabanan/")
    assert pc.locator("#fig-served strong").inner_text() == "1"
    assert pc.locator("#fig-inside strong").inner_text() == "3/13"
    pc.screenshot(path=SCREENSHOTS / "20-kepala-today-desktop.png", full_page=True)

    phone = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2).new_page()
    sign_in(phone, live_server.url, "kepala")
    phone.wait_for_url("**/kepala/tabanan/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    # Every counter's line fits the phone, its last figure too, with its column's name beside it
    # (four columns side by side were cut off at the right edge).
    for cell in phone.locator("#counters td").all():
        box = cell.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    average = phone.locator('#counters tr[data-counter="1"] td.num')
    assert average.evaluate("cell => getComputedStyle(cell, '::before').content") == '"Dilayani rata-rata"'
    phone.screenshot(path=SCREENSHOTS / "21-kepala-today-phone.png", full_page=True)

    # The counter console is not theirs; the refusal says which page is.
    phone.goto(live_server.url + "/loket/")
    phone.get_by_role("link", name="Antrean hari ini").wait_for()
    phone.screenshot(path=SCREENSHOTS / "22-refused-page-points-home-phone.png")
    phone.get_by_role("link", name="Antrean hari ini").click()
    phone.wait_for_url("**/kepala/tabanan/")


def test_the_administrator_lands_on_the_staff_home(browser, live_server, staff):
    pc = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    sign_in(pc, live_server.url, "admin")
    pc.wait_for_url("**/staf/")
    pc.get_by_role("link", name="Pintu masuk").click()
    pc.wait_for_url("**/pintu/tabanan/")
    pc.go_back()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pc.screenshot(path=SCREENSHOTS / "23-staff-home-desktop.png", full_page=True)


def test_kepala_reads_the_summary_of_a_day_on_a_pc_and_a_phone(browser, live_server, office, staff, clock):
    from antre.conftest import MONDAY, TUESDAY, wita
    from antre.reports.tests.test_stats import seed

    seed(office, staff["petugas"])
    clock.move_to(wita(TUESDAY, 10))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, viewport in (
        ("desktop", {"width": 1280, "height": 800}),
        ("phone", {"width": 360, "height": 740}),
    ):
        page = browser.new_context(viewport=viewport).new_page()
        sign_in(page, live_server.url, "kepala")
        page.wait_for_url("**/kepala/tabanan/")
        page.get_by_role("link", name="Rekap kinerja").click()
        page.fill("input[name=from]", MONDAY.isoformat())
        page.fill("input[name=to]", MONDAY.isoformat())
        page.get_by_role("button", name="Tampilkan").click()
        page.wait_for_url(f"**/rekap/?from={MONDAY}&to={MONDAY}&per=day")
        assert page.locator("#sum-booked strong").inner_text() == "7"
        assert page.locator("#sum-wait-p90 strong").inner_text() == "40,0"
        assert page.locator("#by-kecamatan tr[data-code='51.02.02'] td").nth(1).inner_text() == "1"
        if name == "phone":  # the page itself never scrolls sideways; a wide table scrolls in its card
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.screenshot(path=SCREENSHOTS / f"24-kepala-summary-{name}.png", full_page=True)


def a_few_weeks(office, until: dt.date) -> int:
    """Three weeks of open days before `until`, four to nine tickets a day (one no-show each), waits
    of 3 to 50 minutes: the history the charts draw. How many days had tickets."""
    from antre.conftest import wita
    from antre.errors import Refusal
    from antre.offices.models import Counter
    from antre.queueing.models import Status, Ticket
    from antre.queueing.tests.factories import book

    rng, counter, days, who = random.Random(3), Counter.objects.get(office=office, number=1), 0, 100
    for back in range(21, 0, -1):
        day = until - dt.timedelta(days=back)
        try:
            tickets = [book(office, who + k, day=day, now=wita(day, 7)) for k in range(rng.randint(4, 9))]
        except Refusal:  # a closed day
            continue
        who, days = who + len(tickets), days + 1
        for k, ticket in enumerate(tickets):
            arrived = wita(day, 8, rng.randint(0, 50))
            called = arrived + dt.timedelta(minutes=rng.randint(3, 50))
            done = k > 0
            Ticket.objects.filter(pk=ticket.pk).update(
                status=Status.DONE if done else Status.NO_SHOW, arrived_at=arrived, called_at=called,
                started_at=called if done else None, finished_at=called + dt.timedelta(minutes=8) if done else None,
                counter=counter,
            )  # fmt: skip
    return days


def test_kepala_reads_three_weeks_at_a_glance_in_charts(browser, live_server, office, staff, clock):
    from antre.conftest import MONDAY, wita

    days = a_few_weeks(office, MONDAY)
    clock.move_to(wita(MONDAY, 10))
    first = MONDAY - dt.timedelta(days=21)
    for name, viewport in (
        ("desktop", {"width": 1280, "height": 800}),
        ("phone", {"width": 360, "height": 740}),
    ):
        page = browser.new_context(viewport=viewport).new_page()
        sign_in(page, live_server.url, "kepala")
        page.wait_for_url("**/kepala/tabanan/")
        page.goto(f"{live_server.url}/kepala/tabanan/rekap/?from={first}&to={MONDAY}&per=day")
        charts = page.locator("#charts svg.chart")
        assert charts.count() == 2
        assert charts.nth(0).locator("rect.served").count() == days  # a column for every day with tickets
        assert charts.nth(1).locator("line.target").count() == 1  # the office's 30 minutes across
        if name == "phone":
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.locator("#charts").screenshot(path=SCREENSHOTS / f"25-kepala-charts-{name}.png")


def test_kepala_takes_last_months_report_as_a_pdf(browser, live_server, office, staff, clock):
    import pypdfium2

    from antre.conftest import MONDAY, wita
    from antre.survey.tests.test_report import store
    from antre.survey.tests.test_rules import EIGHT

    a_few_weeks(office, MONDAY)
    store(office, EIGHT)
    office.agency_line, office.letter_city = "PEMERINTAH KABUPATEN TABANAN", "Tabanan"
    office.save()
    month = MONDAY.replace(day=1)
    clock.move_to(wita((month + dt.timedelta(days=32)).replace(day=3), 9))  # early the month after
    for name, viewport in (
        ("phone", {"width": 360, "height": 740}),
        ("desktop", {"width": 1280, "height": 800}),
    ):
        page = browser.new_context(viewport=viewport).new_page()
        sign_in(page, live_server.url, "kepala")
        page.wait_for_url("**/kepala/tabanan/")
        page.get_by_role("link", name="Laporan bulanan").click()
        page.wait_for_url("**/kepala/tabanan/laporan/")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        page.screenshot(path=SCREENSHOTS / f"26-monthly-report-page-{name}.png", full_page=True)
    link = page.locator(f'a[href="?month={month:%Y-%m}"]')  # opens in the browser's PDF viewer
    assert link.count() == 1
    answer = page.request.get(page.url + link.get_attribute("href"))
    assert answer.headers["content-type"] == "application/pdf"
    document = pypdfium2.PdfDocument(answer.body())
    first_page = document[0].get_textpage().get_text_range()
    assert "LAPORAN BULANAN" in first_page and "Nomor antrean per hari" in first_page
    for i in range(min(len(document), 3)):
        document[i].render(scale=2).to_pil().save(SCREENSHOTS / f"27-monthly-report-pdf-{i + 1}.png")
