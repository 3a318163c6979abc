"""A year of one busy office, seeded for bench/report_year.py: tickets, online applications with their
status history, and where the office's links reached (source tags). Bulk inserts, no files.

Imported after Django is set up (it imports the models). The survey's answers are in _year_survey.py.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.db import models

from antre.applications.models import (
    DELIVERY_TO,
    FIXES_SENT,
    RESULT_TO_DOWNLOAD,
    Application,
    AppStatus,
    ResultKind,
    StatusChange,
)
from antre.offices import sources
from antre.offices.models import Counter, Office, Region, RegionLevel
from antre.outreach.models import ShortLink
from antre.people.models import User
from antre.people.seed import past_officers
from antre.queueing.models import Ticket
from antre.seed import create_demo_users, seed_demo_office

CHANNELS = (("web", 0.55), ("whatsapp", 0.2), ("kiosk", 0.15), ("walk_in", 0.1))
ENDS = (("done", 0.85), ("no_show", 0.05), ("cancelled", 0.04), ("turned_away", 0.02), ("expired", 0.04))
TAGGED_TICKETS = 0.2  # of bookings on the web or by WhatsApp: opened from a poster, a letter or a short link
TAGGED_APPLICATIONS = 0.25
REACHED = 0.6  # of each kecamatan's desa, those the circulars reached (the rest bring nothing tagged)
SHORT_LINKS = ("ig-tabanan", "fb-disdukcapil")

# Online applications: when they are sent (local hour, any day), which kinds, and how their life goes.
HOURS = (1, 0.5, 0.3, 0.3, 0.5, 1, 2, 4, 6, 7, 7, 6, 5, 6, 6, 5, 5, 5, 6, 7, 7, 5, 3, 2)
KINDS = {"KTP-BARU": 10, "KTP-HILANG": 6, "KK-TAMBAH": 10, "KK-UBAH": 8, "KK-BARU": 8, "PRA-AKTA": 6}
OTHER_KIND = 4  # the weight of each kind not named above
NEEDS_FIX, NEVER_FIXED, REJECTED, STALLED = 0.12, 0.1, 0.05, 0.015
WORK_STARTS, WORK_ENDS = dt.time(8), dt.time(15)  # when verifiers act, Monday to Friday
NAMES = ("I Made Sutama", "Ni Luh Putu Ayu", "I Wayan Sudarsana", "Ni Kadek Sri Wahyuni",
         "I Komang Adi Putra", "Ni Nyoman Suartini", "I Ketut Arya", "Budi Santoso")  # fmt: skip


@dataclass
class Reach:
    """Where the office's circulars and short links went: the tags citizens may bring."""

    villages: dict[str, list[str]]  # kecamatan code: the codes of its desa the circulars reached
    links: list[str]  # the short links' tags

    def tag(self, district: str, rng: random.Random) -> str:
        pick = rng.random()
        if pick < 0.7 and self.villages.get(district):
            return sources.village_tag(rng.choice(self.villages[district]))
        if pick < 0.85:
            return sources.district_tag(district)
        return rng.choice(self.links)


def seed_office(today: dt.date, data: Path, rng: random.Random) -> tuple[Office, Reach]:
    office = seed_demo_office(today)
    create_demo_users(office, data / "demo-credentials.txt")
    made = dt.datetime.combine(today - dt.timedelta(days=366), WORK_STARTS, tzinfo=office.tzinfo)
    ShortLink.objects.bulk_create([ShortLink(office=office, slug=s, created_at=made) for s in SHORT_LINKS])
    villages: dict[str, list[str]] = {}
    for code, parent in Region.objects.filter(
        code__startswith=office.region_code + ".", level=RegionLevel.VILLAGE
    ).values_list("code", "parent_id"):
        villages.setdefault(parent, [])
        if rng.random() < REACHED:
            villages[parent].append(code)
    return office, Reach(villages, [sources.link_tag(s) for s in SHORT_LINKS])


def seed_tickets(office: Office, tickets: int, today: dt.date, rng: random.Random, reach: Reach) -> int:
    """`tickets` over the working days of the 365 days before today, and today's."""
    services = [s for s in office.services.all() if s.mode != "online"]
    counters = {s.pk: list(Counter.objects.filter(office=office, services=s)) for s in services}
    officers = past_officers(office)  # who calls: one per counter, turning with the day
    days = [today - dt.timedelta(days=d) for d in range(365, -1, -1)]
    days = [d for d in days if d.weekday() < 5]
    per_day = tickets // len(days)
    batch = []
    for day in days:
        opens = dt.datetime.combine(day, dt.time(8), tzinfo=office.tzinfo)
        for seq in range(1, per_day + 1):
            service = rng.choice(services)
            ticket = _ticket(office, service, counters[service.pk], (day, seq, opens), rng, today, reach)
            if ticket.counter is not None:
                ticket.called_by = officers[(ticket.counter.number + day.toordinal()) % len(officers)]
            batch.append(ticket)
        if len(batch) >= 20000:
            Ticket.objects.bulk_create(batch, batch_size=5000)
            batch = []
    Ticket.objects.bulk_create(batch, batch_size=5000)
    return per_day * len(days)


