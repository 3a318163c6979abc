"""Sessions as the administrator sets them up: what fits an office's week, and the demo office's."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError, Sum
from django.test import Client

from antre.conftest import at
from antre.offices.models import Office, Service, Session, SessionQuota
from antre.offices.tests.factories import another_office
from antre.queueing.tests.factories import book


@pytest.fixture
def admin_client(staff):
    staff["admin"].is_staff = staff["admin"].is_superuser = True
    staff["admin"].save()
    client = Client()
    client.force_login(staff["admin"])
    return client


def session(office: Office, weekdays: str, starts: tuple[int, int], ends: tuple[int, int]) -> Session:
    return Session(office=office, weekdays=weekdays, starts=dt.time(*starts), ends=dt.time(*ends))


def problems(candidate: Session) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        candidate.full_clean()
    return [message for messages in refused.value.message_dict.values() for message in messages]


def test_the_demo_office_has_valid_sessions_inside_its_hours(office):
    sessions = list(Session.objects.filter(office=office))
    for found in sessions:
        found.full_clean()  # inside the hours, clear of each other
    by_day = {day: sorted((s.starts, s.ends) for s in sessions if day in s.weekday_set()) for day in range(7)}
    assert by_day[0] == [(dt.time(8), dt.time(10)), (dt.time(10), dt.time(12)), (dt.time(13), dt.time(15))]
    assert by_day[4] == [(dt.time(8), dt.time(10)), (dt.time(10), dt.time(11, 30))]  # Friday closes at 11.30
    assert by_day[5] == by_day[6] == []
    capil = Service.objects.get(office=office, code="CAPIL")
    monday = SessionQuota.objects.filter(service=capil, session__weekdays__contains="0")
    assert monday.aggregate(total=Sum("quota"))["total"] == capil.daily_quota


@pytest.mark.parametrize(
    ("weekdays", "starts", "ends", "message"),
    [
        ("0", (9, 0), (11, 0), "Sesi bertumpang dengan sesi lain pada hari Senin."),
        ("4", (11, 0), (12, 0), "Sesi harus di dalam jam layanan hari Jumat."),
        ("56", (9, 0), (10, 0), "Kantor tidak buka pada hari Sabtu."),
        ("0", (12, 0), (11, 0), "Sesi harus selesai sesudah mulai."),
        (
            "07",
            (12, 0),
            (13, 0),
            "Hari ditulis sebagai angka 0 (Senin) sampai 6 (Minggu), masing-masing sekali.",
        ),
    ],
)
def test_a_session_that_does_not_fit_the_week_is_refused_in_indonesian(
    office, weekdays, starts, ends, message
):
    assert message in problems(session(office, weekdays, starts, ends))


def test_a_session_may_not_fall_in_the_break(office):
    office.hours.filter(weekday=0).update(break_starts=dt.time(12), break_ends=dt.time(13))
    assert problems(session(office, "0", (11, 0), (12, 30))) == [
        "Sesi tidak boleh bertumpang dengan jam istirahat hari Senin."
    ]
    # The lunch hour itself is free: 12.00–13.00 has no session at the demo office.
    office.hours.filter(weekday=0).update(break_starts=None, break_ends=None)
    session(office, "0", (12, 0), (13, 0)).full_clean()


def test_an_inactive_session_may_overlap_and_is_not_offered(office):
    old = session(office, "0", (8, 0), (9, 0))
    old.active = False
    old.full_clean()
    old.save()
    assert book(office, 1, service="CAPIL", now=at(-60)).session.starts == dt.time(8)
    assert book(office, 2, service="CAPIL", now=at(-60)).session.ends == dt.time(10)  # not the inactive one


def test_a_session_quota_is_for_a_service_of_the_same_office(office):
    elsewhere = Service.objects.create(office=another_office(), code="KTP", name="KTP-el", prefix="A")
    quota = SessionQuota(session=Session.objects.filter(office=office).first(), service=elsewhere, quota=5)
    with pytest.raises(ValidationError, match="Sesi dan layanan harus dari kantor yang sama."):
        quota.full_clean()


def test_a_session_with_tickets_cannot_be_deleted(office):
    ticket = book(office, 1, service="CAPIL", now=at(0))
    with pytest.raises(ProtectedError):
        ticket.session.delete()


def test_the_admin_saves_weekdays_from_check_boxes_with_the_quotas(admin_client, office):
    capil = Service.objects.get(office=office, code="CAPIL")
    Session.objects.filter(office=office).delete()
    form = {
        "office": office.pk,
        "name": "Pagi",
        "weekdays": ["0", "2", "1"],
        "starts": "08:00",
        "ends": "10:00",
        "active": "on",
        "quotas-TOTAL_FORMS": "1",
        "quotas-INITIAL_FORMS": "0",
        "quotas-MIN_NUM_FORMS": "0",
        "quotas-MAX_NUM_FORMS": "1000",
        "quotas-0-service": capil.pk,
        "quotas-0-quota": "12",
    }
    response = admin_client.post("/admin/offices/session/add/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    saved = Session.objects.get(office=office)
    assert (saved.weekdays, saved.label, saved.quotas.get().quota) == ("012", "08.00–10.00", 12)
    page = admin_client.get(f"/admin/offices/session/{saved.pk}/change/").content.decode()
    checked = re.findall(r'name="weekdays" value="(\d)" id="id_weekdays_\d" checked', page)
    assert checked == ["0", "1", "2"]
    clash = admin_client.post("/admin/offices/session/add/", form | {"weekdays": ["2"], "starts": "09:00"})
    assert clash.status_code == 200
    assert "Sesi bertumpang dengan sesi lain pada hari Rabu." in clash.content.decode()
    # The service's page edits its quotas per session too.
    service_page = admin_client.get(f"/admin/offices/service/{capil.pk}/change/").content.decode()
    assert "Kuota per sesi (kosong: hanya kuota harian)" in service_page
    assert ">08.00–10.00 Pagi</option>" in service_page
