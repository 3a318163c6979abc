"""Pickup after approval: the verifier proposes a day, the citizen may move it; the note says the day."""

from __future__ import annotations

import pytest

from antre.applications import review
from antre.applications.tests.factories import apply, step
from antre.conftest import FRIDAY, KETUT, MONDAY, NIK_MADE, SATURDAY, TUESDAY, WEDNESDAY, tanggal
from antre.offices.models import Service
from antre.queueing.models import Status, Ticket
from antre.queueing.tests.factories import book


@pytest.fixture
def approved(client, office, staff, monday):
    application = apply(client)
    step(application, staff["verifikator"], "claim", "approve")
    return application


@pytest.fixture
def verifier(client, staff):
    desk = client.__class__()
    desk.force_login(staff["verifikator"])
    return desk


def someone_else_picks_up(day):
    return book(Service.objects.get(code="AMBIL").office, KETUT, service="AMBIL", day=day)


def only_one_place_a_day():
    Service.objects.filter(code="AMBIL").update(daily_quota=1)


def test_the_verifier_is_offered_open_days_with_room_the_first_chosen_by_default(approved, verifier):
    only_one_place_a_day()
    someone_else_picks_up(MONDAY)  # today is full
    page = verifier.get(f"/kantor/permohonan/{approved.code}/").content.decode()
    assert tanggal(TUESDAY) in page and tanggal(WEDNESDAY) in page
    assert tanggal(MONDAY) not in page and tanggal(SATURDAY) not in page  # full, closed
    response = verifier.post(
        f"/kantor/permohonan/{approved.code}/", {"action": "publish", "result": "pickup"}
    )
    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.pickup_ticket.day == TUESDAY  # the first day with room, not today


def test_the_verifier_proposes_a_day_and_the_note_says_it_in_the_apps_date_style(client, approved, verifier):
    verifier.post(
        f"/kantor/permohonan/{approved.code}/",
        {"action": "publish", "result": "pickup", "pickup_day": WEDNESDAY.isoformat()},
    )
    approved.refresh_from_db()
    ticket = approved.pickup_ticket
    assert ticket.day == WEDNESDAY and ticket.service.code == "AMBIL" and ticket.nik == NIK_MADE
    expected = (
        f"Silakan ambil dokumen di kantor dengan nomor antrean {ticket.number} pada {tanggal(WEDNESDAY)}."
    )
    assert approved.history.last().note == expected
    assert expected in client.get(f"/permohonan/{approved.code}/").content.decode()


def test_the_citizen_moves_the_pickup_to_another_day(client, approved, staff):
    review.publish(code=approved.code, officer=staff["verifikator"], result="pickup", pickup_day=TUESDAY)
    approved.refresh_from_db()
    old = approved.pickup_ticket
    page = client.get(f"/permohonan/{approved.code}/").content.decode()
    assert "Ganti hari pengambilan" in page and f'value="{FRIDAY.isoformat()}"' in page
    response = client.post(f"/permohonan/{approved.code}/hari-ambil/", {"pickup_day": FRIDAY.isoformat()})
    assert response.status_code == 302
    approved.refresh_from_db()
    old.refresh_from_db()
    new = approved.pickup_ticket
    assert old.status == Status.CANCELLED
    assert new.pk != old.pk and new.day == FRIDAY and new.status == Status.BOOKED
    page = client.get(f"/permohonan/{approved.code}/").content.decode()
    assert f"Hari pengambilan diganti: nomor antrean {new.number} pada {tanggal(FRIDAY)}." in page


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (SATURDAY, f"Kantor tutup pada {tanggal(SATURDAY)}."),
        (WEDNESDAY, f"Kuota Pengambilan dokumen untuk {tanggal(WEDNESDAY)} sudah penuh."),
    ],
)
def test_a_closed_or_full_day_is_refused_and_the_old_ticket_stands(client, approved, staff, day, message):
    review.publish(code=approved.code, officer=staff["verifikator"], result="pickup", pickup_day=TUESDAY)
    only_one_place_a_day()
    someone_else_picks_up(WEDNESDAY)
    approved.refresh_from_db()
    old = approved.pickup_ticket
    response = client.post(f"/permohonan/{approved.code}/hari-ambil/", {"pickup_day": day.isoformat()})
    assert response.status_code == 409
    assert message in response.content.decode()
    old.refresh_from_db()
    approved.refresh_from_db()
    assert old.status == Status.BOOKED and approved.pickup_ticket_id == old.pk
    assert Ticket.objects.with_nik(NIK_MADE).count() == 1
    assert approved.history.count() == 4  # nothing written: submitted, claimed, approved, done


def test_only_the_applicants_browser_may_move_the_pickup(client, approved, staff):
    review.publish(code=approved.code, officer=staff["verifikator"], result="pickup", pickup_day=TUESDAY)
    stranger = client.__class__()
    response = stranger.post(f"/permohonan/{approved.code}/hari-ambil/", {"pickup_day": FRIDAY.isoformat()})
    assert response.status_code == 404
    approved.refresh_from_db()
    assert approved.pickup_ticket.day == TUESDAY


def test_a_pickup_under_way_cannot_be_moved(client, approved, staff):
    review.publish(code=approved.code, officer=staff["verifikator"], result="pickup", pickup_day=MONDAY)
    approved.refresh_from_db()
    Ticket.objects.filter(pk=approved.pickup_ticket_id).update(status=Status.WAITING_INSIDE)
    assert "Ganti hari pengambilan" not in client.get(f"/permohonan/{approved.code}/").content.decode()
    response = client.post(f"/permohonan/{approved.code}/hari-ambil/", {"pickup_day": FRIDAY.isoformat()})
    assert response.status_code == 409
    assert "tidak dapat diganti" in response.content.decode()
