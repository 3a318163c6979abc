"""The opening rush: many bookings at the same moment, from real threads with their own connections."""

from __future__ import annotations

import threading
from collections import Counter as Tally
from collections.abc import Callable

import pytest
from django.db import connections

from antre.conftest import NIK_MADE, nik_for
from antre.errors import Refusal
from antre.offices.models import Service
from antre.queueing.models import Ticket
from antre.queueing.services import book_ticket
from antre.queueing.tests.factories import book

pytestmark = pytest.mark.django_db(transaction=True)

# PostgreSQL's default max_connections is 100: 40 threads keep well inside it while still
# having dozens of bookings in flight at once.
THREADS = 40


def in_parallel(task: Callable[[int], object], count: int) -> list[object]:
    """Run task(0..count-1) from THREADS threads released together; results or Refusals, in order."""
    results: list[object] = [None] * count
    start = threading.Barrier(min(THREADS, count))
    lock = threading.Lock()
    todo = list(range(count))

    def worker():
        start.wait()
        try:
            while True:
                with lock:
                    if not todo:
                        return
                    i = todo.pop()
                try:
                    results[i] = task(i)
                except Refusal as refusal:
                    results[i] = refusal
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(min(THREADS, count))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a booking thread hung"
    return results


def test_200_parallel_bookings_get_200_distinct_consecutive_numbers(office, monday):
    Service.objects.filter(office=office, code="AMBIL").update(daily_quota=500)
    results = in_parallel(
        lambda i: book_ticket(
            office=office, service_code="AMBIL", name="Warga Tabanan", nik=nik_for(i), now=monday
        ),
        200,
    )
    refusals = [r for r in results if isinstance(r, Refusal)]
    assert refusals == []
    seqs = sorted(Ticket.objects.filter(service__code="AMBIL").values_list("seq", flat=True))
    assert seqs == list(range(1, 201))
    numbers = set(Ticket.objects.values_list("number", flat=True))
    assert len(numbers) == 200 and "F-001" in numbers and "F-200" in numbers


def test_200_parallel_bookings_against_a_quota_of_50_book_exactly_50(office, monday):
    Service.objects.filter(office=office, code="LEGAL").update(daily_quota=50)
    results = in_parallel(
        lambda i: book_ticket(
            office=office, service_code="LEGAL", name="Warga Tabanan", nik=nik_for(i), now=monday
        ),
        200,
    )
    codes = Tally(r.code if isinstance(r, Refusal) else "booked" for r in results)
    assert codes == {"booked": 50, "quota_full": 150}
    seqs = sorted(Ticket.objects.filter(service__code="LEGAL").values_list("seq", flat=True))
    assert seqs == list(range(1, 51))


def test_the_same_nik_twice_at_once_gets_one_ticket_and_one_duplicate(office, monday):
    for citizen in range(6):  # a few rounds: the race window differs from run to run
        nik = nik_for(citizen)
        results = in_parallel(
            lambda i, nik=nik: book_ticket(
                office=office, service_code="CAPIL", name="Ni Made Sari", nik=nik, now=monday
            ),
            2,
        )
        outcomes = sorted(r.code if isinstance(r, Refusal) else type(r).__name__ for r in results)
        assert outcomes == ["Booking", "duplicate_ticket"]
    assert Ticket.objects.count() == 6


def test_parallel_retries_with_one_idempotency_key_make_one_ticket(office, monday):
    results = in_parallel(
        lambda i: book_ticket(
            office=office,
            service_code="KTP",
            name="I Ketut Arsana",
            nik=NIK_MADE,
            now=monday,
            idempotency_key="phone-retry-7",
        ),
        10,
    )
    assert not [r for r in results if isinstance(r, Refusal)]
    assert len({r.ticket.pk for r in results}) == 1
    assert sum(r.created for r in results) == 1
    assert Ticket.objects.count() == 1


def test_counters_calling_in_parallel_never_get_the_same_ticket(office, gate_off, monday, staff):
    from antre.live.models import LiveEvent
    from antre.offices.models import Counter
    from antre.queueing import calling

    Service.objects.filter(office=office, code="KTP").update(daily_quota=500)
    for i in range(60):
        book(office, i, now=monday)
    counters = list(Counter.objects.filter(office=office, services__code="KTP"))
    for n in range(5, 9):  # six counters in all serve KTP
        extra = Counter.objects.create(office=office, number=n)
        extra.services.add(Service.objects.get(office=office, code="KTP"))
        counters.append(extra)
    officer = staff["petugas"]

    def work_a_counter(i):
        served = []
        while True:
            ticket = calling.call_next(counter=counters[i], officer=officer, now=monday)
            if ticket is None:
                return served
            served.append(ticket.number)
            calling.start_service(token=ticket.token, officer=officer, now=monday)
            calling.finish_service(token=ticket.token, officer=officer, now=monday)

    results = in_parallel(work_a_counter, len(counters))
    assert not [r for r in results if isinstance(r, Refusal)]
    called = [number for served in results for number in served]
    assert len(called) == 60 and len(set(called)) == 60
    assert Ticket.objects.filter(status="done").count() == 60
    assert LiveEvent.objects.filter(kind="call").count() == 60
    seqs = list(LiveEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))  # event ids without gaps, for Last-Event-ID resume


