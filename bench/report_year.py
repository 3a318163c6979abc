"""The head of office's figures on a year of one busy office: how long the pages and `stats` take.

    .venv/bin/python bench/report_year.py                       # SQLite, in a throwaway data dir
    .venv/bin/python bench/report_year.py --database-url postgres://postgres@127.0.0.1:5432/postgres

It seeds the demo office with a year of tickets (150,000 by default, over the working days of the
365 days before today: served, no-shows, cancelled, turned away, expired; seven services, four
counters, four channels, NIKs from ten kecamatan), then times, through the HTTP layer as a browser
or a script would meet them: the head of office's page for today, `GET …/stats` for a month and for
the year, and the summary page for the month. Each is asked five times; the median and the slowest
are printed. The year is also timed the old way, as the baseline in the same run: with no closed day
kept (antre.reports.rollup), every ticket read again; and the worker's keeping of the year, once. On PostgreSQL a throwaway database is created next to the one named and dropped after.
Nothing leaves this machine.
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

CHANNELS = (("web", 0.55), ("whatsapp", 0.2), ("kiosk", 0.15), ("walk_in", 0.1))
ENDS = (("done", 0.85), ("no_show", 0.05), ("cancelled", 0.04), ("turned_away", 0.02), ("expired", 0.04))


def setup(data: Path, database_url: str | None) -> None:
    os.environ.update({"ANTRE_DATA_DIR": str(data), "ANTRE_SECRET_KEY": "bench", "ANTRE_RATELIMIT": "off",
                       "DJANGO_SETTINGS_MODULE": "antre.settings", "ANTRE_ALLOWED_HOSTS": "testserver"})  # fmt: skip
    if database_url:
        os.environ["ANTRE_DATABASE_URL"] = database_url
    import django  # lazy: the data directory must be set before Django reads its settings

    django.setup()
    from django.core.management import call_command  # lazy: after django.setup()

    call_command("migrate", interactive=False, verbosity=0)


def seed(tickets: int, today: dt.date, rng: random.Random, data: Path):
    from antre.offices.models import Counter  # lazy: after setup()
    from antre.queueing.models import Ticket  # lazy: after setup()
    from antre.seed import create_demo_users, seed_demo_office  # lazy: after setup()

    office = seed_demo_office(today)
    create_demo_users(office, data / "demo-credentials.txt")
    services = [s for s in office.services.all() if s.mode != "online"]
    counters = {s.pk: [c for c in Counter.objects.filter(office=office, services=s)] for s in services}
    days = [today - dt.timedelta(days=d) for d in range(365, -1, -1)]
    days = [d for d in days if d.weekday() < 5]
    per_day = tickets // len(days)
    batch = []
    for day in days:
        opens = dt.datetime.combine(day, dt.time(8), tzinfo=office.tzinfo)
        for seq in range(1, per_day + 1):
            batch.append(_ticket(Ticket, office, rng.choice(services), counters, day, seq, opens, rng, today))
        if len(batch) >= 20000:
            Ticket.objects.bulk_create(batch, batch_size=5000)
            batch = []
    Ticket.objects.bulk_create(batch, batch_size=5000)
    return office, per_day * len(days)


def _ticket(Ticket, office, service, counters, day, seq, opens, rng, today):  # noqa: N803 (the model)
    channel = rng.choices([c for c, _ in CHANNELS], [w for _, w in CHANNELS])[0]
    status = rng.choices([s for s, _ in ENDS], [w for _, w in ENDS])[0] if day < today else "done"
    arrived = opens + dt.timedelta(minutes=rng.uniform(-20, 360))
    called = arrived + dt.timedelta(minutes=rng.expovariate(1 / 25))
    started = called + dt.timedelta(seconds=20)
    finished = started + dt.timedelta(minutes=rng.lognormvariate(2.1, 0.5))
    kecamatan = rng.randint(1, 10)
    ticket = Ticket(
        office=office, service=service, day=day, seq=seq, number=f"{service.prefix}-{seq:03d}", name="Warga Uji",
        nik=f"5102{kecamatan:02d}0101900{seq % 1000:03d}"[:16], channel=channel, status=status,
        issued_at=opens - dt.timedelta(days=1), queued_at=opens - dt.timedelta(days=1),
    )  # fmt: skip
    if status in ("done", "no_show"):
        ticket.arrived_at, ticket.called_at = arrived, called
        ticket.counter = rng.choice(counters[service.pk]) if counters[service.pk] else None
    if status == "done":
        ticket.started_at, ticket.finished_at = started, finished
    if status == "cancelled":
        ticket.finished_at = opens - dt.timedelta(hours=2)
    return ticket


def timed(client, url: str, headers: dict | None = None, runs: int = 5) -> tuple[float, float]:
    spent = []
    for _ in range(runs):
        started = time.perf_counter()
        answer = client.get(url, headers=headers or {})
        spent.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, (url, answer.status_code)  # noqa: S101 (a bench that measured an error is wrong)
    return statistics.median(spent), max(spent)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=150_000)
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
    from django.test import Client  # lazy: after setup()

    from antre.people.models import ApiToken, User  # lazy: after setup()

    today = dt.date.today()
    started = time.monotonic()
    office, stored = seed(args.tickets, today, random.Random(1), data)
    print(
        f"{stored} tickets seeded in {time.monotonic() - started:.0f} s ({'PostgreSQL' if url else 'SQLite'})"
    )
    kepala = User.objects.get(username="kepala")
    token = {"Authorization": f"Token {ApiToken.for_user(kepala).key}"}
    browser = Client()
    browser.force_login(kepala)
    api = Client()
    month, year = today - dt.timedelta(days=30), today - dt.timedelta(days=365)
    year_url = f"/api/v1/offices/tabanan/stats?from={year}&to={today}"
    rows = [
        (
            "stats, a year, every day counted from its tickets (nothing kept yet)",
            _unkept(api, year_url, token),
        ),
        ("the worker keeping the year's closed days (once, the first night)", _keeping()),
        ("today's page (/kepala/tabanan/)", timed(browser, "/kepala/tabanan/")),
        ("stats, a month", timed(api, f"/api/v1/offices/tabanan/stats?from={month}&to={today}", token)),
        ("stats, a year (closed days kept, today from its tickets)", timed(api, year_url, token)),
        ("summary page, a month", timed(browser, f"/kepala/tabanan/rekap/?from={month}&to={today}")),
    ]
    print("| what | median (ms) | slowest (ms) |\n|---|---:|---:|")
    for what, (median, slowest) in rows:
        print(f"| {what} | {median:.0f} | {slowest:.0f} |")
    return 0


def _unkept(client, url: str, headers: dict, runs: int = 3) -> tuple[float, float]:
    """The baseline: each run first forgets what was kept, so every day is read from its tickets."""
    from antre.reports.models import DayFigures  # lazy: after setup()

    spent = []
    for _ in range(runs):
        DayFigures.objects.all().delete()
        spent.append(timed(client, url, headers, runs=1)[0])
    DayFigures.objects.all().delete()
    return statistics.median(spent), max(spent)


def _keeping() -> tuple[float, float]:
    from antre import worker  # lazy: after setup()

    started = time.perf_counter()
    worker.keep_report_days()
    spent = (time.perf_counter() - started) * 1000
    return spent, spent


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
