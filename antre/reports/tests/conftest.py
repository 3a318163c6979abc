"""A seeded day at the demo office, for the head of office's pages."""

import pytest

from antre.conftest import MADE, MONDAY, wita
from antre.gate.tests.factories import enter
from antre.offices.models import Counter
from antre.queueing import calling
from antre.queueing.services import cancel_ticket
from antre.queueing.tests.factories import book


@pytest.fixture
def a_busy_morning(office, staff, clock):
    """Monday from 09.00: eight numbers, five in, one fever, one cancel; two counters at work."""
    at = iter(wita(MONDAY, 9, minute) for minute in range(60))  # each step a minute after the last
    satpam = staff["satpam"]

    a1 = book(office, MADE, service="KTP", now=next(at))
    a2, a3, a4 = (book(office, i, service="KTP", now=next(at)) for i in (2, 3, 4))
    d1, _d2 = (book(office, i, service="CAPIL", now=next(at)) for i in (5, 6))
    e1, e2 = (book(office, i, service="LEGAL", now=next(at)) for i in (7, 8))
    for ticket in (a1, a2, a3, d1, e1):
        enter(office, ticket, satpam, temperature="36,5", now=next(at))
    enter(office, e2, satpam, temperature="38,2", now=next(at))
    cancel_ticket(token=a4.token, now=next(at))
    loket1, loket2 = Counter.objects.get(number=1), Counter.objects.get(number=2)
    petugas = staff["petugas"]

    assert calling.call_next(counter=loket1, officer=petugas, now=next(at)) == a1
    calling.start_service(token=a1.token, officer=petugas, now=next(at))
    calling.finish_service(token=a1.token, officer=petugas, now=next(at))
    assert calling.call_next(counter=loket1, officer=petugas, now=next(at)) == a2
    calling.mark_no_show(token=a2.token, officer=petugas, now=next(at))
    assert calling.call_next(counter=loket1, officer=petugas, now=next(at)) == a3
    assert calling.call_next(counter=loket2, officer=petugas, now=next(at)) == d1
    calling.start_service(token=d1.token, officer=petugas, now=next(at))
    clock.move_to(wita(MONDAY, 10))
    return office
