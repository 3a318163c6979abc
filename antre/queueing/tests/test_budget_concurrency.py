"""Budgets and the kept share under the rush: bookings at the same moment, from real threads with
their own connections, never take more than a budget or than a day ahead's bookable places."""

from __future__ import annotations

from collections import Counter as Tally

import pytest

from antre.conftest import TUESDAY, nik_for
from antre.errors import Refusal
from antre.offices.models import Service
from antre.queueing.models import Ticket
from antre.queueing.services import book_ticket
from antre.queueing.tests.test_concurrency import in_parallel

pytestmark = pytest.mark.django_db(transaction=True)


def outcomes(results) -> Tally:
    return Tally(r.code if isinstance(r, Refusal) else "booked" for r in results)


def test_30_bookings_at_once_from_one_phone_book_exactly_its_six(office, monday, settings):
    settings.RATELIMIT_ENABLED = True
    Service.objects.filter(office=office, code="AMBIL").update(daily_quota=500)
    results = in_parallel(
        lambda i: book_ticket(
            office=office,
            service_code="AMBIL",
            name="Warga Tabanan",
            nik=nik_for(i),
            phone="0812 3456 7890",
            client=f"10.0.{i}.1",
            now=monday,
        ),
        30,
    )
    assert outcomes(results) == {"booked": 6, "budget_exhausted": 24}
    assert Ticket.objects.count() == 6


def test_40_bookings_at_once_from_one_address_hold_its_share_of_the_day(office, monday, settings):
    settings.RATELIMIT_ENABLED = True
    results = in_parallel(
        lambda i: book_ticket(
            office=office,
            service_code="LEGAL",
            name="Warga Tabanan",
            nik=nik_for(i),
            day=TUESDAY,
            client="198.51.100.20",
            now=monday,
        ),
        40,
    )
    assert outcomes(results) == {"booked": 4, "budget_exhausted": 36}


def test_100_bookings_at_once_for_a_day_ahead_stop_at_its_bookable_places(office, monday):
    Service.objects.filter(office=office, code="LEGAL").update(daily_quota=40, held_back_percent=25)
    results = in_parallel(
        lambda i: book_ticket(
            office=office, service_code="LEGAL", name="Warga Tabanan", nik=nik_for(i), day=TUESDAY, now=monday
        ),
        100,
    )
    assert outcomes(results) == {"booked": 30, "quota_full": 70}
    seqs = sorted(Ticket.objects.filter(service__code="LEGAL").values_list("seq", flat=True))
    assert seqs == list(range(1, 31))
