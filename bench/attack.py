"""A scripted attacker against one service's day, with citizens booking as usual beside it.

    .venv/bin/python bench/attack.py                       # SQLite, in a throwaway data dir
    .venv/bin/python bench/attack.py --database-url postgres://postgres@127.0.0.1:5432/postgres

The demo office's CAPIL (40 places a day, 25 % kept for the day itself) is attacked for a whole
working day on the day before its target: every simulated minute each attacker address sends as
many bookings for the target day as the per-minute limit lets through, with made-up but
well-formed NIKs and phones, through the API as a script would (the limits, the proof of work, the
budgets and the booking are the real ones; the clock is moved minute by minute). A "naive" script
gives up when asked for a proof of work; a "solver" computes it (the CPU seconds it spent are
printed). Meanwhile a citizen comes every few minutes from an address of their own and books the
target day (or, when it is full, the next day with room) through the same API, solving a proof of
work when asked as their phone's browser would. Then the target day comes: 30 more citizens book
from the morning, the day's kept share first.

The last scenario gives the office a WhatsApp number: past the share of a day that web bookings
take without a confirmed phone (20 %), a booking is held until its code is sent from the phone it
names; citizens do so through the real webhook (as tapping the page's button would), the script's
made-up phones never do.

Printed per scenario: the share of the target day's places the attacker holds, the citizens who got
a place (on the target day, or on the next day with room) and how many of the target day's places
they hold, and how many of them were asked for a proof of work (solved unseen by their browser).
Nothing leaves this machine. On PostgreSQL a throwaway database is created next to the one named.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVICE = "CAPIL"
URL = "/api/v1/offices/tabanan/tickets"
DB_NAME = "antre_bench_attack"
ATTACKER = "Budi Santoso"  # the name on every booking the script makes
WEBHOOK_SECRET = "bench-webhook-secret"  # noqa: S105 (the throwaway office's)


@dataclass
class Outcome:
    held: int = 0  # attacker's places on the target day
    quota: int = 0
    solved: int = 0  # proofs of work the attacker computed
    cpu: float = 0.0  # seconds it spent on them
    citizens: int = 0
    citizens_target: int = 0  # the target day's places citizens hold
    citizens_served: int = 0  # citizens with a place on some day
    citizens_asked: int = 0  # citizens whose booking needed a proof of work
    citizens_confirmed: int = 0  # citizens who confirmed over WhatsApp (held past the unconfirmed share)


def setup(data: Path, database_url: str | None) -> None:
    os.environ.update({"ANTRE_DATA_DIR": str(data), "ANTRE_SECRET_KEY": "bench", "ANTRE_RATELIMIT": "on",
                       "DJANGO_SETTINGS_MODULE": "antre.settings", "ANTRE_ALLOWED_HOSTS": "testserver",
                       # The webhook takes the citizens' confirmations; nothing is sent anywhere (no worker
                       # runs, and the API base is a closed local port).
                       "ANTRE_WHATSAPP_APP_SECRET": WEBHOOK_SECRET, "ANTRE_WHATSAPP_TOKEN": "",
                       "ANTRE_WHATSAPP_API_BASE": "http://127.0.0.1:9/none"})  # fmt: skip
    if database_url:
        os.environ["ANTRE_DATABASE_URL"] = database_url
    import django  # lazy: the data directory must be set before Django reads its settings

    django.setup()
    from django.core.management import call_command  # lazy: after django.setup()

    call_command("migrate", interactive=False, verbosity=0)


def made_up_nik(rng: random.Random) -> str:
    """A well-formed NIK nobody holds: a Tabanan kecamatan, a birth date, a serial."""
    day = rng.randint(1, 28) + (40 if rng.random() < 0.5 else 0)
    return f"51020{rng.randint(1, 9)}{day:02d}{rng.randint(1, 12):02d}{rng.randint(60, 99):02d}{rng.randint(1, 9999):04d}"


def made_up_phone(rng: random.Random) -> str:
    return f"0812{rng.randint(10_000_000, 99_999_999)}"


class Api:
    """The booking API as a client meets it, from one address."""

    def __init__(self, outcome: Outcome):
        from django.test import Client  # lazy: after setup()

        self.client = Client()
        self.outcome = outcome

    def book(
        self, address: str, body: dict, *, solve: bool, attacker: bool = False
    ) -> tuple[int, dict, bool]:
        """Status, body, and whether a proof of work was asked for (the attacker's solving counted)."""
        from antre import proofofwork  # lazy: after setup()

        answer = self.client.post(URL, body, content_type="application/json", REMOTE_ADDR=address)
        asked = answer.status_code == 428
        if asked and solve:
            started = time.process_time()
            proof = proofofwork.solve(answer.json()["error"]["challenge"])
            if attacker:
                self.outcome.cpu += time.process_time() - started
                self.outcome.solved += 1
            headers = {proofofwork.HEADER: proof}
            answer = self.client.post(
                URL, body, content_type="application/json", REMOTE_ADDR=address, headers=headers
            )
        return answer.status_code, answer.json(), asked

    def whatsapp(self, phone: str, text: str) -> None:
        """A message from `phone` to the office's number, through the signed webhook."""
        import hashlib  # lazy: only for the WhatsApp scenario
        import hmac
        import json

        wa_id = "62" + phone.removeprefix("0")
        value = {"metadata": {"phone_number_id": "5100"}, "contacts": [{"wa_id": wa_id}],
                 "messages": [{"id": f"wamid.{wa_id}.{text.split()[-1]}", "from": wa_id, "type": "text", "text": {"body": text}}]}  # fmt: skip
        raw = json.dumps({"entry": [{"changes": [{"value": value}]}]}).encode()
        signature = "sha256=" + hmac.new(WEBHOOK_SECRET.encode(), raw, hashlib.sha256).hexdigest()
        headers = {"X-Hub-Signature-256": signature}
        assert (
            self.client.post(
                "/whatsapp/webhook", raw, content_type="application/json", headers=headers
            ).status_code
            == 200
        )
        from antre.whatsapp import answering  # lazy: after setup()

        answering.answer_waiting()  # the worker's answerer: the webhook only stores the message


def run(
    addresses: int, solver: bool, *, minutes: int, every: int, seed: int, whatsapp: bool = False
) -> Outcome:
    """One scenario on a fresh demo office: the attack on the eve of the target day, then the day."""
    import time_machine  # lazy: a dev dependency

    from antre import ratelimit  # lazy: after setup()
    from antre.conftest import an_ordinary_week, wita  # lazy: after setup()
    from antre.offices.calendar import clear  # lazy: after setup()
    from antre.offices.models import Office  # lazy: after setup()
    from antre.queueing import arrivals, forecasting  # lazy: after setup()
    from antre.queueing.models import BookingBudget, Ticket  # lazy: after setup()
    from antre.seed import seed_demo_office  # lazy: after setup()

    rng = random.Random(seed)
    eve = an_ordinary_week(dt.date.today() + dt.timedelta(days=7))  # a Monday
    target = eve + dt.timedelta(days=1)
    Ticket.objects.all().delete()
    BookingBudget.objects.all().delete()
    Office.objects.all().delete()
    office = seed_demo_office(today=eve)
    if whatsapp:  # the office's number, where web bookings past the unconfirmed share are confirmed
        from antre.whatsapp.models import BusinessNumber  # lazy: after setup()

        BusinessNumber.objects.create(office=office, phone_number_id="5100", display_number="0811-3900-100")
    for kept in (clear, forecasting.clear, arrivals.clear):  # the office is new, its id maybe not
        kept()
    ratelimit.reset()
    outcome = Outcome(quota=40)
    api = Api(outcome)
    attackers = [f"100.{64 + i // 250}.{i % 250}.{rng.randint(1, 254)}" for i in range(addresses)]
    blocked: set[str] = set()
    with time_machine.travel(wita(eve, 8), tick=False) as clock:
        for minute in range(minutes):
            clock.move_to(wita(eve, 8) + dt.timedelta(minutes=minute))
            for address in attackers:
                if address not in blocked:
                    _attack_minute(api, address, target, rng, solver, blocked)
            if minute % every == 0:
                _citizen(api, outcome, f"10.{minute // 250}.{minute % 250}.7", target, rng)
        # The target day: citizens book its kept share from the morning, as from home.
        for minute in range(0, 120, 4):
            clock.move_to(wita(target, 7, 30) + dt.timedelta(minutes=minute))
            _citizen(api, outcome, f"10.200.{minute}.9", target, rng)
    counted = Ticket.objects.filter(service__code=SERVICE, day=target).exclude(status="cancelled")
    outcome.held = counted.filter(name=ATTACKER).count()
    return outcome


def _attack_minute(
    api: Api, address: str, target: dt.date, rng: random.Random, solver: bool, blocked: set
) -> None:
    """One address's minute of attack: as many bookings as it is let, until it is stopped for good."""
    for _ in range(30):  # the per-minute limit
        body = {"service": SERVICE, "name": ATTACKER, "nik": made_up_nik(rng),
                "phone": made_up_phone(rng), "date": target.isoformat()}  # fmt: skip
        status, answer, _asked = api.book(address, body, solve=solver, attacker=True)
        code = answer.get("error", {}).get("code") if status >= 400 else None
        if status == 201:
            continue
        if (
            status == 202
            or code in ("budget_exhausted", "quota_full")
            or (code == "proof_required" and not solver)
        ):
            # Nothing more to take from here today (202: held until a made-up phone confirms: never).
            blocked.add(address)
        return  # rate_limited and the like: try again next minute


def _citizen(api: Api, outcome: Outcome, address: str, target: dt.date, rng: random.Random) -> None:
    """A citizen books the target day, or the next day with room; their browser solves if asked."""
    from lokal.terbilang import terbilang  # lazy: after setup()

    outcome.citizens += 1
    body = {"service": SERVICE, "name": f"Warga {terbilang(outcome.citizens).title()}", "nik": made_up_nik(rng),
            "phone": made_up_phone(rng), "date": target.isoformat()}  # fmt: skip
    status, answer, asked = _book_or_confirm(api, outcome, address, body)
    if status != 201:
        later = answer.get("error", {}).get("next_available_date")
        if later:
            status, answer, asked_again = _book_or_confirm(api, outcome, address, {**body, "date": later})
            asked = asked or asked_again
    outcome.citizens_asked += asked
    if status == 201:
        outcome.citizens_served += 1
        outcome.citizens_target += answer["date"] == target.isoformat()


def _book_or_confirm(api: Api, outcome: Outcome, address: str, body: dict) -> tuple[int, dict, bool]:
    status, answer, asked = api.book(address, body, solve=True)
    if status == 202:  # held: the citizen taps the page's WhatsApp button and sends the code
        api.whatsapp(body["phone"], answer["error"]["confirmation"]["text"])
        outcome.citizens_confirmed += 1
        status, answer = _booked(body["nik"])
    return status, answer, asked


def _booked(nik: str) -> tuple[int, dict]:
    """What a confirmation booked for this NIK, as the booking's answer would have said it."""
    from antre.queueing.models import Ticket  # lazy: after setup()

    ticket = Ticket.objects.with_nik(nik).first()
    return (201, {"date": ticket.day.isoformat()}) if ticket else (409, {})


SCENARIOS = [("1 address, naive", 1, False, False), ("1 address, solver", 1, True, False),
             ("50 addresses, naive", 50, False, False), ("50 addresses, solver", 50, True, False),
             ("50 addresses, solver; office with WhatsApp", 50, True, True)]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=int, default=420, help="the attack's length on the eve")
    parser.add_argument("--every", type=int, default=6, help="minutes between citizens on the eve")
    parser.add_argument(
        "--database-url", help="a PostgreSQL server's URL; a throwaway database is made on it"
    )
    args = parser.parse_args()
    url = _throwaway(args.database_url) if args.database_url else None
    data = Path(tempfile.mkdtemp(prefix="antre-attack-"))
    try:
        setup(data, url)
        print(f"CAPIL, 40 places a day, 25 % kept for the day; {args.minutes} min of attack "
              f"({'PostgreSQL' if url else 'SQLite'})")  # fmt: skip
        print("| scenario | attacker's share of the day | proofs the attacker solved (CPU s) | citizens served "
              "| target day's places held by citizens | citizens asked for a proof | citizens who confirmed "
              "over WhatsApp |\n|---|---:|---:|---:|---:|---:|---:|")  # fmt: skip
        for name, addresses, solver, whatsapp in SCENARIOS:
            o = run(addresses, solver, minutes=args.minutes, every=args.every, seed=addresses * 2 + solver,
                    whatsapp=whatsapp)  # fmt: skip
            print(f"| {name} | {o.held}/{o.quota} = {o.held / o.quota:.0%} | {o.solved} ({o.cpu:.1f}) "
                  f"| {o.citizens_served}/{o.citizens} | {o.citizens_target} | {o.citizens_asked} "
                  f"| {o.citizens_confirmed} |")  # fmt: skip
        return 0
    finally:
        if url:
            _drop(args.database_url)


def _throwaway(base: str) -> str:
    import psycopg  # lazy: only for PostgreSQL

    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
        conn.execute(f"CREATE DATABASE {DB_NAME}")
    return base.rsplit("/", 1)[0] + f"/{DB_NAME}"


def _drop(base: str) -> None:
    import psycopg  # lazy: only for PostgreSQL
    from django.db import connections  # lazy: after setup()

    connections.close_all()
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")


if __name__ == "__main__":
    raise SystemExit(main())