def test_a_cancel_while_the_same_nik_books_again_does_not_deadlock(office, monday):
    """The count triggers take the number row before a ticket changes (PostgreSQL: BEFORE), so a
    cancel waiting for a booking's number row has not yet changed the NIK's index entry, which the
    booking would otherwise wait for: each waiting for the other."""
    import time

    from django.db import transaction

    from antre.queueing.services import cancel_ticket

    first = book_ticket(office=office, service_code="KTP", name="Made", nik=NIK_MADE, now=monday).ticket
    holding, outcome = threading.Event(), {}

    def booking_desk():  # holds KTP's number row with another booking, then books Made again
        try:
            with transaction.atomic():
                book_ticket(office=office, service_code="KTP", name="Ketut", nik=nik_for(1), now=monday)
                holding.set()
                time.sleep(0.5)  # the cancel below is waiting by now
                try:
                    book_ticket(office=office, service_code="KTP", name="Made", nik=NIK_MADE, now=monday)
                    outcome["again"] = "booked"
                except Refusal as refusal:
                    outcome["again"] = refusal.code
        except Exception as exc:  # a deadlock would end up here or in the cancel
            outcome["again"] = repr(exc)
        finally:
            holding.set()
            connections.close_all()

    def citizen():
        holding.wait()
        try:
            outcome["cancel"] = cancel_ticket(token=first.token).status
        except Exception as exc:
            outcome["cancel"] = repr(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=booking_desk), threading.Thread(target=citizen)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Made's ticket was still active when the desk booked again; then the cancel went through.
    assert outcome == {"again": "duplicate_ticket", "cancel": "cancelled"}
    assert Ticket.objects.with_nik(NIK_MADE).get().status == "cancelled"


def _session_quota(office, starts, quota, service="CAPIL"):
    from antre.offices.models import Session, SessionQuota

    SessionQuota.objects.update_or_create(
        session=Session.objects.get(office=office, starts=starts, weekdays__contains="0"),
        service=Service.objects.get(office=office, code=service),
        defaults={"quota": quota},
    )


def test_20_parallel_bookings_of_a_session_with_a_quota_of_5_book_exactly_5(office, monday):
    import datetime as dt

    Service.objects.filter(office=office, code="CAPIL").update(daily_quota=500)
    _session_quota(office, dt.time(8), 5)
    results = in_parallel(
        lambda i: book_ticket(
            office=office,
            service_code="CAPIL",
            name="Warga Tabanan",
            nik=nik_for(i),
            now=monday,
            session="08:00",
        ),
        20,
    )
    codes = Tally(r.code if isinstance(r, Refusal) else "booked" for r in results)
    assert codes == {"booked": 5, "session_full": 15}
    tickets = Ticket.objects.filter(service__code="CAPIL")
    assert sorted(tickets.values_list("seq", flat=True)) == [1, 2, 3, 4, 5]  # no gap, no duplicate
    assert set(tickets.values_list("session__starts", flat=True)) == {dt.time(8)}
    refusal = next(r for r in results if isinstance(r, Refusal))
    assert refusal.extra == {
        "next_available_session": "10:00",
        "next_available_date": monday.date().isoformat(),
    }


def test_parallel_bookings_without_a_session_fill_each_session_to_its_quota_in_turn(office, monday):
    import datetime as dt

    Service.objects.filter(office=office, code="CAPIL").update(daily_quota=500)
    for starts in (dt.time(8), dt.time(10), dt.time(13)):
        _session_quota(office, starts, 4)
    results = in_parallel(
        lambda i: book_ticket(office=office, service_code="CAPIL", name="Warga", nik=nik_for(i), now=monday),
        30,
    )
    codes = Tally(r.code if isinstance(r, Refusal) else "booked" for r in results)
    assert codes == {"booked": 12, "session_full": 18}
    per_session = Tally(Ticket.objects.values_list("session__starts", flat=True))
    assert per_session == {dt.time(8): 4, dt.time(10): 4, dt.time(13): 4}
    # Behind the number's lock, each booking took the earliest session with room: the numbers fill
    # the sessions in order.
    in_order = list(Ticket.objects.order_by("seq").values_list("seq", "session__starts"))
    assert [seq for seq, _s in in_order] == list(range(1, 13))
    assert [s for _seq, s in in_order] == [dt.time(8)] * 4 + [dt.time(10)] * 4 + [dt.time(13)] * 4
