"""The head of office's figures on a year of one busy office: how long the pages and `stats` take.

    .venv/bin/python bench/report_year.py                       # SQLite, in a throwaway data dir
    .venv/bin/python bench/report_year.py --database-url postgres://postgres@127.0.0.1:5432/postgres

It seeds the demo office with a year before today (antre.clock's, in the office's timezone):
150,000 tickets by default (bench/_year_seed.py), over the working days of the 365 days before
today: served, no-shows, cancelled, turned away, expired; seven services, four counters, four
channels, NIKs from ten kecamatan, a fifth of the web and WhatsApp bookings carrying a village's,
a kecamatan's or a short link's source tag. 20,000 online applications sent at any hour of the
year, each with its status history as the workflow writes it, cut at now: most done, some
rejected, the last days' still open in every status, a few stalled past their service-level date;
the desa from the form, a quarter with a source tag. 10,000 survey answers (bench/_year_survey.py),
each for a visit served or an application done, on the day it ended, a few with a suggestion.

Then it times, through the HTTP layer as a browser or a script would meet them: the head of office's
page for today (with the applications' backlog), `GET …/stats` for a month and for the year, the
summary page for the month, the SKM report for the year with its XLSX and PDF, the villages page
for the year, and the monthly PDF report for last month once `reports:monthly` exists. Each is
asked five times; the median and the slowest are printed, with the SQL statements one asking
makes. The year is also timed the old way, as the baseline in the same run: with no closed day
kept (antre.reports.rollup), every ticket read again; and the worker's keeping of the year, once.
On PostgreSQL a throwaway database is created next to the one named and dropped after. Nothing
leaves this machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
Row = tuple[float, float, int | None]  # median and slowest (ms), SQL statements of one asking


def setup(data: Path, database_url: str | None) -> None:
    os.environ.update({"ANTRE_DATA_DIR": str(data), "ANTRE_SECRET_KEY": "bench", "ANTRE_RATELIMIT": "off",
                       "DJANGO_SETTINGS_MODULE": "antre.settings", "ANTRE_ALLOWED_HOSTS": "testserver"})  # fmt: skip
    if database_url:
        os.environ["ANTRE_DATABASE_URL"] = database_url
    import django  # lazy: the data directory must be set before Django reads its settings

    django.setup()
    from django.core.management import call_command  # lazy: after django.setup()

    call_command("migrate", interactive=False, verbosity=0)


def timed(client, url: str, headers: dict | None = None, runs: int = 5, count: bool = True) -> Row:
    """Median and slowest of `runs` askings, and (`count`) the SQL statements of one more, counted
    apart: the counting itself costs time."""
    from django.db import connection  # lazy: after setup()
    from django.test.utils import CaptureQueriesContext  # lazy: after setup()

    spent = []
    for _ in range(runs):
        started = time.perf_counter()
        answer = client.get(url, headers=headers or {})
        spent.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, (url, answer.status_code)  # noqa: S101 (a bench that measured an error is wrong)
    if not count:
        return statistics.median(spent), max(spent), None
    with CaptureQueriesContext(connection) as statements:
        client.get(url, headers=headers or {})
    return statistics.median(spent), max(spent), len(statements)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=150_000)
    parser.add_argument("--applications", type=int, default=20_000)
    parser.add_argument("--answers", type=int, default=10_000, help="survey answers")
    parser.add_argument(
        "--database-url", help="a PostgreSQL server's URL; a throwaway database is made on it"
    )
    args = parser.parse_args()
    url = _throwaway(args.database_url) if args.database_url else None
    data = Path(tempfile.mkdtemp(prefix="antre-report-year-"))
    try:
        return _run(args, data, url)
    finally:
        if url:
            _drop(args.database_url)


def _run(args, data: Path, url: str | None) -> int:
    setup(data, url)
    import _year_seed as seeding  # lazy: it imports the models, after setup()
    import _year_survey as survey  # lazy: it imports the models, after setup()
    from django.utils import timezone  # lazy: after setup()

    from antre import clock  # lazy: after setup()

    now, rng, started = clock.now(), random.Random(1), time.monotonic()
    office, reach = seeding.seed_office(timezone.localdate(now), data, rng)
    today = office.local_today(now)
    tickets = seeding.seed_tickets(office, args.tickets, today, rng, reach)
    done = seeding.seed_applications(office, args.applications, now, rng, reach)
    answers = survey.seed_answers(office, args.answers, done, rng)
    print(
        f"{tickets} tickets, {args.applications} applications ({len(done)} done), {answers} survey"
        f" answers seeded in {time.monotonic() - started:.0f} s ({'PostgreSQL' if url else 'SQLite'})"
    )
    _seeded(office, today)
    print("| what | median (ms) | slowest (ms) | SQL statements |\n|---|---:|---:|---:|")
    for what, row in _measure(today):
        if row is None:
            print(f"| {what} | not built yet | | |")
        else:
            median, slowest, statements = row
            print(f"| {what} | {median:.0f} | {slowest:.0f} | {'' if statements is None else statements} |")
    return 0


def _seeded(office, today: dt.date) -> None:
    """What the pages will find: the applications' backlog, and the villages the tags came from."""
    from antre import clock  # lazy: after setup()
    from antre.outreach.counts import reach  # lazy: after setup()
    from antre.reports.backlog import backlog  # lazy: after setup()

    found = backlog(office, now=clock.now())
    open_now = ", ".join(f"{status} {n}" for status, _label, n in found.open_by_status)
    print(f"applications open: {open_now}; past their service-level date: {found.late}")
    districts = reach(office, today - dt.timedelta(days=365), today).districts
    villages = [village for district in districts for village in district.villages]
    print(
        f"desa whose tags brought something this year: {sum(not v.tally.none for v in villages)} of {len(villages)}"
    )


