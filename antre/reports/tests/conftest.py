"""A seeded day at the demo office, for the head of office's pages."""

import pytest

from antre.conftest import MONDAY, NIK_MADE, nik_for, wita
from antre.gate import services as gate
from antre.offices.models import Counter
from antre.queueing import calling
from antre.queueing.services import book_ticket, cancel_ticket


@pytest.fixture
def a_busy_morning(office, staff, clock):
    """Monday from 09.00: eight numbers, five in, one fever, one cancel; two counters at work."""
    at = iter(wita(MONDAY, 9, minute) for minute in range(60))

    def book(code, i, name="Warga Tabanan", nik=None):
        return book_ticket(
            office=office, service_code=code, name=name, nik=nik or nik_for(i), now=next(at)
        ).ticket

    def screen(ticket, temperature="36,5"):
        gate.screen(
            office=office,
            ticket_ref=ticket.token,
            temperature_c=temperature,
            mask=True,
            hands_washed=True,
            officer=staff["satpam"],
            now=next(at),
        )

    a1, a2, a3 = book("KTP", 1, "Ni Made Sari Dewi", NIK_MADE), book("KTP", 2), book("KTP", 3)
    a4, d1, _d2, e1, e2 = (
        book("KTP", 4),
        book("CAPIL", 5),
        book("CAPIL", 6),
        book("LEGAL", 7),
        book("LEGAL", 8),
    )
    for ticket in (a1, a2, a3, d1, e1):
        screen(ticket)
    screen(e2, "38,2")
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
