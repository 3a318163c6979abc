"""Invitations follow the door's hours (the first-day issue §2), and stepping out keeps the number (§3)."""

from __future__ import annotations

import datetime as dt

import pytest

from antre.conftest import FRIDAY, MONDAY, TUESDAY, wita
from antre.errors import Refusal
from antre.gate import services as gate
from antre.gate.tests.factories import enter
from antre.live.models import LiveEvent
from antre.offices.models import Counter, OpeningHours
from antre.queueing import calling, door
from antre.queueing.models import Status, Ticket
from antre.queueing.tests.factories import book
from antre.queueing.tickets import invited_until
from antre.whatsapp.models import BusinessNumber, OutboxMessage


def invited(office):
    return list(
        Ticket.objects.filter(office=office, invited_at__isnull=False)
        .order_by("invited_at", "pk")
        .values_list("number", flat=True)
    )


# --- §2: nobody is invited in before the office opens ------------------------------------------


def test_a_dawn_booking_is_not_invited_until_the_office_opens(office, settings):
    settings.WHATSAPP = settings.WHATSAPP | {"token": "t"}
    BusinessNumber.objects.create(office=office, phone_number_id="1100", display_number="0811-3900-100")
    dawn = wita(MONDAY, 5, 38)
    ticket = book(office, 1, now=dawn, phone="0812 3456 7890")
    assert ticket.day == MONDAY  # booked for today, the day the office opens at 08.00
    for minute in (0, 10, 60, 120, 141):  # the worker ticks through the early morning
        assert gate.refresh_invitations(office, now=dawn + dt.timedelta(minutes=minute)) == []
    assert invited(office) == [] and invited_until(ticket, now=wita(MONDAY, 7, 59)) is None
    assert not OutboxMessage.objects.filter(template="antre_silakan_masuk").exists()

    assert [t.number for t in gate.refresh_invitations(office, now=wita(MONDAY, 8, 0))] == [ticket.number]
    ticket.refresh_from_db()
    assert ticket.invitations == 1  # its first chance, not used up at dawn
    assert invited_until(ticket, now=wita(MONDAY, 8, 1)) == wita(MONDAY, 8, 10)
    (message,) = OutboxMessage.objects.filter(template="antre_silakan_masuk")
    params = [p["text"] for p in message.body["template"]["components"][0]["parameters"]]
    assert params == [ticket.number, "08.10 WITA"]


def test_bookings_made_before_opening_are_invited_in_order_once_it_opens(office):
    office.capacity = 2
    office.save()
    first, second, third = (book(office, i, now=wita(MONDAY, 6, i)) for i in range(3))
    assert gate.refresh_invitations(office, now=wita(MONDAY, 7, 30)) == []
    gate.refresh_invitations(
        office,
        now=wita(
            MONDAY,
            8,
            0,
        ),
    )
    assert invited(office) == [first.number, second.number]
    assert third.number not in invited(office)


def test_invitations_may_start_a_few_minutes_before_opening(office):
    office.invite_minutes_before_opening = 15
    office.save()
    ticket = book(office, 1, now=wita(MONDAY, 6))
    assert gate.refresh_invitations(office, now=wita(MONDAY, 7, 44)) == []
    assert [t.pk for t in gate.refresh_invitations(office, now=wita(MONDAY, 7, 45))] == [ticket.pk]


def test_no_invitations_near_closing_and_none_on_a_closed_day(office):
    book(office, 1, now=wita(FRIDAY, 8))  # Friday closes at 11.30; invitations stop at 11.00
    assert gate.refresh_invitations(office, now=wita(FRIDAY, 11, 0)) == []
    assert gate.refresh_invitations(office, now=wita(FRIDAY, 13, 0)) == []
    assert len(gate.refresh_invitations(office, now=wita(FRIDAY, 10, 59))) == 1

    office.closed_days.create(date=TUESDAY, reason="Pemadaman listrik")
    saturday_morning = wita(FRIDAY + dt.timedelta(days=1), 9)
    assert gate.refresh_invitations(office, now=saturday_morning) == []
    assert gate.refresh_invitations(office, now=wita(TUESDAY, 9)) == []


