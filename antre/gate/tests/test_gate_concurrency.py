"""Two gate tablets at once: never one person too many inside."""

from collections import Counter as Tally

import pytest

from antre.errors import Refusal
from antre.gate import services as gate
from antre.queueing import door
from antre.queueing.models import Status, Ticket
from antre.queueing.tests.factories import book
from antre.queueing.tests.test_concurrency import in_parallel

pytestmark = pytest.mark.django_db(transaction=True)


def test_20_parallel_admissions_against_capacity_13_admit_exactly_13(office, monday, staff):
    tickets = [book(office, i, now=monday) for i in range(20)]
    results = in_parallel(
        lambda i: gate.screen(
            office=office,
            ticket_ref=tickets[i].token,
            temperature_c="36.5",
            mask=True,
            hands_washed=True,
            officer=staff["satpam"],
            now=monday,
        ),
        20,
    )
    outcomes = Tally("admitted" if not isinstance(r, Refusal) and r.admitted else r.code for r in results)
    assert outcomes == {"admitted": 13, "capacity_full": 7}
    assert Ticket.objects.filter(status=Status.WAITING_INSIDE).count() == 13
    assert door.inside_now(office, monday.date()) == 13
