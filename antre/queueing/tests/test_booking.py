"""Booking a queue number through the service layer, on a real database."""

import datetime as dt

import pytest
from django.db import connection, transaction

from antre.conftest import (
    FRIDAY,
    KETUT,
    MADE,
    MONDAY,
    NEXT_MONDAY,
    NIK_KETUT,
    NIK_MADE,
    SATURDAY,
    TUESDAY,
    WEDNESDAY,
    wita,
)
from antre.errors import Refusal
from antre.offices.models import ClosedDay, Service
from antre.queueing.models import DailySequence, IdempotencyKey, Status, Ticket
from antre.queueing.services import book_ticket, cancel_ticket
from antre.queueing.tests.factories import book, booking
from antre.queueing.tickets import progress


def assert_nothing_written():
    assert Ticket.objects.count() == 0
    assert DailySequence.objects.count() == 0
    assert IdempotencyKey.objects.count() == 0


def test_ketut_books_the_first_number_of_the_day(office, monday):
    ticket = book(office, KETUT, service="CAPIL", now=monday, name="i ketut  arsana", phone="0812-3456-7890")
    assert ticket.number == "D-001"
    assert ticket.day == monday.date()
    assert ticket.status == Status.BOOKED
    assert ticket.name == "I Ketut Arsana"
    assert ticket.phone == "+6281234567890"
    assert progress(ticket, now=monday).position == 1


def test_numbers_go_up_per_service_and_day(office, monday):
    first = book(office, 1, service="CAPIL", now=monday)
    second = book(office, 2, service="CAPIL", now=monday)
    other_service = book(office, 3, service="LEGAL", now=monday)
    tomorrow = book(office, 4, service="CAPIL", now=monday, day=monday.date() + dt.timedelta(days=1))
    assert [first.number, second.number, other_service.number, tomorrow.number] == [
        "D-001",
        "D-002",
        "E-001",
        "D-001",
    ]


def test_numbering_restarts_at_the_office_midnight_not_utc(office):
    # 14:20 WITA on Monday is 06:20 UTC; 00:10 WITA on Tuesday is still Monday (16:10) in UTC.
    late_monday = wita(MONDAY, 14, 20)
    just_after_midnight = wita(TUESDAY, 0, 10)
    assert just_after_midnight.astimezone(dt.UTC).date() == MONDAY
    monday_ticket = book(office, 1, service="CAPIL", now=late_monday)
    tuesday_ticket = book(office, 2, service="CAPIL", now=just_after_midnight)
    assert (monday_ticket.day, monday_ticket.number) == (MONDAY, "D-001")
    assert (tuesday_ticket.day, tuesday_ticket.number) == (TUESDAY, "D-001")


def test_priority_visitors_are_ahead_in_the_queue(office, monday):
    early = book(office, 1, service="CAPIL", now=monday)
    elderly = book(office, 2, service="CAPIL", now=monday, priority="elderly")
    assert progress(elderly, now=monday).position == 1
    assert progress(early, now=monday).position == 2


def test_a_full_day_is_refused_and_the_next_day_with_room_offered(office, monday):
    Service.objects.filter(office=office, code="CAPIL").update(daily_quota=2)
    book(office, 1, service="CAPIL", now=monday)
    book(office, 2, service="CAPIL", now=monday)
    with pytest.raises(Refusal) as refused:
        book(office, 3, service="CAPIL", now=monday)
    assert refused.value.code == "quota_full"
    assert refused.value.extra["next_available_date"] == TUESDAY.isoformat()
    assert "sudah penuh" in refused.value.message
    assert Ticket.objects.count() == 2
    assert DailySequence.objects.get().last == 2  # the refused booking left no gap