def test_the_break_pauses_invitations_without_using_up_a_citizens_time(office):
    OpeningHours.objects.filter(office=office, weekday=0).update(
        break_starts=dt.time(12, 0), break_ends=dt.time(13, 0)
    )
    office.capacity = 1
    office.save()
    first = book(office, 1, now=wita(MONDAY, 8))
    second = book(office, 2, now=wita(MONDAY, 8))
    assert [t.pk for t in gate.refresh_invitations(office, now=wita(MONDAY, 11, 55))] == [first.pk]
    first.refresh_from_db()
    # Five minutes before the break, five after it: the hour of the break does not count.
    assert invited_until(first, now=wita(MONDAY, 12, 30)) == wita(MONDAY, 13, 5)
    for minute in (0, 20, 59):  # no lapse and no new invitation in the break
        assert gate.refresh_invitations(office, now=wita(MONDAY, 12, minute)) == []
    assert invited(office) == [first.number]
    assert gate.refresh_invitations(office, now=wita(MONDAY, 13, 4)) == []
    assert [t.pk for t in gate.refresh_invitations(office, now=wita(MONDAY, 13, 5))] == [second.pk]


def test_the_outdoor_display_shows_nobody_before_opening(office):
    book(office, 1, now=wita(MONDAY, 5, 38))
    gate.refresh_invitations(office, now=wita(MONDAY, 5, 40))
    assert calling.board(office, now=wita(MONDAY, 5, 41))["invited"] == []
    gate.refresh_invitations(office, now=wita(MONDAY, 8, 0))
    assert calling.board(office, now=wita(MONDAY, 8, 1))["invited"] == ["A-001"]


# --- §3: stepping out is not cancelling ---------------------------------------------------------


def test_stepping_out_keeps_the_number_and_the_place_in_line(office, staff):
    first, second = book(office, 1, now=wita(MONDAY, 8)), book(office, 2, now=wita(MONDAY, 8, 1))
    enter(office, first, staff["satpam"], now=wita(MONDAY, 8, 5))
    enter(office, second, staff["satpam"], now=wita(MONDAY, 8, 6))
    out = gate.record_exit(
        office=office, ticket_ref=first.number, officer=staff["satpam"], now=wita(MONDAY, 8, 10)
    )
    assert out.inside == 1
    first.refresh_from_db()
    assert (first.status, first.number, first.left_at) == (Status.BOOKED, "A-001", wita(MONDAY, 8, 10))
    assert first.arrived_at == wita(MONDAY, 8, 5)
    assert first.has_stepped_out

    back = gate.readmit(
        office=office, ticket_ref=first.number, officer=staff["satpam"], now=wita(MONDAY, 8, 25)
    )
    assert back.admitted and back.inside == 2
    first.refresh_from_db()
    assert (first.status, first.left_at, first.arrived_at) == (
        Status.WAITING_INSIDE,
        None,
        wita(MONDAY, 8, 5),
    )
    loket = Counter.objects.get(office=office, number=1)
    assert calling.call_next(counter=loket, officer=staff["petugas"], now=wita(MONDAY, 8, 30)) == first


def test_after_the_offices_time_a_returning_citizen_is_screened_again(office, staff):
    office.rescreen_after_minutes = 20
    office.save()
    ticket = book(office, 1, now=wita(MONDAY, 8))
    enter(office, ticket, staff["satpam"], now=wita(MONDAY, 8, 5))
    gate.record_exit(
        office=office, ticket_ref=ticket.number, officer=staff["satpam"], now=wita(MONDAY, 8, 10)
    )
    with pytest.raises(Refusal) as refused:
        gate.readmit(
            office=office, ticket_ref=ticket.number, officer=staff["satpam"], now=wita(MONDAY, 8, 30)
        )
    assert refused.value.code == "screening_incomplete"
    assert Ticket.objects.get(pk=ticket.pk).status == Status.BOOKED
    entry = enter(office, ticket, staff["satpam"], now=wita(MONDAY, 8, 31))
    assert entry.admitted and entry.ticket.screenings.count() == 2
    # A fever on return still turns the citizen away.
    gate.record_exit(
        office=office, ticket_ref=ticket.number, officer=staff["satpam"], now=wita(MONDAY, 8, 40)
    )
    assert not enter(office, ticket, staff["satpam"], now=wita(MONDAY, 9, 20), temperature="38.2").admitted


