"""Tickets for tests, booked the way citizens book them: through `book_ticket`, so each has the
number, the counts and the live events of a real booking, and a rule the booking enforces is never
skipped by a test's setup."""

from __future__ import annotations

import datetime as dt

from lokal.terbilang import terbilang

from antre.conftest import nik_for
from antre.offices.models import Office
from antre.queueing.models import Ticket
from antre.queueing.services import Booking, book_ticket


def citizen_name(i: int) -> str:
    """The i-th citizen's name ("Warga Dua Belas"): a valid name, different for every i."""
    return f"Warga {terbilang(i).title()}"


def booking(
    office: Office,
    i: int = 0,
    *,
    service: str = "KTP",
    now: dt.datetime | None = None,
    name: str | None = None,
    nik: str | None = None,
    **fields,
) -> Booking:
    """The i-th citizen of a crowd books `service` at `office`, at `now` (by default the clock's).

    Name and NIK follow from `i` unless given (`nik=""` books without one, as a walk-in may);
    `fields` are book_ticket's own: day, phone, channel, priority, issued_by, idempotency_key.
    """
    return book_ticket(
        office=office,
        service_code=service,
        name=citizen_name(i) if name is None else name,
        nik=nik_for(i) if nik is None else nik,
        now=now,
        **fields,
    )


def book(
    office: Office,
    i: int = 0,
    *,
    service: str = "KTP",
    now: dt.datetime | None = None,
    name: str | None = None,
    nik: str | None = None,
    **fields,
) -> Ticket:
    """The ticket of `booking(...)`: what most tests need of it."""
    return booking(office, i, service=service, now=now, name=name, nik=nik, **fields).ticket