def test_numbers_past_999_keep_every_digit(office, monday):
    service = Service.objects.get(office=office, code="CAPIL")
    DailySequence.objects.create(service=service, day=monday.date(), last=998)
    numbers = [book(office, i, service="CAPIL", now=monday).number for i in range(3)]
    assert numbers == ["D-999", "D-1000", "D-1001"]
    assert list(Ticket.objects.order_by("seq").values_list("number", flat=True)) == numbers


def test_a_refusal_leaves_the_callers_transaction_usable(office, monday):
    with transaction.atomic():  # e.g. a gate officer's action that books as one of its steps
        book(office, KETUT, service="CAPIL", now=monday)
        with pytest.raises(Refusal):
            book(office, KETUT, service="CAPIL", now=monday, name="Someone Else")
        assert book(office, KETUT, service="LEGAL", now=monday).number == "E-001"
    assert Ticket.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_refusal_writes_nothing_and_a_booking_is_whole(monday, settings):
    """The opening rush's own path: no transaction around the booking (on PostgreSQL, one statement)."""
    from antre.seed import seed_demo_office
    from antre.whatsapp.models import BusinessNumber, OutboxMessage

    settings.WHATSAPP = {
        "api_base": "http://127.0.0.1:9/none",
        "token": "t",
        "app_secret": "s",
        "verify_token": "v",
    }
    office = seed_demo_office(today=monday.date())
    BusinessNumber.objects.create(office=office, phone_number_id="1100", display_number="0811-3900-100")
    Service.objects.filter(office=office, code="CAPIL").update(daily_quota=2)
    assert not connection.in_atomic_block
    first = booking(office, KETUT, service="CAPIL", now=monday, idempotency_key="k-1")
    assert (first.ticket.number, first.progress.position) == ("D-001", 1)
    with pytest.raises(Refusal) as duplicate:
        book(office, KETUT, service="CAPIL", now=monday, name="Someone Else")
    assert duplicate.value.code == "duplicate_ticket"
    second = booking(office, MADE, service="CAPIL", now=monday, name="Made Wirawan", phone="0812 3456 7890")
    assert (second.ticket.number, second.progress.position) == ("D-002", 2)
    with pytest.raises(Refusal) as full:
        book(office, 3, service="CAPIL", now=monday)
    assert full.value.code == "quota_full"
    assert DailySequence.objects.get().last == 2  # neither refusal used up a number
    stored = Ticket.objects.get(number="D-001")
    assert (stored.token, stored.name, stored.nik, stored.issued_at) == (
        first.ticket.token,
        "I Ketut Arsana",
        NIK_KETUT,
        first.ticket.issued_at,
    )
    assert IdempotencyKey.objects.get(key="k-1").ticket == stored
    (message,) = OutboxMessage.objects.all()  # the WhatsApp confirmation, committed with its ticket
    assert (message.to, message.body["template"]["name"]) == ("6281234567890", "antre_tiket")
    # and the retry of the first booking, outside a transaction too, is answered with its ticket
    again = booking(office, KETUT, service="CAPIL", now=monday, idempotency_key="k-1")
    assert (again.created, again.ticket.pk) == (False, stored.pk)


def test_the_database_code_knows_every_ticket_column_and_the_statuses(db):
    """antre.queueing.dbcode names the ticket's columns; the statuses the model stores are the rules'."""
    from antre.offices.models import ServiceMode
    from antre.queueing import dbcode, rules
    from antre.queueing.models import WAITING_STATUSES

    assert set(dbcode.TICKET_COLUMNS) | set(dbcode.NOT_BOOKED) == {
        f.column for f in Ticket._meta.local_concrete_fields if not f.primary_key
    }
    assert [(s.name, s.value) for s in Status] == [(s.name, s.value) for s in rules.Status]
    assert (dbcode.NOT_TAKEN, dbcode.WAITING) == (Status.CANCELLED, WAITING_STATUSES)
    assert dbcode.ONLINE == ServiceMode.ONLINE