def test_an_office_may_screen_every_return(office, staff):
    office.rescreen_after_minutes = 0
    office.save()
    ticket = book(office, 1, now=wita(MONDAY, 8))
    enter(office, ticket, staff["satpam"], now=wita(MONDAY, 8, 5))
    gate.record_exit(
        office=office, ticket_ref=ticket.number, officer=staff["satpam"], now=wita(MONDAY, 8, 10)
    )
    with pytest.raises(Refusal):
        gate.readmit(
            office=office, ticket_ref=ticket.number, officer=staff["satpam"], now=wita(MONDAY, 8, 11)
        )


def test_the_place_of_one_who_stepped_out_is_kept_for_the_time_to_come_back(office, staff):
    office.capacity = 1
    office.rescreen_after_minutes = 30
    office.save()
    first, second = book(office, 1, now=wita(MONDAY, 8)), book(office, 2, now=wita(MONDAY, 8))
    enter(office, first, staff["satpam"], now=wita(MONDAY, 8, 5))
    gate.record_exit(office=office, ticket_ref=first.number, officer=staff["satpam"], now=wita(MONDAY, 8, 10))
    # Nobody else is invited into the place, and nobody else gets in at the door.
    assert gate.refresh_invitations(office, now=wita(MONDAY, 8, 11)) == []
    with pytest.raises(Refusal) as refused:
        enter(office, second, staff["satpam"], now=wita(MONDAY, 8, 12))
    assert refused.value.code == "capacity_full" and "disimpan" in refused.value.message
    back = gate.readmit(
        office=office, ticket_ref=first.number, officer=staff["satpam"], now=wita(MONDAY, 8, 35)
    )
    assert back.admitted and back.inside == 1


def test_after_the_time_to_come_back_the_place_goes_to_the_next_citizen(office, staff):
    office.capacity = 1
    office.rescreen_after_minutes = 30
    office.save()
    first, second = book(office, 1, now=wita(MONDAY, 8)), book(office, 2, now=wita(MONDAY, 8))
    enter(office, first, staff["satpam"], now=wita(MONDAY, 8, 5))
    gate.record_exit(office=office, ticket_ref=first.number, officer=staff["satpam"], now=wita(MONDAY, 8, 10))
    assert [t.pk for t in gate.refresh_invitations(office, now=wita(MONDAY, 8, 40))] == [second.pk]
    enter(office, second, staff["satpam"], now=wita(MONDAY, 8, 42))
    with pytest.raises(Refusal) as refused:  # back late: screened again, and only when there is room
        enter(office, first, staff["satpam"], now=wita(MONDAY, 8, 45))
    assert refused.value.code == "capacity_full"


def test_going_home_for_good_is_asked_for_and_ends_the_number(office, staff):
    ticket = book(office, 1, now=wita(MONDAY, 8))
    enter(office, ticket, staff["satpam"], now=wita(MONDAY, 8, 5))
    gone = gate.record_exit(
        office=office,
        ticket_ref=ticket.number,
        officer=staff["satpam"],
        going_home=True,
        now=wita(MONDAY, 8, 9),
    )
    assert gone.inside == 0
    ticket.refresh_from_db()
    assert (ticket.status, ticket.finished_at) == (Status.CANCELLED, wita(MONDAY, 8, 9))
    with pytest.raises(Refusal):
        gate.readmit(
            office=office, ticket_ref=ticket.number, officer=staff["satpam"], now=wita(MONDAY, 8, 10)
        )


def test_a_citizen_called_while_outside_frees_the_counter_for_the_next(office, staff):
    first, second = book(office, 1, now=wita(MONDAY, 8)), book(office, 2, now=wita(MONDAY, 8))
    enter(office, first, staff["satpam"], now=wita(MONDAY, 8, 5))
    enter(office, second, staff["satpam"], now=wita(MONDAY, 8, 6))
    loket = Counter.objects.get(office=office, number=1)
    assert calling.call_next(counter=loket, officer=staff["petugas"], now=wita(MONDAY, 8, 10)) == first
    gate.record_exit(office=office, ticket_ref=first.number, officer=staff["satpam"], now=wita(MONDAY, 8, 11))
    first.refresh_from_db()
    assert (first.status, first.counter) == (Status.BOOKED, None)
    # The counter is told, and may call the next one instead of waiting.
    event = LiveEvent.objects.filter(ticket_token=first.token).latest("seq")
    assert (event.kind, event.data["action"]) == ("update", "stepped_out")
    assert calling.call_next(counter=loket, officer=staff["petugas"], now=wita(MONDAY, 8, 12)) == second