def _ticket(office, service, counters, when, rng, today, reach) -> Ticket:
    day, seq, opens = when
    channel = rng.choices([c for c, _ in CHANNELS], [w for _, w in CHANNELS])[0]
    status = rng.choices([s for s, _ in ENDS], [w for _, w in ENDS])[0] if day < today else "done"
    arrived = opens + dt.timedelta(minutes=rng.uniform(-20, 360))
    called = arrived + dt.timedelta(minutes=rng.expovariate(1 / 25))
    started = called + dt.timedelta(seconds=20)
    finished = started + dt.timedelta(minutes=rng.lognormvariate(2.1, 0.5))
    kecamatan = rng.randint(1, 10)
    tagged = channel in ("web", "whatsapp") and rng.random() < TAGGED_TICKETS
    ticket = Ticket(
        office=office, service=service, day=day, seq=seq, number=f"{service.prefix}-{seq:03d}", name="Warga Uji",
        nik=f"5102{kecamatan:02d}0101900{seq % 1000:03d}"[:16], channel=channel, status=status,
        issued_at=opens - dt.timedelta(days=1), queued_at=opens - dt.timedelta(days=1),
        source=reach.tag(f"51.02.{kecamatan:02d}", rng) if tagged else "",
    )  # fmt: skip
    if status in ("done", "no_show"):
        ticket.arrived_at, ticket.called_at = arrived, called
        ticket.counter = rng.choice(counters) if counters else None
    if status == "done":
        ticket.started_at, ticket.finished_at = started, finished
    if status == "cancelled":
        ticket.finished_at = opens - dt.timedelta(hours=2)
    return ticket


@contextmanager
def stamps_as_given(*fields: models.DateTimeField) -> Iterator[None]:
    """Bulk inserts keep the times given to auto_now(_add) fields (a year ago, not the seeding's now)."""
    kept = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in kept:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def seed_applications(office: Office, count: int, now: dt.datetime, rng: random.Random, reach: Reach) -> list:
    """`count` applications sent over the year before `now`, each with its history as the workflow
    (antre.applications.rules) writes it, cut at `now`. Returns the done ones as (pk, kind code,
    service code, office-local day done): the occasions the survey may answer."""
    kinds = list(office.kinds.select_related("service").prefetch_related("requirements"))
    weights = [KINDS.get(k.code, OTHER_KIND) for k in kinds]
    villages = list(
        Region.objects.filter(code__startswith=office.region_code + ".", level=RegionLevel.VILLAGE)
    )
    verifier = User.objects.get(username="verifikator")
    made = []
    for _ in range(count):
        kind = rng.choices(kinds, weights)[0]
        submitted = _sent_at(now, office, rng)
        life = [(status, at) for status, at in _life(submitted, office, rng) if at <= now]
        application = _application(office, kind, rng.choice(villages), life, rng, reach)
        application.assigned_to = verifier if application.status != AppStatus.SUBMITTED else None
        made.append((application, life))
    fields = [Application._meta.get_field(n) for n in ("submitted_at", "updated_at")]
    with stamps_as_given(*fields, StatusChange._meta.get_field("at")):
        Application.objects.bulk_create([a for a, _life in made], batch_size=2000)
        StatusChange.objects.bulk_create(
            [change for a, life in made for change in _history(a, life, verifier)], batch_size=5000
        )
    return [
        (a.pk, a.kind.code, a.kind.service.code if a.kind.service else "", office.local_today(life[-1][1]))
        for a, life in made
        if a.status == AppStatus.DONE
    ]


def _sent_at(now: dt.datetime, office: Office, rng: random.Random) -> dt.datetime:
    day = office.local_today(now) - dt.timedelta(days=rng.randint(0, 365))
    hour = rng.choices(range(24), HOURS)[0]
    sent = dt.datetime.combine(day, dt.time(hour), tzinfo=office.tzinfo)
    sent += dt.timedelta(minutes=rng.uniform(0, 60))
    return sent if sent <= now else now - dt.timedelta(minutes=rng.uniform(1, 180))


