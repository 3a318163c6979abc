"""The booking rules of antre.queueing.rules against the database's copy of them, on random days.

The database keeps each service-day's counts with triggers, recounts them with a statement, and on
PostgreSQL books with a function (antre.queueing.dbcode, SQL built from the rules' names). Here
the same random tickets go through both: on SQLite a booking takes the Python path, on PostgreSQL
the SQL function, and the suite runs on both databases.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from antre.conftest import MONDAY, NIK_KETUT, TUESDAY
from antre.errors import Refusal
from antre.offices.models import Service
from antre.queueing import dbcode, rules
from antre.queueing.models import DailySequence, Ticket
from antre.queueing.services import book_ticket

# Each example is one test database state, set up and rolled back inside the test's fixtures.
ON_THE_DATABASE = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

TICKETS = st.lists(st.tuples(st.sampled_from(list(rules.Status)), st.booleans()), max_size=8)
CHANGES = st.lists(
    st.one_of(
        st.tuples(st.just("status"), st.integers(0, 7), st.sampled_from(list(rules.Status))),
        st.tuples(st.just("priority"), st.integers(0, 7), st.booleans()),
        st.tuples(st.just("move"), st.integers(0, 7), st.sampled_from(["LEGAL", "TUESDAY"])),
        st.tuples(st.just("delete"), st.integers(0, 7), st.none()),
    ),
    max_size=8,
)


def day_of(office, tickets: list[tuple[str, bool]], *, last: int = 0) -> list[Ticket]:
    """Monday's tickets of the CAPIL service, numbered 1, 2, ..., with `last` numbers used in all."""
    service = Service.objects.get(office=office, code="CAPIL")
    made = Ticket.objects.bulk_create(
        Ticket(
            office=office,
            service=service,
            day=MONDAY,
            seq=seq,
            number=rules.format_number(prefix=service.prefix, seq=seq),
            name=f"Warga {seq}",
            status=status,
            is_priority=is_priority,
            priority="elderly" if is_priority else "",
        )
        for seq, (status, is_priority) in enumerate(tickets, start=1)
    )
    if last and not DailySequence.objects.filter(service=service, day=MONDAY).update(last=last):
        DailySequence.objects.create(service=service, day=MONDAY, last=last)
    return made


def change(office, ticket: Ticket, what: str, value) -> None:
    """One edit of a ticket, as a counter, the gate, a transfer or the admin makes it."""
    tickets = Ticket.objects.filter(pk=ticket.pk)
    if what == "status":
        tickets.update(status=value)
    elif what == "priority":
        tickets.update(is_priority=value)
    elif what == "move" and value == "LEGAL":
        tickets.update(service=Service.objects.get(office=office, code="LEGAL"))
    elif what == "move":
        tickets.update(day=TUESDAY)
    else:
        tickets.delete()


def rules_counts() -> dict:
    """Each service-day's counts as antre.queueing.rules counts its tickets."""
    tickets = defaultdict(list)
    for service_id, day, status, is_priority in Ticket.objects.values_list(
        "service_id", "day", "status", "is_priority"
    ):
        tickets[service_id, day].append((status, is_priority))
    return {key: rules.day_counts(day) for key, day in tickets.items()}


def assert_the_database_counts_as_the_rules_do() -> None:
    kept = {
        (service_id, day): rules.DayCounts(taken=taken, waiting=waiting, waiting_priority=priority)
        for service_id, day, taken, waiting, priority in DailySequence.objects.values_list(
            "service_id", "day", "taken", "waiting", "waiting_priority"
        )
    }
    counted = rules_counts()
    days = kept.keys() | counted.keys()  # a day whose tickets all moved away keeps its row, at zero
    assert {key: kept.get(key, rules.DayCounts()) for key in days} == {
        key: counted.get(key, rules.DayCounts()) for key in days
    }


def recount() -> None:
    with connection.cursor() as cursor:
        for sql in dbcode.RECOUNT:
            cursor.execute(sql)


@pytest.mark.usefixtures("monday")
@ON_THE_DATABASE
@given(tickets=TICKETS, changes=CHANGES)
def test_the_counts_the_database_keeps_are_those_of_the_rules(office, tickets, changes):
    with transaction.atomic():
        made = day_of(office, tickets)
        assert_the_database_counts_as_the_rules_do()
        for what, index, value in changes if made else ():
            change(office, made[index % len(made)], what, value)
            assert_the_database_counts_as_the_rules_do()
        recount()
        assert_the_database_counts_as_the_rules_do()
        transaction.set_rollback(True)