# --- what a day at the door looks like, found by working a day as each role ---------------------


def test_the_door_takes_nobody_in_before_opening_after_closing_or_on_a_closed_day(office, staff):
    ticket = book(office, 1, now=wita(MONDAY, 6))
    for when in (wita(MONDAY, 6, 30), wita(MONDAY, 15, 1)):
        with pytest.raises(Refusal) as refused:
            enter(office, ticket, staff["satpam"], now=when)
        assert refused.value.code == "door_closed"
    assert "mulai pukul 08.00 WITA" in _refusal(office, ticket, staff, wita(MONDAY, 7)).message
    assert enter(office, ticket, staff["satpam"], now=wita(MONDAY, 8, 1)).admitted

    on_tuesday = book(office, 2, now=wita(MONDAY, 9), day=TUESDAY)
    office.closed_days.create(date=TUESDAY, reason="Pemadaman listrik")  # cancels it, see test below
    on_tuesday.refresh_from_db()
    assert on_tuesday.status == Status.CANCELLED


def _refusal(office, ticket, staff, when):
    with pytest.raises(Refusal) as refused:
        enter(office, ticket, staff["satpam"], now=when)
    return refused.value


def test_a_day_closed_after_booking_cancels_its_tickets_and_tells_the_citizens(client, office, settings):
    settings.WHATSAPP = settings.WHATSAPP | {"token": "t"}
    BusinessNumber.objects.create(office=office, phone_number_id="1100", display_number="0811-3900-100")
    with_phone = book(office, 1, now=wita(MONDAY, 9), day=TUESDAY, phone="0812 3456 7890")
    without = book(office, 2, now=wita(MONDAY, 9), day=TUESDAY)
    other_day = book(office, 3, now=wita(MONDAY, 9), day=TUESDAY + dt.timedelta(days=1))
    office.closed_days.create(date=TUESDAY, reason="Pemadaman listrik")
    assert set(Ticket.objects.filter(day=TUESDAY).values_list("status", flat=True)) == {Status.CANCELLED}
    assert Ticket.objects.get(pk=other_day.pk).status == Status.BOOKED
    (message,) = OutboxMessage.objects.filter(template="antre_kantor_tutup")
    params = [p["text"] for p in message.body["template"]["components"][0]["parameters"]]
    assert (
        message.to == "6281234567890" and params[0] == with_phone.number and params[2] == "Pemadaman listrik"
    )
    page = client.get(f"/tiket/{without.token}/").content.decode()
    assert (
        "kantor tutup pada" in page and "Pemadaman listrik" in page and "Ambil nomor untuk hari lain" in page
    )
    # The citizen may book another day at once: the number no longer holds the NIK.
    assert book(office, 2, now=wita(MONDAY, 9, 5), day=TUESDAY + dt.timedelta(days=1)).status == Status.BOOKED


def test_the_admin_is_told_how_many_booked_tickets_a_new_closed_day_cancelled(client, office, staff):
    book(office, 1, now=wita(MONDAY, 9), day=TUESDAY)
    admin = staff["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    response = client.post(
        "/admin/offices/closedday/add/",
        {"office": office.pk, "date": TUESDAY.isoformat(), "reason": "Pemadaman listrik"},
        follow=True,
    )
    assert "1 nomor antrean untuk" in response.content.decode() and "dibatalkan" in response.content.decode()


