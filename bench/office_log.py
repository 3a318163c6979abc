"""A simulated office's days written into Antre's own database, exported with `antre forecast
export`, and evaluated with `antre forecast evaluate`: the predictor on the log an office exports,
and the export checked row by row against what happened.

    .venv/bin/python bench/office_log.py --days 40 --seed 2

It builds a throwaway SQLite data directory with an office shaped like the simulator's (five
counters with overlapping services and staggered breaks, a door with a capacity), simulates the
days with Antre's come-at times, stores every ticket and every counter period as the running system
would have stored them, exports them and evaluates. Nothing leaves this machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STATUS = {"served": "done", "cancelled": "cancelled"}


def setup(data: Path) -> None:
    os.environ.update(
        {"ANTRE_DATA_DIR": str(data), "ANTRE_SECRET_KEY": "bench", "DJANGO_SETTINGS_MODULE": "antre.settings"}
    )
    import django  # lazy: the data directory must be set before Django reads its settings

    django.setup()
    from django.core.management import call_command  # lazy: after django.setup()

    call_command("migrate", interactive=False, verbosity=0)


def office_like(scenario):
    from antre.offices.models import Counter, Office, OpeningHours, Service  # lazy: after setup()

    office = Office.objects.create(
        slug="sim", name="Kantor simulasi", region_code="51.02", timezone="Asia/Makassar",
        capacity=scenario.capacity, gate_enabled=True,
    )  # fmt: skip
    for weekday in range(5):
        OpeningHours.objects.create(office=office, weekday=weekday, opens=dt.time(8), closes=dt.time(15))
    services = {
        mix.code: Service.objects.create(office=office, code=mix.code, name=mix.code, prefix=mix.code[:2],
                                         minutes_per_visit=round(mix.minutes))
        for mix in scenario.services
    }  # fmt: skip
    for desk in scenario.desks:
        counter = Counter.objects.create(office=office, number=int(desk.number))
        counter.services.set([services[code] for code in desk.services])
    return office, services


def status_of(v) -> str:
    if v.outcome.value in STATUS:
        return STATUS[v.outcome.value]
    return "no_show" if v.called_at else "expired"


def store(office, services, days) -> int:
    from antre.offices.models import Counter  # lazy: after setup()
    from antre.offices.shifts import CounterShift  # lazy: after setup()
    from antre.queueing.models import Ticket  # lazy: after setup()

    counters = {str(c.number): c for c in Counter.objects.filter(office=office)}
    tickets = []
    for day in days:
        for v in day.visits:
            left = v.finished_at if v.arrived_at and not v.called_at else None
            tickets.append(Ticket(
                office=office, service=services[v.service], day=dt.date.fromisoformat(v.ticket[:10]),
                seq=int(v.ticket.rsplit("-", 1)[1]), number=v.ticket[11:], name="Warga Simulasi",
                priority="elderly" if v.is_priority else "", is_priority=v.is_priority, channel=v.channel,
                status=status_of(v), issued_at=v.issued_at, queued_at=v.queued_at, come_at=v.come_at,
                counter=counters.get(v.counter), arrived_at=v.arrived_at, left_at=left, called_at=v.called_at,
                started_at=v.started_at, finished_at=v.finished_at,
            ))  # fmt: skip
        CounterShift.objects.bulk_create(
            CounterShift(counter=counters[s.counter], office=office, started_at=s.start, ended_at=s.end,
                         services="|".join(sorted(s.services)), closed_reason="close")
            for s in day.shifts
        )  # fmt: skip
    Ticket.objects.bulk_create(tickets, batch_size=2000)
    return len(tickets)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="antre-office-log-"))
    setup(data)
    from antre.cli import main as antre  # lazy: after setup()
    from antre.forecast import compare  # lazy: after setup()
    from antre.forecast.eventlog import read_events  # lazy: after setup()

    scenario = compare.variant("busy")
    _, days = compare.run_policy("come_at", scenario, days=args.days, warmup=args.warmup, seed=args.seed)
    office, services = office_like(scenario)
    stored = store(office, services, days)
    first, last = compare.office_days(1)[0], compare.office_days(args.days + args.warmup)[-1]
    events, staffing = data / "events.csv", data / "staffing.csv"
    with _clock_after(last):
        antre(["forecast", "export", "--from", str(first), "--to", str(last), "--events", str(events),
               "--staffing", str(staffing), "--office", "sim"])  # fmt: skip
    simulated = {v.ticket: v for d in days for v in d.visits}
    exported = read_events(events)
    same = sum(1 for v in exported if _same(v, simulated.get(v.ticket)))
    print(
        f"{stored} tickets stored; {len(exported)} exported, {same} identical to the simulation in every time"
    )
    started = time.monotonic()
    antre(["forecast", "evaluate", "--events", str(events), "--staffing", str(staffing)])
    print(f"(evaluated in {time.monotonic() - started:.0f} s; data in {data})")
    return 0


def _same(a, b) -> bool:
    fields = (
        "issued_at",
        "arrived_at",
        "called_at",
        "started_at",
        "finished_at",
        "come_at",
        "counter",
        "service",
    )
    return (
        b is not None
        and all(getattr(a, f) == getattr(b, f) for f in fields)
        and a.is_priority == b.is_priority
    )


def _clock_after(day: dt.date):
    """The export writes only what has happened: run it as of the morning after the last day."""
    import time_machine  # lazy: a dev dependency, for this bench only

    return time_machine.travel(
        dt.datetime.combine(day + dt.timedelta(days=1), dt.time(9), tzinfo=dt.UTC), tick=False
    )


if __name__ == "__main__":
    sys.exit(main())
