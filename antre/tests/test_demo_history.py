"""`antre serve`'s first run gives the demo office a past, so that the head of office's pages show
something: the charts, the figures per officer, the SKM, the villages."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from antre.conftest import MONDAY, wita
from antre.offices.shifts import CounterShift
from antre.outreach.counts import reach
from antre.queueing.models import Ticket
from antre.reports.stats import stats
from antre.seed import create_demo_users, seed_demo_history, seed_demo_office
from antre.survey.figures import survey_figures


def test_the_demo_has_a_month_and_a_half_of_past_for_every_report(db, tmp_path, clock):
    office = seed_demo_office(today=MONDAY)
    create_demo_users(office, tmp_path / "demo-credentials.txt")
    tickets, answers = seed_demo_history(office, today=MONDAY)
    first = Ticket.objects.order_by("day").values_list("day", flat=True).first()
    last = MONDAY - dt.timedelta(days=1)
    assert first is not None and MONDAY - dt.timedelta(days=60) < first < MONDAY - dt.timedelta(days=30)
    assert not Ticket.objects.filter(day__gte=MONDAY).exists()  # today is left to the demo's visitors

    found = stats(office, first, last, now=wita(MONDAY, 9), per="week")
    assert found.total.booked == tickets and 30 * 18 <= tickets <= 30 * 48
    assert 0.7 < found.total.served / tickets < 0.9 and found.total.no_show > 0 and found.total.cancelled > 0
    assert found.total.turned_away > 0 and found.total.wait_avg_minutes and found.total.service_avg_minutes
    assert len(found.by_period) >= 6  # six weeks and more of columns in the charts
    assert set(found.by_officer) == {"petugas", "wayan", "luhputu", "komang"}
    assert found.officer_names["wayan"] == "I Wayan Sudarsana"
    assert set(found.by_kecamatan) >= {"51.02.05", "51.02.06"} and set(found.by_channel) == {
        "web", "whatsapp", "kiosk", "walk_in"
    }  # fmt: skip
    shifts = CounterShift.objects.all()
    assert shifts.count() >= 30 * 4 and not shifts.filter(ended_at__isnull=True).exists()  # all closed

    skm = survey_figures(office, first, last)
    assert skm.respondents == answers == 150
    assert skm.ikm is not None and skm.grade in ("A", "B", "C") and skm.suggestions_total >= 2

    villages = [v for d in reach(office, first, last).districts for v in d.villages]
    assert 0 < sum(not v.tally.none for v in villages) < len(villages)  # some brought bookings, most none


def test_the_same_day_gives_the_same_past(db, tmp_path, clock):
    office = seed_demo_office(today=MONDAY)
    create_demo_users(office, tmp_path / "demo-credentials.txt")

    def seeded() -> tuple:
        with transaction.atomic():
            seed_demo_history(office, today=MONDAY)
            found = stats(office, MONDAY - dt.timedelta(days=60), MONDAY, now=wita(MONDAY, 9))
            past = (
                found.total,
                found.by_officer,
                found.by_kecamatan,
                survey_figures(office, MONDAY - dt.timedelta(days=60), MONDAY).ikm,
            )
            transaction.set_rollback(True)
        return past

    assert seeded() == seeded()