@ON_THE_DATABASE
@given(
    quota=st.integers(0, 10),
    tickets=TICKETS,
    # Numbers used besides the tickets' (cancelled and moved away): around 999, the fourth digit.
    numbers_used=st.one_of(st.integers(0, 20), st.integers(985, 1000)),
    priority=st.booleans(),
)
def test_a_booking_decides_as_the_rules_do(office, monday, quota, tickets, numbers_used, priority):
    with transaction.atomic():
        Service.objects.filter(office=office, code="CAPIL").update(daily_quota=quota)
        day_of(office, tickets, last=len(tickets) + numbers_used)
        service = Service.objects.get(office=office, code="CAPIL")
        before = rules.day_counts(tickets)
        numbers = DailySequence.objects.filter(service=service, day=MONDAY).values_list("last", flat=True)
        last = numbers.first()
        try:
            booking = book_ticket(
                office=office,
                service_code="CAPIL",
                name="I Ketut Arsana",
                nik=NIK_KETUT,
                day=MONDAY,
                priority="elderly" if priority else "",
                now=monday,
            )
        except Refusal as refusal:
            event("refused")
            assert (refusal.code, rules.quota_full(quota=quota, taken=before.taken)) == ("quota_full", True)
            assert not Ticket.objects.with_nik(NIK_KETUT).exists()
            assert numbers.first() == last  # the refused booking's number is not lost
        else:
            event(f"booked, {len(booking.ticket.number) - 2} digits")
            assert not rules.quota_full(quota=quota, taken=before.taken)
            seq = (last or 0) + 1
            stored = Ticket.objects.get(pk=booking.ticket.pk)
            assert (stored.seq, stored.number, booking.ticket.number) == (
                seq,
                rules.format_number(prefix=service.prefix, seq=seq),
                rules.format_number(prefix=service.prefix, seq=seq),
            )
            ahead = before.waiting_priority if priority else before.waiting
            assert booking.progress.position == ahead + 1
        assert_the_database_counts_as_the_rules_do()
        transaction.set_rollback(True)


SESSION_STARTS = ("08:00", "10:00", "13:00")  # Tuesday's sessions at the demo office


@ON_THE_DATABASE
@given(
    quotas=st.lists(st.one_of(st.none(), st.integers(0, 4)), min_size=3, max_size=3),
    tickets=st.lists(
        st.tuples(st.sampled_from(SESSION_STARTS), st.sampled_from(list(rules.Status))), max_size=10
    ),
    asked=st.one_of(st.none(), st.sampled_from(SESSION_STARTS)),
)
def test_a_booking_chooses_its_session_as_the_rules_do(office, monday, quotas, tickets, asked):
    """On SQLite the Python path, on PostgreSQL antre_issue_ticket: the same session, or the same refusal."""
    from antre.offices.models import Session, SessionQuota

    with transaction.atomic():
        service = Service.objects.get(office=office, code="CAPIL")
        sessions = {
            s.key: s for s in Session.objects.filter(office=office, weekdays__contains="1").order_by("starts")
        }
        SessionQuota.objects.filter(service=service).delete()
        SessionQuota.objects.bulk_create(
            SessionQuota(session=sessions[key], service=service, quota=quota)
            for key, quota in zip(SESSION_STARTS, quotas, strict=True)
            if quota is not None
        )
        Ticket.objects.bulk_create(
            Ticket(
                office=office,
                service=service,
                day=TUESDAY,
                session=sessions[key],
                seq=seq,
                number=rules.format_number(prefix=service.prefix, seq=seq),
                name=f"Warga {seq}",
                status=status,
            )
            for seq, (key, status) in enumerate(tickets, start=1)
        )
        DailySequence.objects.filter(service=service, day=TUESDAY).update(last=len(tickets))
        taken = {key: sum(rules.is_taken(status=s) for k, s in tickets if k == key) for key in SESSION_STARTS}
        candidates = [asked] if asked else list(SESSION_STARTS)
        expected = rules.first_session_with_room(
            (key, quotas[SESSION_STARTS.index(key)], taken[key]) for key in candidates
        )
        try:
            booking = book_ticket(
                office=office,
                service_code="CAPIL",
                name="I Ketut Arsana",
                nik=NIK_KETUT,
                day=TUESDAY,
                session=asked,
                now=monday,
            )
        except Refusal as refusal:
            event("refused")
            assert (refusal.code, expected) == ("session_full", None)
        else:
            event(f"booked in {booking.ticket.session.key}")
            assert (
                Ticket.objects.get(pk=booking.ticket.pk).session.key == booking.ticket.session.key == expected
            )
            assert booking.ticket.seq == len(tickets) + 1
        assert_the_database_counts_as_the_rules_do()
        transaction.set_rollback(True)
