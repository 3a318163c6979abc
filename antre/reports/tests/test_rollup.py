"""A closed day's figures are kept (antre.reports.rollup) and read back: the same figures as read
from the tickets, counted again when the day's tickets change, and over a changed wait target."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

import pytest

from antre.conftest import MONDAY, TUESDAY, wita
from antre.queueing.models import Channel, Status, Ticket
from antre.queueing.tests.factories import book
from antre.reports import rollup
from antre.reports.models import DayFigures
from antre.reports.stats import stats
from antre.reports.tests.test_stats import seed

WEDNESDAY = TUESDAY + dt.timedelta(days=1)


def everything(found) -> dict:
    parts = ("total", "by_period", "by_service", "by_counter", "by_officer", "by_channel", "by_kecamatan")
    return {name: asdict(found)[name] for name in parts}


def test_a_kept_day_gives_the_figures_its_tickets_give(office, staff, clock):
    seed(office, staff["petugas"])
    clock.move_to(wita(MONDAY, 20))
    live = stats(office, MONDAY, MONDAY, now=wita(MONDAY, 20))  # today: read from the tickets
    assert not DayFigures.objects.exists()
    clock.move_to(wita(TUESDAY, 10))
    kept = stats(office, MONDAY, MONDAY, now=wita(TUESDAY, 10))
    assert DayFigures.objects.filter(day=MONDAY, dimension="total").count() == 1
    assert everything(kept) == everything(live)
    assert kept.total.booked == 7 and kept.total.wait_p90_minutes == 40.0  # the hand-worked day
    assert kept.by_officer["petugas"].wait_avg_minutes == 26.7 and kept.by_officer["wayan"].booked == 1
    Ticket.objects.filter(day=MONDAY).delete()  # what is kept is what is read
    assert stats(office, MONDAY, MONDAY, now=wita(TUESDAY, 11)).total.booked == 0  # count changed: again


def test_a_ticket_added_to_a_kept_day_is_counted_on_the_next_reading(office, staff, clock):
    seed(office, staff["petugas"])
    clock.move_to(wita(TUESDAY, 10))
    assert stats(office, MONDAY, MONDAY, now=wita(TUESDAY, 10)).total.booked == 7
    late = book(office, 20, service="KTP", channel=Channel.WEB, day=MONDAY, now=wita(MONDAY, 7))
    Ticket.objects.filter(pk=late.pk).update(
        status=Status.DONE, arrived_at=wita(MONDAY, 9), called_at=wita(MONDAY, 10),
        started_at=wita(MONDAY, 10), finished_at=wita(MONDAY, 10, 5),
    )  # fmt: skip
    again = stats(office, MONDAY, MONDAY, now=wita(TUESDAY, 10, 5))
    assert (again.total.booked, again.total.served) == (8, 4)
    assert again.by_service["KTP"].wait_p90_minutes == 60.0  # waits 10, 20, 60: the 3rd of three


def test_the_wait_target_is_applied_when_read_not_when_kept(office, staff, clock):
    seed(office, staff["petugas"])  # target 25: the waits of 30 and 40 are over it
    clock.move_to(wita(TUESDAY, 10))
    assert stats(office, MONDAY, MONDAY, now=wita(TUESDAY, 10)).total.over_wait_target == 2
    office.wait_target_minutes = 35
    office.save(update_fields=["wait_target_minutes"])
    assert stats(office, MONDAY, MONDAY, now=wita(TUESDAY, 10)).total.over_wait_target == 1  # only 40


def test_a_new_way_of_counting_counts_every_day_again(office, staff, clock, monkeypatch):
    seed(office, staff["petugas"])
    clock.move_to(wita(WEDNESDAY, 10))
    assert rollup.keep(office, MONDAY, TUESDAY, now=wita(WEDNESDAY, 10)) == 2  # Tuesday: kept empty
    assert rollup.keep(office, MONDAY, TUESDAY, now=wita(WEDNESDAY, 10)) == 0
    monkeypatch.setattr(rollup, "VERSION", rollup.VERSION + 1)
    assert rollup.keep(office, MONDAY, TUESDAY, now=wita(WEDNESDAY, 10)) == 2
    assert DayFigures.objects.filter(version=rollup.VERSION - 1).count() == 0
    assert stats(office, MONDAY, TUESDAY, now=wita(WEDNESDAY, 10)).total.booked == 7


@pytest.mark.parametrize("per", ["week", "month"])
def test_kept_days_add_up_into_weeks_and_months(office, staff, clock, per):
    seed(office, staff["petugas"])
    clock.move_to(wita(WEDNESDAY, 10))
    found = stats(office, MONDAY, TUESDAY, now=wita(WEDNESDAY, 10), per=per)
    assert list(found.by_period.values()) == [found.total]  # one Monday: Tuesday had no tickets


def test_the_worker_keeps_the_closed_days_so_no_page_waits_for_them(office, staff, clock):
    from antre import worker

    seed(office, staff["petugas"])
    clock.move_to(wita(TUESDAY, 1))
    assert worker.keep_report_days() == 366  # the year before today, Monday among them
    assert DayFigures.objects.get(day=MONDAY, dimension="total").booked == 7
    assert worker.keep_report_days() == 0