def test_booking_for_today_closes_when_the_last_invitation_has_gone(office, staff):
    late = wita(MONDAY, 14, 45)  # Monday closes at 15.00; nobody is invited after 14.30
    assert book(office, 1, now=late).day == TUESDAY  # without a date: the next day the office opens
    with pytest.raises(Refusal) as refused:
        book(office, 2, now=late, day=MONDAY)
    assert (
        refused.value.code == "closed_day"
        and "Pendaftaran untuk hari ini sudah ditutup" in refused.value.message
    )
    assert refused.value.extra["next_available_date"] == TUESDAY.isoformat()
    # The gate still issues a walk-in ticket for a citizen standing at the door.
    walk_in = book(office, 3, now=late, nik="", channel="walk_in", issued_by=staff["satpam"])
    assert walk_in.day == MONDAY
    # Without a door check, nobody waits for an invitation: today stays bookable until closing.
    office.gate_enabled = False
    office.save()
    assert book(office, 4, now=late).day == MONDAY


def test_a_no_show_back_in_the_queue_is_counted_inside_again(office, staff):
    first, second = book(office, 1, now=wita(MONDAY, 8)), book(office, 2, now=wita(MONDAY, 8))
    enter(office, first, staff["satpam"], now=wita(MONDAY, 8, 5))
    enter(office, second, staff["satpam"], now=wita(MONDAY, 8, 6))
    loket = Counter.objects.get(office=office, number=1)
    assert calling.call_next(counter=loket, officer=staff["petugas"], now=wita(MONDAY, 8, 10)) == first
    calling.mark_no_show(token=first.token, officer=staff["petugas"], now=wita(MONDAY, 8, 15))
    assert door.inside_now(office, MONDAY) == 1  # counted out at the no-show
    calling.recall_ticket(token=first.token, officer=staff["petugas"], now=wita(MONDAY, 8, 20))
    assert door.inside_now(office, MONDAY) == 2  # back in the queue, in the room: counted in
    assert calling.board(office, now=wita(MONDAY, 8, 21))["inside"] == 2


def test_the_screen_outside_says_what_the_door_is_doing(client, office):
    import time_machine

    OpeningHours.objects.filter(office=office, weekday=0).update(
        break_starts=dt.time(12, 0), break_ends=dt.time(13, 0)
    )
    for when, text, inviting in (
        (wita(MONDAY, 6), "Pintu masuk dibuka pukul 08.00 WITA.", False),
        (wita(MONDAY, 9), "", True),
        (wita(MONDAY, 12, 30), "Istirahat. Pintu masuk dibuka lagi pukul 13.00 WITA.", True),
        (wita(MONDAY, 14, 40), "Hari ini tidak ada undangan masuk lagi.", True),
        (wita(MONDAY, 15, 30), "Layanan hari ini sudah selesai.", False),
        (wita(FRIDAY + dt.timedelta(days=1), 9), "Kantor tutup hari ini.", False),
    ):
        with time_machine.travel(when, tick=False):
            page = client.get("/k/tabanan/luar/").content.decode()
        state = page.split('id="door-state"')[1].split("</p>")[0]
        assert (text in state) if text else "hidden" in state, when
        assert ('id="invited-heading" hidden' not in page) == inviting, when


def test_a_citizen_called_again_after_stepping_out_is_told_the_new_counter(office, staff, settings):
    settings.WHATSAPP = settings.WHATSAPP | {"token": "t"}
    BusinessNumber.objects.create(office=office, phone_number_id="1100", display_number="0811-3900-100")
    ticket = book(office, 1, now=wita(MONDAY, 8), phone="0812 3456 7890")
    enter(office, ticket, staff["satpam"], now=wita(MONDAY, 8, 5))
    loket1, loket3 = (Counter.objects.get(office=office, number=n) for n in (1, 3))
    calling.call_next(counter=loket1, officer=staff["petugas"], now=wita(MONDAY, 8, 10))
    gate.record_exit(
        office=office, ticket_ref=ticket.number, officer=staff["satpam"], now=wita(MONDAY, 8, 11)
    )
    gate.readmit(office=office, ticket_ref=ticket.number, officer=staff["satpam"], now=wita(MONDAY, 8, 20))
    calling.call_next(counter=loket3, officer=staff["petugas"], now=wita(MONDAY, 8, 21))
    calls = OutboxMessage.objects.filter(template="antre_dipanggil").order_by("pk")
    counters = [m.body["template"]["components"][0]["parameters"][1]["text"] for m in calls]
    assert counters == ["1", "3"]
