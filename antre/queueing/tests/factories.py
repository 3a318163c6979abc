"""Tickets for tests, booked the way citizens book them: through `book_ticket`, so each has the
number, the counts and the live events of a real booking, and a rule the booking enforces is never
skipped by a test's setup."""

from __future__ import annotations

import datetime as dt

from lokal.terbilang import terbilang

from antre.conftest import Citizen, nik_for
from antre.offices.models import Office
from antre.queueing.models import Ticket
from antre.queueing.services import Booking, book_ticket


def citizen(who: int | Citizen) -> Citizen:
    """A persona as it is, or the i-th citizen of a crowd: a valid name and NIK, both different for
    every i ("Warga Dua Belas", nik_for(12))."""
    if isinstance(who, Citizen):
        return who
    return Citizen(f"Warga {terbilang(who).title()}", nik_for(who))


def booking(
    office: Office,
    who: int | Citizen = 0,
    *,
    service: str = "KTP",
    now: dt.datetime | None = None,
    name: str | None = None,
    nik: str | None = None,
    **fields,
) -> Booking:
    """`who` (a persona, or the i-th of a crowd) books `service` at `office`, at `now` (by default
    the clock's).

    `name` and `nik` replace the citizen's own (`nik=""` books without one, as a walk-in may);
    `fields` are book_ticket's others: day, phone, channel, priority, issued_by, idempotency_key.
    """
    person = citizen(who)
    return book_ticket(
        office=office,
        service_code=service,
        name=person.name if name is None else name,
        nik=person.nik if nik is None else nik,
        now=now,
        **fields,
    )


def book(office: Office, who: int | Citizen = 0, **kwargs) -> Ticket:
    """The ticket of `booking(...)`, with the same arguments: what most tests need of it."""
    return booking(office, who, **kwargs).ticket
