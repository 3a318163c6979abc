"""Booking into the sessions of a day, through the service layer, on a real database.

The demo office divides Monday to Thursday into 08.00–10.00 ("Pagi I"), 10.00–12.00 ("Pagi II")
and 13.00–15.00 ("Siang"), and Friday (closing at 11.30) into 08.00–10.00 and 10.00–11.30; civil
registration (CAPIL) has a quota in each session, the other services only their daily quota.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection

from antre.conftest import FRIDAY, MONDAY, NEXT_MONDAY, TUESDAY, WEDNESDAY, at, tanggal, wita
from antre.db import hot
from antre.errors import Refusal
from antre.offices.models import ClosedDay, OpeningHours, Service, Session, SessionQuota
from antre.queueing import calling
from antre.queueing.days import day_choices
from antre.queueing.models import Status, Ticket
from antre.queueing.services import cancel_ticket
from antre.queueing.tests.factories import book

EIGHT, TEN, ONE = dt.time(8), dt.time(10), dt.time(13)


def session_of(office, starts: dt.time, weekday: int = 0) -> Session:
    return Session.objects.get(office=office, starts=starts, weekdays__contains=str(weekday))


def session_quota(office, starts: dt.time, quota: int, *, service: str = "CAPIL", weekday: int = 0) -> None:
    """The service's quota in a session, saved as the admin saves it (the calendar's copy follows)."""
    SessionQuota.objects.update_or_create(
        session=session_of(office, starts, weekday),
        service=Service.objects.get(office=office, code=service),
        defaults={"quota": quota},
    )


def refused(office, who, **kwargs) -> Refusal:
    with pytest.raises(Refusal) as refusal:
        book(office, who, service=kwargs.pop("service", "CAPIL"), **kwargs)
    return refusal.value


def starts(ticket: Ticket) -> str | None:
    return ticket.session.key if ticket.session else None


def test_without_a_session_asked_the_booking_takes_the_first_that_has_not_ended(office):
    assert starts(book(office, 1, service="CAPIL", now=at(-60))) == "08:00"  # 07.00, before opening
    assert starts(book(office, 2, service="CAPIL", now=at(90))) == "08:00"  # 09.30: running now
    assert starts(book(office, 3, service="CAPIL", now=at(120))) == "10:00"  # 10.00: the first has ended
    assert starts(book(office, 4, service="CAPIL", now=at(270))) == "13:00"  # 12.30, the lunch hour
    # A later day: its first session, whatever the hour today.
    assert starts(book(office, 5, service="CAPIL", now=at(270), day=TUESDAY)) == "08:00"


def test_a_session_asked_for_by_its_start_is_the_one_booked(office):
    ticket = book(office, 1, service="CAPIL", now=at(0), session="13:00")
    assert (ticket.session.label, ticket.session.name) == ("13.00–15.00", "Siang")
    assert Ticket.objects.get(pk=ticket.pk).session == session_of(office, ONE)


def test_a_full_session_is_refused_and_the_next_one_with_room_offered(office):
    session_quota(office, EIGHT, 2)
    first, second = (book(office, i, service="CAPIL", now=at(0), session="08:00") for i in (1, 2))
    refusal = refused(office, 3, now=at(0), session="08:00")
    assert refusal.code == "session_full" and refusal.status == 409
    assert (
        refusal.message == "Sesi 08.00–10.00 sudah penuh. Sesi berikutnya yang masih ada tempat: 10.00–12.00."
    )
    assert refusal.fields == {"session": refusal.message}
    assert refusal.extra == {"next_available_session": "10:00", "next_available_date": MONDAY.isoformat()}
    # Without a session asked, the full one is passed over; the refused booking left no gap.
    third = book(office, 3, service="CAPIL", now=at(0))
    assert [t.number for t in (first, second, third)] == ["D-001", "D-002", "D-003"]
    assert [starts(t) for t in (first, second, third)] == ["08:00", "08:00", "10:00"]


def test_a_full_session_points_past_a_full_next_one(office):
    session_quota(office, EIGHT, 1)
    session_quota(office, TEN, 1)
    book(office, 1, service="CAPIL", now=at(0), session="08:00")
    book(office, 2, service="CAPIL", now=at(0), session="10:00")
    refusal = refused(office, 3, now=at(0), session="08:00")
    assert refusal.extra["next_available_session"] == "13:00"


def test_a_full_last_session_offers_the_next_day_and_its_first_session(office):
    session_quota(office, ONE, 1)
    lunch_hour = at(270)  # 12.30: only the afternoon session is left today
    book(office, 1, service="CAPIL", now=lunch_hour)
    refusal = refused(office, 2, now=lunch_hour)
    assert refusal.code == "session_full"
    assert refusal.message == (
        f"Sesi 13.00–15.00 sudah penuh. Hari terdekat yang masih ada tempat: {tanggal(TUESDAY)}, sesi 08.00–10.00."
    )
    assert refusal.extra == {"next_available_session": "08:00", "next_available_date": TUESDAY.isoformat()}


def test_every_session_of_a_day_full_refuses_a_booking_without_a_session_too(office):
    for start in (EIGHT, TEN, ONE):
        session_quota(office, start, 1, weekday=1)  # Tuesday's
    for i, start in enumerate(("08:00", "10:00", "13:00")):
        book(office, i, service="CAPIL", now=at(0), day=TUESDAY, session=start)
    refusal = refused(office, 9, now=at(0), day=TUESDAY)
    assert refusal.code == "session_full"
    assert refusal.message.startswith(
        f"Semua sesi Pencatatan sipil: akta kelahiran, kematian, perkawinan, perceraian pada {tanggal(TUESDAY)} sudah penuh."
    )
    assert refusal.extra == {"next_available_session": "08:00", "next_available_date": WEDNESDAY.isoformat()}


def test_a_full_day_is_still_quota_full_whatever_its_sessions(office):
    capil = Service.objects.get(office=office, code="CAPIL")
    capil.daily_quota = 2
    capil.save()
    book(office, 1, service="CAPIL", now=at(0))
    book(office, 2, service="CAPIL", now=at(0), session="13:00")
    refusal = refused(office, 3, now=at(0), session="10:00")  # the session has room; the day has not
    assert refusal.code == "quota_full"
    assert refusal.extra == {"next_available_date": TUESDAY.isoformat()}


def test_a_service_without_a_session_quota_is_limited_by_its_day_only(office):
    ktp = Service.objects.get(office=office, code="KTP")
    ktp.daily_quota = 3
    ktp.save()
    tickets = [book(office, i, service="KTP", now=at(0)) for i in range(3)]
    assert [starts(t) for t in tickets] == ["08:00"] * 3  # no quota of KTP's in the session
    assert refused(office, 4, service="KTP", now=at(0)).code == "quota_full"


def test_a_cancelled_ticket_gives_its_place_in_the_session_back(office):
    session_quota(office, EIGHT, 1)
    first = book(office, 1, service="CAPIL", now=at(0), session="08:00")
    assert refused(office, 2, now=at(0), session="08:00").code == "session_full"
    cancel_ticket(token=first.token, now=at(1))
    assert starts(book(office, 2, service="CAPIL", now=at(2), session="08:00")) == "08:00"


def test_a_session_that_has_ended_is_refused_with_the_next_one(office):
    refusal = refused(office, 1, now=at(150), session="08:00")  # 10.30
    assert refusal.code == "session_ended"
    assert (
        refusal.message
        == "Sesi 08.00–10.00 sudah berakhir. Sesi berikutnya yang masih ada tempat: 10.00–12.00."
    )
    assert refusal.extra == {"next_available_session": "10:00", "next_available_date": MONDAY.isoformat()}


@pytest.mark.parametrize("asked", ["09:00", "9 pagi", "25:00"])
def test_a_session_that_is_not_one_of_the_day_is_a_field_error(office, asked):
    refusal = refused(office, 1, now=at(0), session=asked)
    assert (refusal.code, refusal.status) == ("invalid_fields", 422)
    assert refusal.fields == {"session": "Pilih sesi dari daftar sesi hari itu."}
    assert not Ticket.objects.exists()


def test_friday_has_sessions_of_its_own(office):
    assert starts(book(office, 1, service="CAPIL", now=wita(FRIDAY, 10, 45))) == "10:00"
    assert book(office, 2, service="CAPIL", now=wita(FRIDAY, 10, 45)).session.label == "10.00–11.30"
    assert refused(office, 3, now=wita(FRIDAY, 9), day=FRIDAY, session="13:00").code == "invalid_fields"


def test_after_friday_prayers_a_full_morning_offers_the_afternoon(office):
    """An office open on Friday afternoon, with a break for the prayers and a session after it."""
    OpeningHours.objects.get(office=office, weekday=4).delete()
    OpeningHours.objects.create(
        office=office,
        weekday=4,
        opens=EIGHT,
        closes=dt.time(15),
        break_starts=dt.time(11, 30),
        break_ends=dt.time(13, 30),
    )
    Session.objects.filter(office=office, weekdays="4").delete()
    Session.objects.filter(office=office, weekdays="01234").update(weekdays="0123")
    morning = Session(office=office, name="Pagi", weekdays="4", starts=EIGHT, ends=dt.time(11))
    after_prayers = Session(
        office=office, name="Setelah salat Jumat", weekdays="4", starts=dt.time(13, 30), ends=dt.time(15)
    )
    for session in (morning, after_prayers):
        session.full_clean()
        session.save()
        SessionQuota.objects.create(
            session=session, service=Service.objects.get(office=office, code="CAPIL"), quota=1
        )
    friday = wita(FRIDAY, 9)
    assert starts(book(office, 1, service="CAPIL", now=friday)) == "08:00"
    refusal = refused(office, 2, now=friday, session="08:00")
    assert (
        refusal.message == "Sesi 08.00–11.00 sudah penuh. Sesi berikutnya yang masih ada tempat: 13.30–15.00."
    )
    ticket = book(office, 2, service="CAPIL", now=friday)
    assert (starts(ticket), ticket.session.name) == ("13:30", "Setelah salat Jumat")
    refusal = refused(office, 3, now=friday)
    assert refusal.extra == {
        "next_available_session": "08:00",
        "next_available_date": NEXT_MONDAY.isoformat(),
    }


def test_an_office_without_sessions_books_as_before(office):
    Session.objects.filter(office=office).delete()
    ticket = book(office, 1, service="CAPIL", now=at(270))
    assert (ticket.session, ticket.number, ticket.day) == (None, "D-001", MONDAY)
    assert Ticket.objects.get(pk=ticket.pk).session is None
    refusal = refused(office, 2, now=at(0), session="08:00")
    assert refusal.fields == {"session": "Pilih sesi dari daftar sesi hari itu."}
    assert book(office, 3, service="CAPIL", now=wita(MONDAY, 14, 29)).day == MONDAY  # until the cut-off


def test_booking_from_afar_stops_when_the_last_session_ends_but_the_door_still_issues(office, staff):
    session_of(office, ONE).delete()  # Monday's sessions end at noon; the office stays open until 15.00
    after_sessions = wita(MONDAY, 12, 30)
    refusal = refused(office, 1, now=after_sessions, day=MONDAY)
    assert refusal.code == "closed_day"
    assert (
        refusal.message
        == f"Sesi terakhir hari ini sudah berakhir. Hari terdekat yang masih tersedia: {tanggal(TUESDAY)}."
    )
    assert book(office, 2, service="CAPIL", now=after_sessions).day == TUESDAY  # no day asked: the next
    walk_in = book(
        office, 3, service="CAPIL", now=after_sessions, nik="", channel="walk_in", issued_by=staff["satpam"]
    )
    assert (walk_in.day, walk_in.session) == (MONDAY, None)  # at the door, after the last session
    kiosk = book(office, 4, service="CAPIL", now=after_sessions, channel="kiosk")
    assert (kiosk.day, kiosk.session) == (MONDAY, None)


def test_walk_in_and_kiosk_tickets_take_the_session_running_or_the_next_with_room(office, staff):
    session_quota(office, ONE, 1)
    lunch_hour = at(270)
    walk_in = book(
        office, 1, service="CAPIL", now=lunch_hour, nik="", channel="walk_in", issued_by=staff["satpam"]
    )
    assert (walk_in.day, starts(walk_in)) == (MONDAY, "13:00")
    assert starts(book(office, 2, service="KTP", now=at(30), channel="kiosk")) == "08:00"
    # The afternoon session is full: a walk-in is refused like anyone, and told the next day.
    refusal = refused(office, 3, now=lunch_hour, nik="", channel="walk_in", issued_by=staff["satpam"])
    assert (refusal.code, refusal.extra["next_available_date"]) == ("session_full", TUESDAY.isoformat())


def test_a_transferred_ticket_keeps_its_session(office, gate_off, staff):
    ticket = book(office, 1, service="KTP", now=at(150))  # 10.30
    loket1 = office.counters.get(number=1)  # serves KTP
    assert calling.call_next(counter=loket1, officer=staff["petugas"], now=at(151)).pk == ticket.pk
    moved = calling.transfer_ticket(
        token=ticket.token, officer=staff["petugas"], service_code="CAPIL", now=at(160)
    )
    assert (moved.service.code, starts(Ticket.objects.get(pk=ticket.pk))) == ("CAPIL", "10:00")


def test_the_day_list_counts_the_places_left_in_the_open_sessions(office):
    capil = Service.objects.get(office=office, code="CAPIL")
    days = dict(day_choices(capil, now=at(0)))
    assert days[MONDAY] == 40  # 15 + 15 + 10, the daily quota too
    assert days[TUESDAY] == 30  # a day ahead: the 10 places (25 %) kept for the day itself aside
    assert days[FRIDAY] == 25  # 15 + 10: Friday's two sessions take fewer than the day's quota
    # At 10.30 the morning session is over: its 15 places are gone for today.
    assert dict(day_choices(capil, now=at(150)))[MONDAY] == 25
    book(office, 1, service="CAPIL", now=at(150))
    assert dict(day_choices(capil, now=at(150)))[MONDAY] == 24
    # A service without session quotas: the day's places.
    assert dict(day_choices(Service.objects.get(office=office, code="LEGAL"), now=at(150)))[MONDAY] == 40


def test_a_closed_day_is_skipped_by_the_next_day_with_room(office):
    ClosedDay.objects.create(office=office, date=TUESDAY, reason="Cuti bersama")
    session_quota(office, ONE, 1)
    book(office, 1, service="CAPIL", now=at(270))
    assert refused(office, 2, now=at(270)).extra == {
        "next_available_session": "08:00",
        "next_available_date": WEDNESDAY.isoformat(),
    }
    assert refused(office, 3, now=at(0), day=TUESDAY, session="08:00").code == "closed_day"
    capil = Service.objects.get(office=office, code="CAPIL")
    assert TUESDAY not in dict(day_choices(capil, now=at(0)))


def test_numbers_stay_without_gaps_across_session_refusals(office):
    session_quota(office, EIGHT, 1)
    session_quota(office, TEN, 1)
    session_quota(office, ONE, 1)
    outcomes = []
    for i in range(5):
        try:
            outcomes.append(book(office, i, service="CAPIL", now=at(0)).number)
        except Refusal as refusal:
            outcomes.append(refusal.code)
    assert outcomes == ["D-001", "D-002", "D-003", "session_full", "session_full"]
    assert set(Ticket.objects.values_list("status", flat=True)) == {Status.BOOKED}


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's booking function")
def test_a_process_of_before_sessions_still_books_with_three_arguments(office):
    """During an upgrade of several machines, a process still running the code of before calls
    antre_issue_ticket with its three arguments: it reaches the new function, with no session."""
    ticket = Ticket(
        office=office,
        service=Service.objects.get(office=office, code="CAPIL"),
        day=MONDAY,
        name="I Ketut Arsana",
        issued_at=at(0),
        queued_at=at(0),
    )
    row = {k: v for k, v in json.loads(hot.row_json(ticket)).items() if k != "session_id"}  # as before
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ticket_id, ticket_seq, ticket_number, ahead FROM antre_issue_ticket(%s, %s, %s)",
            [json.dumps(row), "", ""],
        )
        pk, seq, number, ahead = cursor.fetchone()
    assert (seq, number, ahead) == (1, "D-001", 0)
    assert Ticket.objects.get(pk=pk).session is None