def test_the_database_runs_the_current_database_code(db):
    """The test database is built by the migrations: what they installed must be dbcode's code."""
    import re

    from antre.queueing import dbcode

    def words(sql):
        return " ".join(re.sub(r"\bIF NOT EXISTS\b|\bpublic\.", "", sql).split())

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(  # the current signatures; a retired one may stay for older processes
                "SELECT prosrc FROM pg_proc WHERE oid IN (to_regprocedure('antre_ticket_counts()'), to_regprocedure(%s))",
                [dbcode.ISSUE_TICKET],
            )
            installed = sorted(words(body) for (body,) in cursor.fetchall())
            expected = sorted(words(sql.split("$fn$")[1]) for sql in dbcode.POSTGRESQL if "$fn$" in sql)
            assert installed == expected
            cursor.execute(
                "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = 'antre_ticket_counts'"
            )
            (trigger,) = [
                words(sql) for sql in dbcode.POSTGRESQL if sql.lstrip().startswith("CREATE TRIGGER")
            ]
            assert words(cursor.fetchone()[0]) == trigger
        else:
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'antre_%' ORDER BY name"
            )
            assert sorted(words(sql) for (sql,) in cursor.fetchall()) == sorted(
                words(sql) for sql in dbcode.SQLITE
            )


def test_a_fault_is_not_reported_to_the_citizen_as_a_duplicate(office, monday):
    from django.db import IntegrityError

    book(office, 1, service="CAPIL", now=monday)
    DailySequence.objects.update(last=0)  # a damaged number row: the next number is taken already
    with pytest.raises(IntegrityError):
        book(office, 2, service="CAPIL", now=monday)


def test_a_recount_repairs_numbers_and_counts_of_tickets_made_outside_a_booking(office, monday):
    from antre.queueing import dbcode

    ticket = book(office, 1, service="CAPIL", now=monday)
    DailySequence.objects.all().delete()  # e.g. tickets imported from another system
    with connection.cursor() as cursor:
        for sql in dbcode.RECOUNT:
            cursor.execute(sql)
    row = DailySequence.objects.get()
    assert (row.last, row.taken, row.waiting) == (1, 1, 1)
    assert book(office, 2, service="CAPIL", now=monday).number == "D-002"
    assert ticket.number == "D-001"


def test_lost_triggers_are_put_back_and_the_counts_recounted(office, monday):
    """On SQLite a migration that rebuilds the ticket table drops its triggers; `antre serve` notices."""
    from antre.queueing import dbcode

    book(office, 1, service="CAPIL", now=monday)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER antre_ticket_counts ON queueing_ticket")
        else:
            for name in dbcode.SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER {name}")
    book(office, 2, service="CAPIL", now=monday)  # not counted: no trigger
    assert DailySequence.objects.get().taken == 1
    assert dbcode.ensure(connection) is True
    assert DailySequence.objects.get().taken == 2
    assert dbcode.ensure(connection) is False
    book(office, 3, service="CAPIL", now=monday)
    assert DailySequence.objects.get().taken == 3


def test_a_cancelled_ticket_gives_its_place_back_but_not_its_number(office, monday):
    Service.objects.filter(office=office, code="CAPIL").update(daily_quota=1)
    first = book(office, 1, service="CAPIL", now=monday)
    cancel_ticket(token=first.token)
    second = book(office, 2, service="CAPIL", now=monday)
    assert second.number == "D-002"


def test_one_active_ticket_per_nik_per_service_per_day(office, monday):
    book(office, KETUT, service="CAPIL", now=monday)
    with pytest.raises(Refusal) as refused:
        book(office, KETUT, service="CAPIL", now=monday, name="Someone Else")
    assert refused.value.code == "duplicate_ticket"
    assert Ticket.objects.count() == 1
    # Another service, or another day, is fine; so is booking again after cancelling.
    book(office, KETUT, service="LEGAL", now=monday)
    book(office, KETUT, service="CAPIL", now=monday, day=monday.date() + dt.timedelta(days=1))