def _measure(today: dt.date) -> list[tuple[str, Row | None]]:
    from django.test import Client  # lazy: after setup()

    from antre.people.models import ApiToken, User  # lazy: after setup()

    kepala = User.objects.get(username="kepala")
    token = {"Authorization": f"Token {ApiToken.for_user(kepala).key}"}
    browser, api = Client(), Client()
    browser.force_login(kepala)
    month, year = today - dt.timedelta(days=30), today - dt.timedelta(days=365)
    year_url = f"/api/v1/offices/tabanan/stats?from={year}&to={today}"
    skm = f"/kepala/tabanan/skm/?from={year}&to={today}"
    return [
        (
            "stats, a year, every day counted from its tickets (nothing kept yet)",
            _unkept(api, year_url, token),
        ),
        ("the worker keeping the year's closed days (once, the first night)", _keeping()),
        ("today's page (/kepala/tabanan/)", timed(browser, "/kepala/tabanan/")),
        ("stats, a month", timed(api, f"/api/v1/offices/tabanan/stats?from={month}&to={today}", token)),
        ("stats, a year (closed days kept, today from its tickets)", timed(api, year_url, token)),
        ("summary page, a month", timed(browser, f"/kepala/tabanan/rekap/?from={month}&to={today}")),
        ("SKM report page, a year", timed(browser, skm)),
        ("SKM report XLSX, a year", timed(browser, skm + "&format=xlsx")),
        ("SKM report PDF, a year", timed(browser, skm + "&format=pdf")),
        ("villages page, a year", timed(browser, f"/kepala/tabanan/desa/?from={year}&to={today}")),
        ("monthly PDF report, last month", _monthly(browser, today)),
    ]


def _monthly(browser, today: dt.date) -> Row | None:
    """The monthly PDF for last month, or None while `reports:monthly` is not built."""
    from django.urls import NoReverseMatch, reverse  # lazy: after setup()

    try:
        path = reverse("reports:monthly", kwargs={"office": "tabanan"})
    except NoReverseMatch:
        return None
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    return timed(browser, f"{path}?month={last_month:%Y-%m}")


def _unkept(client, url: str, headers: dict, runs: int = 3) -> Row:
    """The baseline: each run first forgets what was kept, so every day is read from its tickets."""
    from antre.reports.models import DayFigures  # lazy: after setup()

    spent = []
    for _ in range(runs):
        DayFigures.objects.all().delete()
        spent.append(timed(client, url, headers, runs=1, count=False)[0])
    DayFigures.objects.all().delete()
    return statistics.median(spent), max(spent), None


def _keeping() -> Row:
    from antre import worker  # lazy: after setup()

    started = time.perf_counter()
    worker.keep_report_days()
    spent = (time.perf_counter() - started) * 1000
    return spent, spent, None


def _throwaway(base: str) -> str:
    import psycopg  # lazy: only for PostgreSQL

    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS antre_bench_report_year")
        conn.execute("CREATE DATABASE antre_bench_report_year")
    return base.rsplit("/", 1)[0] + "/antre_bench_report_year"


def _drop(base: str) -> None:
    import psycopg  # lazy: only for PostgreSQL
    from django.db import connections  # lazy: after setup()

    connections.close_all()
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS antre_bench_report_year")


if __name__ == "__main__":
    raise SystemExit(main())
