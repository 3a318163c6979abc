"""Two consoles pressing "Buka loket" (or calling) at the same moment: one shift, from real threads
with their own connections."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial

import pytest
from django.db import connections

from antre.conftest import at
from antre.offices.models import Counter
from antre.offices.shifts import CounterShift
from antre.queueing import calling, staffing

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("gate_off")]


def at_once(*tasks: Callable[[], object]) -> list[object]:
    """Run the tasks from one thread each, released together; their results or exceptions."""
    results: list[object] = [None] * len(tasks)
    start = threading.Barrier(len(tasks))

    def run(i: int) -> None:
        start.wait()
        try:
            results[i] = tasks[i]()
        except Exception as exc:  # noqa: BLE001 (the test looks at what each thread got)
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(tasks))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a console hung"
    return results


def test_two_consoles_opening_one_counter_at_once_make_one_shift(office, staff):
    loket1 = Counter.objects.get(office=office, number=1)
    petugas, admin = staff["petugas"], staff["admin"]
    for round_ in range(5):
        opened = at(10 * round_)
        results = at_once(
            partial(staffing.open_counter, counter=loket1, officer=petugas, now=opened),
            partial(staffing.open_counter, counter=loket1, officer=admin, now=opened),
            # A third console calls (nobody waits): that opens the counter too.
            partial(calling.call_next, counter=loket1, officer=petugas, now=opened),
        )
        assert [type(r) for r in results[:2]] == [staffing.CounterState] * 2, results
        assert results[2] is None, results
        assert CounterShift.objects.filter(counter=loket1, ended_at__isnull=True).count() == 1
        staffing.close_counter(counter=loket1, officer=petugas, now=at(10 * round_ + 5))
    assert CounterShift.objects.filter(counter=loket1).count() == 5
