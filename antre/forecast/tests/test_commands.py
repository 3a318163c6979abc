"""`antre simulate`, `antre forecast replay` and `antre forecast evaluate` from the command line, on
files the simulator writes: no database, no clock."""

from __future__ import annotations

import contextlib
import csv
import io

import pytest

from antre.cli import main


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("logs")
    events, staffing = folder / "events.csv", folder / "staffing.csv"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main(
            ["simulate", "--days", "2", "--warmup", "2", "--events", str(events), "--staffing", str(staffing)]
        )
    assert code == 0
    return events, staffing, printed.getvalue()


def test_simulate_compares_the_three_ways_of_coming_in_one_table(simulated):
    out = simulated[2]
    for policy in ("everyone at opening", "fixed hourly slots", "Antre come-at times"):
        assert policy in out
    assert "peak outside" in out and "predictor RRASE" in out


def test_replay_writes_a_prediction_for_every_ticket_that_waited(simulated, tmp_path):
    events, staffing, _ = simulated
    out = tmp_path / "predictions.csv"
    assert (
        main(["forecast", "replay", "--events", str(events), "--staffing", str(staffing), "--out", str(out)])
        == 0
    )
    with out.open() as stream:
        rows = list(csv.DictReader(stream))
    with events.open() as stream:
        waited = [
            r for r in csv.DictReader(stream) if r["arrived_at"] and (r["called_at"] or r["finished_at"])
        ]
    assert sorted(r["ticket"] for r in rows) == sorted(r["ticket"] for r in waited)
    assert all(float(r["predicted_wait_minutes"]) >= 0 for r in rows)


def test_evaluate_prints_ours_and_the_classic_estimators(simulated, capsys):
    events, staffing, _ = simulated
    assert main(["forecast", "evaluate", "--events", str(events), "--staffing", str(staffing)]) == 0
    out = capsys.readouterr().out
    for method in ("| Antre |", "| QL |", "| LES |", "| HOL |"):
        assert method in out
    assert "RRASE" in out and "within ±5 min" in out


def test_a_log_that_is_not_one_is_refused_in_plain_words(tmp_path):
    bad = tmp_path / "events.csv"
    bad.write_text("nama,umur\nKetut,40\n")
    with pytest.raises(SystemExit, match="kolom tidak ada"):
        main(["forecast", "evaluate", "--events", str(bad), "--staffing", str(bad)])


def test_evaluate_from_a_day_scores_only_the_days_from_it(simulated, capsys):
    """The simulated log holds four days (two warm-up, two measured, from 2031-03-03): from the
    third, only the last two days' tickets are scored."""
    events, staffing, _ = simulated
    logs = ["--events", str(events), "--staffing", str(staffing)]
    assert main(["forecast", "evaluate", *logs]) == 0
    every = capsys.readouterr().out
    assert main(["forecast", "evaluate", *logs, "--from", "2031-03-05"]) == 0
    later = capsys.readouterr().out

    def scored(out: str) -> int:
        return int(next(line for line in out.splitlines() if line.startswith("| Antre |")).split("|")[2])

    assert 0 < scored(later) < scored(every)
    assert "on 2 days" in later and "on 4 days" in every
    with pytest.raises(SystemExit):
        main(["forecast", "evaluate", *logs, "--from", "besok"])
    assert "harus tanggal TTTT-BB-HH" in capsys.readouterr().err
