"""A scripted attacker against a day of CAPIL (40 places, 25 % kept for the day), from one address
and from 50, with made-up well-formed NIKs, through the API with every limit on, while citizens
book beside it: the attacker's share stays small and stated, and every citizen gets a place; one
that solves every proof of work is stopped by the confirmation from the phone (where the office
has a WhatsApp number).
bench/attack.py runs the same over a whole day and prints the figures."""

import datetime as dt
import random

import pytest

from antre import proofofwork
from antre.conftest import TUESDAY, at
from antre.queueing.models import Ticket
from antre.queueing.tests.test_confirmation import send, whatsapp  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("monday")

URL = "/api/v1/offices/tabanan/tickets"
ATTACKER = "Budi Santoso"
NAMES = ["Ni Luh Putu", "I Gede Wirawan", "Ni Kadek Ayu", "I Komang Adi", "Ni Nyoman Sri"]


@pytest.fixture
def limits_on(settings, tmp_path, monkeypatch):
    settings.RATELIMIT_ENABLED = True
    settings.DATA_DIR = tmp_path  # a counter file of this test's own
    monkeypatch.setattr(proofofwork, "DIFFICULTY", 8)  # the same check, solved quickly


def made_up_nik(rng: random.Random) -> str:
    return f"51020{rng.randint(1, 9)}{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{rng.randint(60, 99)}{rng.randint(1, 9999):04d}"


def post(client, address: str, name: str, rng: random.Random, proof: str = ""):
    body = {"service": "CAPIL", "name": name, "nik": made_up_nik(rng), "date": TUESDAY.isoformat()}
    headers = {proofofwork.HEADER: proof} if proof else {}
    return client.post(URL, body, content_type="application/json", REMOTE_ADDR=address, headers=headers)


def citizen_books(client, i: int, rng: random.Random) -> bool:
    """A citizen from an address of their own; their browser solves a proof of work if asked."""
    address, name = f"10.1.{i}.7", NAMES[i % len(NAMES)]
    answer = post(client, address, name, rng)
    if answer.status_code == 428:
        proof = proofofwork.solve(answer.json()["error"]["challenge"])
        answer = post(client, address, name, rng, proof=proof)
    return answer.status_code == 201


def attack(client, clock, addresses: list[str], minutes: int) -> list[bool]:
    """Each minute, each address books as much as it is let (no proof-of-work solver); a citizen
    books every other minute. Returns whether each citizen got a place."""
    rng, served, stopped = random.Random(7), [], set()
    for minute in range(minutes):
        clock.move_to(at(minute, day=TUESDAY - dt.timedelta(days=1)))
        for address in addresses:
            for _ in range(30 if address not in stopped else 0):
                answer = post(client, address, ATTACKER, rng)
                if answer.status_code != 201:
                    if answer.json()["error"]["code"] != "rate_limited":
                        stopped.add(address)
                    break
        if minute % 2 == 0:
            served.append(citizen_books(client, minute, rng))
    return served


def held_by_attacker() -> int:
    return Ticket.objects.filter(service__code="CAPIL", day=TUESDAY, name=ATTACKER).count()


def test_a_script_from_one_address_holds_a_tenth_of_the_day(client, office, clock, limits_on):
    served = attack(client, clock, ["203.0.113.66"], minutes=12)
    assert held_by_attacker() == 4  # 10 % of 40: one address's share of a service-day
    assert all(served) and len(served) == 6


def test_a_script_from_50_addresses_holds_at_most_a_quarter_of_the_day(client, office, clock, limits_on):
    addresses = [f"100.64.{i}.{i + 1}" for i in range(50)]
    served = attack(client, clock, addresses, minutes=6)
    # The service's burst (a quarter of its quota in ten minutes) turns the proof of work on for
    # everyone; a script that cannot solve it stops there, and citizens' browsers solve it unseen.
    assert held_by_attacker() <= proofofwork.service_burst(40) == 10
    assert all(served) and len(served) == 3
    assert Ticket.objects.filter(service__code="CAPIL", day=TUESDAY).exclude(name=ATTACKER).count() == 3


def solving_attack(client, clock, addresses: list[str], minutes: int) -> list[bool]:
    """As attack(), but the script solves every proof of work; citizens give their phone and, when
    asked, confirm over WhatsApp as the page tells them."""
    rng, served = random.Random(11), []
    for minute in range(minutes):
        clock.move_to(at(minute, day=TUESDAY - dt.timedelta(days=1)))
        for address in addresses:
            for _ in range(3):
                answer = post(client, address, ATTACKER, rng)
                if answer.status_code == 428:
                    answer = post(client, address, ATTACKER, rng, proof=solved(answer))
        served.append(citizen_books_and_confirms(client, minute, rng))
    return served


def solved(answer) -> str:
    return proofofwork.solve(answer.json()["error"]["challenge"])


def citizen_books_and_confirms(client, i: int, rng: random.Random) -> bool:
    address, phone = f"10.1.{i}.7", f"0812{5550000 + i:07d}"
    body = {
        "service": "CAPIL",
        "name": NAMES[i % 5],
        "nik": made_up_nik(rng),
        "date": TUESDAY.isoformat(),
        "phone": phone,
    }
    answer = client.post(URL, body, content_type="application/json", REMOTE_ADDR=address)
    if answer.status_code == 428:
        answer = client.post(URL, body, content_type="application/json", REMOTE_ADDR=address,
                             headers={proofofwork.HEADER: solved(answer)})  # fmt: skip
    if answer.status_code == 202:
        send(client, answer.json()["error"]["confirmation"]["text"], wa_id=f"62812{5550000 + i:07d}")
        return Ticket.objects.with_phone(f"+62812{5550000 + i:07d}").exists()
    return answer.status_code == 201


@pytest.mark.usefixtures("whatsapp")
def test_a_script_solving_every_proof_from_50_addresses_holds_at_most_a_fifth(
    client, office, clock, limits_on
):
    addresses = [f"100.64.{i}.{i + 1}" for i in range(50)]
    served = solving_attack(client, clock, addresses, minutes=4)
    # Past the share without a confirmed phone (20 % of 40), every web booking waits for a WhatsApp
    # message from the phone it names, which made-up numbers never send.
    assert held_by_attacker() <= 8
    assert all(served) and len(served) == 4
