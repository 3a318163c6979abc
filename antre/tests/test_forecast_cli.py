"""`antre forecast export`: the office's history written as the two CSV files of SPEC §7, and plain
Indonesian (never a traceback) when the command is given something it cannot use."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from antre.cli import main
from antre.conftest import MONDAY, NEXT_MONDAY, at, wita
from antre.forecast.eventlog import Outcome, read_events, read_staffing
from antre.offices.models import Counter
from antre.offices.tests.factories import another_office
from antre.queueing import calling, staffing
from antre.queueing.tests.factories import book


@pytest.fixture
def nine_oclock():
    """Monday 09.00 at the office, the clock standing still."""
    with time_machine.travel(wita(MONDAY, 9), tick=False):
        yield


def export(tmp_path, *extra: str, first: str = MONDAY.isoformat(), last: str = MONDAY.isoformat()) -> int:
    return main(
        [
            "forecast", "export", "--from", first, "--to", last,
            "--events", str(tmp_path / "events.csv"), "--staffing", str(tmp_path / "staffing.csv"), *extra,
        ]
    )  # fmt: skip


def test_export_writes_the_event_log_and_the_staffing_log(gate_off, staff, tmp_path, capsys, nine_oclock):
    loket1 = Counter.objects.get(office=gate_off, number=1)
    loket2 = Counter.objects.get(office=gate_off, number=2)
    ticket = book(gate_off, 1, now=at(-30))
    calling.call_next(counter=loket1, officer=staff["petugas"], now=at(10))  # opens loket 1
    calling.start_service(token=ticket.token, officer=staff["petugas"], now=at(12))
    calling.finish_service(token=ticket.token, officer=staff["petugas"], now=at(20))
    staffing.open_counter(counter=loket2, officer=staff["petugas"], now=at(0))
    staffing.close_counter(counter=loket2, officer=staff["petugas"], now=at(30))
    book(gate_off, 2, now=at(40))  # still waiting: its visit has not ended, so it is not written

    assert export(tmp_path, "--office", "tabanan") == 0
    out = capsys.readouterr().out
    assert f"1 nomor antrean ditulis ke {tmp_path / 'events.csv'}; 2 masa buka loket ke" in out
    (visit,) = read_events(tmp_path / "events.csv")
    assert (visit.ticket, visit.outcome, visit.counter) == (f"{MONDAY}/A-001", Outcome.SERVED, "1")
    assert (visit.arrived_at, visit.called_at, visit.finished_at) == (at(0), at(10), at(20))
    assert str(visit.finished_at) == f"{MONDAY} 08:20:00+08:00"  # the office's own clock
    shifts = read_staffing(tmp_path / "staffing.csv")
    assert [(s.counter, s.start, s.end) for s in shifts] == [("2", at(0), at(30)), ("1", at(10), at(60))]


def test_every_office_unless_one_is_named_and_a_future_end_stops_at_today(office, tmp_path, nine_oclock):
    another_office()
    assert export(tmp_path, last=NEXT_MONDAY.isoformat()) == 0
    assert (tmp_path / "events.csv").read_text().startswith("office,ticket,service,")


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--office", "badung"], "Kantor 'badung' tidak ada. Kantor yang ada: tabanan."),
        (["--office", "tabanan", "--from", "2026-13-01"], "--from harus tanggal TTTT-BB-HH"),
        (["--to", "kemarin"], "--to harus tanggal TTTT-BB-HH (mis. 2026-12-07), bukan 'kemarin'."),
        (
            ["--from", NEXT_MONDAY.isoformat(), "--to", MONDAY.isoformat()],
            "--from harus sama dengan atau sebelum --to.",
        ),
        (["--from", NEXT_MONDAY.isoformat(), "--to", NEXT_MONDAY.isoformat()], "--from masih di masa depan"),
    ],
)
def test_bad_input_is_refused_in_indonesian_without_a_traceback(
    office, tmp_path, capsys, nine_oclock, args, said
):
    options = dict(zip(args[::2], args[1::2], strict=True))
    first = options.pop("--from", MONDAY.isoformat())
    last = options.pop("--to", MONDAY.isoformat())
    extra = [part for pair in options.items() for part in pair]
    assert export(tmp_path, *extra, first=first, last=last) == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err
    assert not (tmp_path / "events.csv").exists()


def test_a_file_that_cannot_be_written_is_said_so(office, tmp_path, capsys, nine_oclock):
    code = main(
        [
            "forecast", "export", "--from", MONDAY.isoformat(), "--to", MONDAY.isoformat(),
            "--events", str(tmp_path / "no-such-folder" / "events.csv"), "--staffing", str(tmp_path / "s.csv"),
        ]
    )  # fmt: skip
    assert code == 1
    assert "Tidak dapat menulis" in capsys.readouterr().err


def test_forecast_needs_an_action(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["forecast"])
    assert stopped.value.code == 2


def test_the_days_are_the_offices_own(gate_off, staff, tmp_path, nine_oclock):
    # 07.30 WITA on Monday is still Sunday in UTC: a counter opened then opened on Monday.
    loket1 = Counter.objects.get(office=gate_off, number=1)
    staffing.open_counter(counter=loket1, officer=staff["petugas"], now=wita(MONDAY, 7, 30))
    staffing.close_counter(counter=loket1, officer=staff["petugas"], now=wita(MONDAY, 8, 30))
    sunday = (MONDAY - dt.timedelta(days=1)).isoformat()
    assert export(tmp_path, first=sunday, last=sunday) == 0
    assert read_staffing(tmp_path / "staffing.csv") == []
    assert export(tmp_path) == 0
    (shift,) = read_staffing(tmp_path / "staffing.csv")
    assert (shift.start, shift.end) == (wita(MONDAY, 7, 30), wita(MONDAY, 8, 30))
    assert shift.start.utcoffset() == dt.timedelta(hours=8)
