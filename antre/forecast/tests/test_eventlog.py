"""The event log and staffing log of SPEC §7 read back exactly as they were written, and written back
exactly as they were read. Pure: no database."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from antre.forecast.eventlog import (
    Outcome,
    Shift,
    Visit,
    parse_events,
    parse_staffing,
    read_events,
    read_staffing,
    write_events,
    write_staffing,
)

EVENTS = """\
office,ticket,service,channel,priority,issued_at,arrived_at,called_at,started_at,finished_at,counter,outcome
tabanan,2026-12-07/A-001,KTP,web,,2026-12-04T10:00:00+08:00,2026-12-07T08:05:00+08:00,2026-12-07T08:10:00+08:00,2026-12-07T08:11:00+08:00,2026-12-07T08:20:00+08:00,1,served
tabanan,2026-12-07/A-002,KTP,whatsapp,elderly,2026-12-07T07:30:00+08:00,2026-12-07T08:06:00+08:00,2026-12-07T08:21:00+08:00,,2026-12-07T08:24:00+08:00,1,no_show
tabanan,2026-12-07/D-001,CAPIL,web,1,2026-12-07T07:45:00+08:00,2026-12-07T08:08:00+08:00,,,2026-12-07T08:30:00+08:00,,cancelled
tabanan,2026-12-07/E-001,LEGAL,kiosk,0,2026-12-07T07:50:00+08:00,,,,2026-12-07T08:09:00+08:00,,turned_away
tabanan,2026-12-07/A-004,KTP,walk_in,,2026-12-07T07:55:00+08:00,,,,,,no_show
"""
STAFFING = """\
office,counter,services,from,to
tabanan,2,CAPIL|LEGAL,2026-12-07T08:00:00+08:00,2026-12-07T11:00:00+08:00
tabanan,1,AMBIL|KTP,2026-12-07T08:10:00+08:00,2026-12-07T12:00:00+08:00
jakarta,1,,2026-12-07T08:00:00+07:00,2026-12-07T15:00:00+07:00
"""


def test_a_written_event_log_reads_back_and_writes_back_the_same(tmp_path: Path):
    path = tmp_path / "events.csv"
    path.write_text(EVENTS, encoding="utf-8")
    again = io.StringIO()
    assert write_events(again, read_events(path)) == 5
    assert again.getvalue() == EVENTS


def test_a_written_staffing_log_reads_back_and_writes_back_the_same(tmp_path: Path):
    path = tmp_path / "staffing.csv"
    path.write_text(STAFFING, encoding="utf-8")
    again = io.StringIO()
    assert write_staffing(again, read_staffing(path)) == 3
    assert again.getvalue() == STAFFING


ZONES = st.sampled_from([dt.timezone(dt.timedelta(hours=h)) for h in (7, 8, 9)])
MOMENTS = st.builds(
    lambda seconds, zone: dt.datetime(2026, 1, 1, tzinfo=zone) + dt.timedelta(seconds=seconds),
    st.integers(0, 400 * 86400),
    ZONES,
)
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)


@given(
    st.lists(
        st.builds(
            Visit,
            office=TEXT,
            ticket=TEXT,
            service=TEXT,
            channel=TEXT,
            priority=TEXT,
            issued_at=MOMENTS,
            arrived_at=st.none() | MOMENTS,
            called_at=st.none() | MOMENTS,
            started_at=st.none() | MOMENTS,
            finished_at=st.none() | MOMENTS,
            counter=TEXT,
            outcome=st.sampled_from(Outcome),
        ),
        max_size=5,
    )
)
def test_any_visits_written_read_back_equal(visits: list[Visit]):
    written = io.StringIO()
    write_events(written, visits)
    assert list(parse_events(io.StringIO(written.getvalue()))) == visits


@given(
    st.lists(
        st.builds(
            lambda office, counter, services, start, minutes: Shift(
                office=office,
                counter=counter,
                services=services,
                start=start,
                end=start + dt.timedelta(minutes=minutes),
            ),
            TEXT,
            TEXT,
            st.frozensets(st.text(st.characters(categories=("Lu", "Nd")), min_size=1, max_size=8)),
            MOMENTS,
            st.integers(1, 600),
        ),
        max_size=5,
    )
)
def test_any_shifts_written_read_back_equal(shifts: list[Shift]):
    written = io.StringIO()
    write_staffing(written, shifts)
    assert list(parse_staffing(io.StringIO(written.getvalue()))) == shifts
