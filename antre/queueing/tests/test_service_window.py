"""A service's own booking window and same-day cut-off, over the office's."""

from __future__ import annotations

import datetime as dt

import pytest

from antre.conftest import MONDAY, TUESDAY, WEDNESDAY, at, wita
from antre.errors import Refusal
from antre.offices.models import Service
from antre.queueing.days import day_choices
from antre.queueing.tests.factories import book

THURSDAY = MONDAY + dt.timedelta(days=3)


def capil(office, **settings) -> Service:
    service = Service.objects.get(office=office, code="CAPIL")
    for name, value in settings.items():
        setattr(service, name, value)
    service.save()
    return service


def refusal_of(office, who, **kwargs) -> Refusal:
    with pytest.raises(Refusal) as refused:
        book(office, who, **kwargs)
    return refused.value


def test_a_service_books_only_as_far_ahead_as_its_own_window(office):
    service = capil(office, booking_days_ahead=2)
    assert [day for day, _left in day_choices(service, now=at(0))] == [MONDAY, TUESDAY, WEDNESDAY]
    refused = refusal_of(office, 1, service="CAPIL", now=at(0), day=THURSDAY)
    assert refused.code == "date_too_far"
    assert refused.message == (
        "Pendaftaran Pencatatan sipil: akta kelahiran, kematian, perkawinan, perceraian hanya dibuka untuk "
        "2 hari ke depan."
    )
    assert book(office, 2, service="LEGAL", now=at(0), day=THURSDAY).day == THURSDAY  # the office's 14 days


def test_without_a_window_of_its_own_a_service_follows_the_office(office):
    office.booking_days_ahead = 1
    office.save()
    assert [day for day, _left in day_choices(capil(office), now=at(0))] == [MONDAY, TUESDAY]
    assert refusal_of(office, 1, service="CAPIL", now=at(0), day=WEDNESDAY).message.endswith(
        "hanya dibuka untuk 1 hari ke depan."
    )


def test_the_next_day_with_room_is_looked_for_inside_the_services_window(office):
    capil(office, booking_days_ahead=1, daily_quota=1)
    book(office, 1, service="CAPIL", now=at(0), day=MONDAY)
    book(office, 2, service="CAPIL", now=at(0), day=TUESDAY)
    refused = refusal_of(office, 3, service="CAPIL", now=at(0), day=MONDAY)
    assert (refused.code, refused.extra) == ("quota_full", {"next_available_date": None})
    assert "Hari terdekat" not in refused.message


def test_a_service_with_an_earlier_cut_off_stops_booking_for_today_earlier(office, staff):
    capil(office, same_day_cutoff_minutes=120)  # Monday closes at 15.00: no CAPIL for today after 13.00
    quarter_past_one = wita(MONDAY, 13, 15)
    refused = refusal_of(office, 1, service="CAPIL", now=quarter_past_one, day=MONDAY)
    assert refused.code == "closed_day" and refused.message.startswith(
        "Pendaftaran untuk hari ini sudah ditutup"
    )
    assert refused.extra == {"next_available_date": TUESDAY.isoformat()}
    assert book(office, 2, service="CAPIL", now=quarter_past_one).day == TUESDAY  # no day asked
    assert refusal_of(office, 3, service="CAPIL", now=quarter_past_one, day=MONDAY, channel="kiosk").code == (
        "closed_day"
    )
    assert MONDAY not in dict(day_choices(Service.objects.get(code="CAPIL"), now=quarter_past_one))
    # An officer at the desk may still issue one; another service keeps the office's cut-off (14.30).
    walk_in = book(
        office, 4, service="CAPIL", now=quarter_past_one, nik="", channel="walk_in", issued_by=staff["satpam"]
    )
    assert walk_in.day == MONDAY
    assert book(office, 5, service="LEGAL", now=quarter_past_one, day=MONDAY).day == MONDAY
    assert book(office, 6, service="CAPIL", now=wita(MONDAY, 12, 59), day=MONDAY).day == MONDAY


def test_a_services_cut_off_never_opens_the_day_past_the_doors_last_invitation(office):
    capil(office, same_day_cutoff_minutes=0)
    refused = refusal_of(
        office, 1, service="CAPIL", now=wita(MONDAY, 14, 45), day=MONDAY
    )  # the door's: 14.30
    assert refused.code == "closed_day"


def test_without_a_door_check_a_services_cut_off_still_applies(office, gate_off):
    capil(office, same_day_cutoff_minutes=60)
    assert refusal_of(office, 1, service="CAPIL", now=wita(MONDAY, 14, 10), day=MONDAY).code == "closed_day"
    assert book(office, 2, service="LEGAL", now=wita(MONDAY, 14, 50), day=MONDAY).day == MONDAY  # no cut-off