def _at_work(at: dt.datetime, office: Office, rng: random.Random) -> dt.datetime:
    """The first moment from `at` a verifier is at work, a little into their morning if it was not."""
    local = at.astimezone(office.tzinfo)
    if local.weekday() < 5 and WORK_STARTS <= local.time() < WORK_ENDS:
        return at
    day = local.date() + dt.timedelta(days=int(local.time() >= WORK_ENDS))
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, WORK_STARTS, tzinfo=office.tzinfo) + dt.timedelta(
        minutes=rng.uniform(0, 120)
    )


def _life(sent: dt.datetime, office: Office, rng: random.Random) -> list[tuple[str, dt.datetime]]:
    """The statuses an application goes through and when; a few stall on the way (the old backlog)."""
    stall = rng.choice((AppStatus.SUBMITTED, AppStatus.IN_REVIEW, AppStatus.APPROVED))
    stalls = rng.random() < STALLED

    def later(at: dt.datetime, mean_hours: float) -> dt.datetime:
        return _at_work(at + dt.timedelta(hours=rng.expovariate(1 / mean_hours)), office, rng)

    life = [(AppStatus.SUBMITTED, sent)]
    for status, mean_hours in ((AppStatus.IN_REVIEW, 18), (AppStatus.APPROVED, 20), (AppStatus.DONE, 12)):
        if stalls and life[-1][0] == stall:
            break
        if status == AppStatus.APPROVED and rng.random() < NEEDS_FIX:
            life.append((AppStatus.NEEDS_FIX, later(life[-1][1], 6)))
            if rng.random() < NEVER_FIXED:
                break
            fixed = life[-1][1] + dt.timedelta(hours=rng.expovariate(1 / 40))  # the citizen, any hour
            life.append((AppStatus.IN_REVIEW, fixed))
        if status == AppStatus.APPROVED and rng.random() < REJECTED:
            life.append((AppStatus.REJECTED, later(life[-1][1], mean_hours)))
            break
        life.append((status, later(life[-1][1], mean_hours)))
    return life


def _application(office, kind, village, life, rng, reach) -> Application:
    status, updated = life[-1]
    district = village.parent_id
    female = rng.random() < 0.5
    born = f"{rng.randint(1, 28) + 40 * female:02d}{rng.randint(1, 12):02d}{rng.randint(0, 99):02d}"
    result = ""
    if status == AppStatus.DONE:
        result = ResultKind.DELIVERY if rng.random() < 0.2 else ResultKind.DOCUMENT
    return Application(
        office=office, kind=kind, nik=f"{district.replace('.', '')}{born}{rng.randint(1, 9999):04d}",
        kk_number=f"{district.replace('.', '')}{rng.randint(0, 10**10 - 1):010d}", name=rng.choice(NAMES),
        phone=f"0812{rng.randint(0, 10**8 - 1):08d}", address=f"Banjar Dinas Uji No. {rng.randint(1, 200)}",
        village=village, status=status, consent_at=life[0][1], submitted_at=life[0][1], updated_at=updated,
        channel="whatsapp" if rng.random() < 0.3 else "web", result=result,
        fix_codes=[kind.requirements.all()[0].code] if status == AppStatus.NEEDS_FIX else [],
        delivery_address=f"Banjar Dinas Uji No. {rng.randint(1, 200)}" if result == ResultKind.DELIVERY else "",
        source=reach.tag(district, rng) if rng.random() < TAGGED_APPLICATIONS else "",
    )  # fmt: skip


def _history(application: Application, life, verifier: User) -> list[StatusChange]:
    """The application's StatusChange rows, with the notes the verbs write."""
    changes = []
    for i, (status, at) in enumerate(life):
        by: User | None = verifier
        note: dict = {}
        if status == AppStatus.SUBMITTED:
            by = None
        elif status == AppStatus.IN_REVIEW and i > 1:  # the applicant sent the fixes
            by, note = None, StatusChange.system_note(FIXES_SENT)
        elif status == AppStatus.NEEDS_FIX:
            note = {"note": "Foto dokumen buram; unggah ulang yang terbaca jelas."}
        elif status == AppStatus.REJECTED:
            note = {"note": "Data pada formulir tidak sesuai dengan dokumen pendukung."}
        elif status == AppStatus.DONE and application.result == ResultKind.DELIVERY:
            note = StatusChange.system_note(DELIVERY_TO, address=application.delivery_address)
        elif status == AppStatus.DONE:
            note = StatusChange.system_note(RESULT_TO_DOWNLOAD)
        changes.append(StatusChange(application=application, status=status, by=by, at=at, **note))
    return changes