def test_booking_again_after_cancelling(office, monday):
    first = book(office, KETUT, service="CAPIL", now=monday)
    cancel_ticket(token=first.token)
    assert book(office, KETUT, service="CAPIL", now=monday).number == "D-002"


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"nik": "1234"}, "invalid_fields", "nik"),
        ({"nik": "5102011203850000"}, "invalid_fields", "nik"),
        ({"nik": ""}, "invalid_fields", "nik"),
        ({"name": "1"}, "invalid_fields", "name"),
        ({"phone": "123"}, "invalid_fields", "phone"),
        ({"priority": "vip"}, "invalid_fields", "priority"),
        ({"service": "PASPOR"}, "unknown_service", "service"),
        ({"day": SATURDAY}, "closed_day", "date"),
        ({"day": MONDAY - dt.timedelta(days=3)}, "date_in_past", "date"),
        ({"day": MONDAY + dt.timedelta(days=90)}, "date_too_far", "date"),
    ],
)
def test_refusals_say_why_and_write_nothing(office, monday, fields, code, field):
    with pytest.raises(Refusal) as refused:
        book(office, KETUT, now=monday, **({"service": "CAPIL"} | fields))
    assert refused.value.code == code
    assert field in refused.value.fields
    assert refused.value.message
    assert_nothing_written()


def test_an_online_service_is_not_booked_as_a_visit(office, monday):
    with pytest.raises(Refusal) as refused:
        book(office, KETUT, service="KK", now=monday)
    assert refused.value.code == "online_only"
    assert_nothing_written()


def test_a_closed_day_the_admin_adds_is_refused(office, monday):
    ClosedDay.objects.create(office=office, date=TUESDAY, reason="Hari raya Galungan")
    with pytest.raises(Refusal) as refused:
        book(office, KETUT, service="CAPIL", now=monday, day=TUESDAY)
    assert refused.value.code == "closed_day"
    assert refused.value.extra["next_available_date"] == WEDNESDAY.isoformat()


def test_today_after_closing_time_is_refused(office):
    friday_noon = wita(FRIDAY, 12)  # Friday closes at 11:30
    with pytest.raises(Refusal) as refused:
        book(office, KETUT, service="CAPIL", now=friday_noon, day=FRIDAY)
    assert refused.value.code == "closed_day"
    assert refused.value.extra["next_available_date"] == NEXT_MONDAY.isoformat()


def test_without_a_date_the_earliest_open_day_is_booked(office, staff):
    friday_noon = wita(FRIDAY, 12)
    assert book(office, KETUT, service="CAPIL", now=friday_noon).day == NEXT_MONDAY
    assert book(office, 1, service="CAPIL", now=wita(FRIDAY, 9)).day == FRIDAY
    with pytest.raises(Refusal) as refused:  # a walk-in after closing is not moved to Monday
        book(office, service="CAPIL", now=friday_noon, nik="", channel="walk_in", issued_by=staff["satpam"])
    assert refused.value.code == "closed_day"


def test_an_idempotent_retry_returns_the_same_ticket(office, monday):
    first = book_ticket(
        office=office,
        service_code="CAPIL",
        name="Ni Made Sari",
        nik=NIK_MADE,
        now=monday,
        idempotency_key="retry-1",
    )
    again = book_ticket(
        office=office,
        service_code="CAPIL",
        name="Ni Made Sari",
        nik=NIK_MADE,
        now=monday,
        idempotency_key="retry-1",
    )
    assert first.created and not again.created
    assert again.ticket.pk == first.ticket.pk
    with pytest.raises(Refusal) as refused:
        book_ticket(
            office=office,
            service_code="LEGAL",
            name="Ni Made Sari",
            nik=NIK_MADE,
            now=monday,
            idempotency_key="retry-1",
        )
    assert refused.value.code == "idempotency_key_reused"
    assert Ticket.objects.count() == 1


