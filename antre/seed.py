"""The demo office as `antre serve` seeds it: the office's catalogue, then what each app adds to it."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from antre.applications.seed import seed_application_kinds
from antre.offices.models import Office
from antre.offices.seed import seed_office
from antre.people.seed import create_demo_users

__all__ = ["create_demo_users", "seed_demo_office"]


@transaction.atomic
def seed_demo_office(today: dt.date | None = None) -> Office:
    office = seed_office(today)
    seed_application_kinds(office)
    return office
