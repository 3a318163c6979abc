"""The demo office as `antre serve` seeds it: the office's catalogue, then what each app adds to it;
on the first run also a past (tickets, shifts, survey answers) for the head of office's pages."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from antre import clock
from antre.applications.seed import seed_application_kinds
from antre.offices.models import Office
from antre.offices.seed import seed_office
from antre.people.seed import create_demo_users, past_officers
from antre.queueing.seed import WORKING_DAYS, past_working_days, seed_past_days
from antre.survey.seed import seed_answers

__all__ = ["create_demo_users", "seed_demo_history", "seed_demo_office"]

HISTORY_SEED = 17  # the same past on every first run of the same day


@transaction.atomic
def seed_demo_office(today: dt.date | None = None) -> Office:
    office = seed_office(today)
    seed_application_kinds(office)
    return office


@transaction.atomic
def seed_demo_history(office: Office, today: dt.date | None = None) -> tuple[int, int]:
    """About thirty working days before `today` of finished tickets, with the counters' shifts and
    survey answers, so that the charts, the SKM and the villages have something to show on a first
    run. Only `antre serve`'s demo: tests and benches seed the days they need. (tickets, answers)."""
    today = today or office.local_today(clock.now())
    rng = random.Random(HISTORY_SEED)
    days = past_working_days(office, today, WORKING_DAYS)
    if not days:
        return 0, 0
    tickets = seed_past_days(office, past_officers(office), days=days, rng=rng)
    return tickets, seed_answers(office, first=days[0], last=days[-1], rng=rng)