def test_walk_in_tickets_are_for_staff_and_need_no_nik(office, monday, staff):
    with pytest.raises(Refusal) as refused:
        book(office, service="CAPIL", now=monday, nik="", channel="walk_in")
    assert refused.value.code == "forbidden"
    ticket = book(
        office,
        service="CAPIL",
        now=monday,
        nik="",
        channel="walk_in",
        issued_by=staff["satpam"],
        name="Nenek Wayan",
    )
    assert ticket.nik == "" and ticket.channel == "walk_in"
    # Two walk-ins without NIK do not collide on the one-ticket-per-NIK rule.
    book(
        office,
        service="CAPIL",
        now=monday,
        nik="",
        channel="walk_in",
        issued_by=staff["satpam"],
        name="Kakek Nyoman",
    )


def test_cancelling_a_called_ticket_is_refused(office, monday):
    ticket = book(office, KETUT, service="CAPIL", now=monday)
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.CALLED)
    with pytest.raises(Refusal) as refused:
        cancel_ticket(token=ticket.token)
    assert refused.value.code == "invalid_transition"
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CALLED


def test_a_retry_after_the_clock_moved_on_still_returns_the_first_ticket(office):
    before_closing = wita(FRIDAY, 11, 29)  # Friday closes at 11:30
    after_closing = before_closing + dt.timedelta(minutes=2)
    first = book_ticket(
        office=office,
        service_code="CAPIL",
        name="Budi",
        nik=NIK_KETUT,
        now=before_closing,
        idempotency_key="slow-network",
    )
    retry = book_ticket(
        office=office,
        service_code="CAPIL",
        name="Budi",
        nik=NIK_KETUT,
        now=after_closing,
        idempotency_key="slow-network",
    )
    assert retry.ticket.pk == first.ticket.pk and not retry.created


def test_gate_staff_of_another_office_cannot_issue_walk_ins_here(office, monday):
    from antre.offices.tests.factories import another_office
    from antre.people.models import Role
    from antre.people.tests.factories import officer

    satpam_badung = officer(Role.PETUGAS_PINTU, another_office())
    with pytest.raises(Refusal) as refused:
        book(office, service="CAPIL", now=monday, nik="", channel="walk_in", issued_by=satpam_badung)
    assert refused.value.code == "forbidden"
    assert_nothing_written()


def test_yesterdays_ticket_has_no_position_and_cannot_be_cancelled(office, monday):
    ticket = book(office, KETUT, service="CAPIL", now=monday)
    a_day_later = monday + dt.timedelta(days=1)
    assert progress(ticket, now=a_day_later).position is None
    with pytest.raises(Refusal) as refused:
        cancel_ticket(token=ticket.token, now=a_day_later)
    assert refused.value.code == "invalid_transition"


def test_a_booking_takes_its_times_from_the_now_it_is_given_not_the_real_clock(office):
    # No pinned clock here: a replay, or a test, hands its own "now" down.
    when = wita(NEXT_MONDAY, 8, 30)
    ticket = book(office, KETUT, service="CAPIL", now=when)
    ticket.refresh_from_db()
    assert (ticket.issued_at, ticket.queued_at) == (when, when)


def test_a_closed_day_long_past_still_counts_for_a_booking_made_back_then(office):
    # A replay of last month books as it was then: the calendar keeps every closed day, not only
    # those after the real yesterday.
    past_monday = MONDAY - dt.timedelta(weeks=8)
    ClosedDay.objects.create(office=office, date=past_monday, reason="Hari raya Galungan")
    with pytest.raises(Refusal) as refused:
        book(office, KETUT, service="CAPIL", now=wita(past_monday, 9), day=past_monday)
    assert refused.value.code == "closed_day"
    assert (
        book(
            office, KETUT, service="CAPIL", now=wita(past_monday, 9), day=past_monday + dt.timedelta(days=1)
        ).day
        != past_monday
    )
