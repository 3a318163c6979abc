"""`antre forecast replay|evaluate` and `antre simulate`: on CSV files, without a database."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
import time
from pathlib import Path

from antre.forecast import compare
from antre.forecast.eventlog import LogError, read_events, read_staffing, write_events, write_staffing
from antre.forecast.model import day_of
from antre.forecast.replay import OURS, format_table, replay, table


def add_forecast_actions(actions: argparse._SubParsersAction) -> None:
    """The replay and evaluate actions of `antre forecast` (export needs the database: antre.cli)."""
    p = actions.add_parser("replay", help="predict every logged wait with only what was known then")
    _logs(p)
    p.add_argument("--out", required=True, type=Path, help="CSV to write: ticket,predicted_wait_minutes")
    p.set_defaults(func=run_replay)
    p = actions.add_parser("evaluate", help="accuracy of Antre's predictor against QL, LES and HOL")
    _logs(p)
    p.add_argument(
        "--from",
        dest="first",
        type=_day,
        help="score only the days from this date (YYYY-MM-DD); earlier days are still learned from",
    )
    p.set_defaults(func=run_evaluate)


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"harus tanggal TTTT-BB-HH (mis. 2026-12-07), bukan {text!r}"
        ) from None


def add_simulate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "simulate", help="simulate busy office days under three arrival policies, side by side"
    )
    p.add_argument("--days", type=int, default=10, help="days measured (default 10)")
    p.add_argument("--warmup", type=int, default=5, help="days first simulated to learn from (default 5)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--scenario", choices=["busy", "outage", "phantom", "new-service"], default="busy")
    p.add_argument("--events", type=Path, help="also write one policy's event log here (see --log-policy)")
    p.add_argument("--staffing", type=Path, help="and its staffing log here")
    p.add_argument("--log-policy", choices=compare.POLICIES, default="come_at", help="whose logs to write")
    p.set_defaults(func=run_simulate)


def _logs(p: argparse.ArgumentParser) -> None:
    p.add_argument("--events", required=True, type=Path, help="event log CSV (SPEC §7)")
    p.add_argument("--staffing", required=True, type=Path, help="staffing CSV (SPEC §7)")


def _read(args: argparse.Namespace):
    try:
        return read_events(args.events), read_staffing(args.staffing)
    except FileNotFoundError as exc:
        raise SystemExit(f"Berkas tidak ditemukan: {exc.filename}") from None
    except (LogError, UnicodeDecodeError) as exc:
        raise SystemExit(f"Berkas log tidak sesuai format: {exc}") from None


def run_replay(args: argparse.Namespace) -> int:
    visits, shifts = _read(args)
    with args.out.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["ticket", "predicted_wait_minutes"])
        count = 0
        for row in replay(visits, shifts):
            writer.writerow([row.visit.ticket, f"{row.predicted[OURS]:.1f}"])
            count += 1
    print(f"{count} prakiraan ditulis ke {args.out}")
    return 0


def run_evaluate(args: argparse.Namespace) -> int:
    started = time.monotonic()
    visits, shifts = _read(args)
    rows = [r for r in replay(visits, shifts) if args.first is None or day_of(r.visit) >= args.first]
    if not rows:
        raise SystemExit("Tidak ada tiket yang menunggu pada hari-hari itu: tidak ada yang dinilai.")
    print(format_table(table(rows)))
    days = len({r.visit.ticket[:10] for r in rows})
    print(
        f"\n{len(rows)} tickets scored on {days} days, of {len(visits)} in the log; {time.monotonic() - started:.0f} s"
    )
    return 0


def run_simulate(args: argparse.Namespace) -> int:
    scenario = compare.variant(args.scenario)
    outcomes = []
    for policy in compare.POLICIES:
        outcome, days = compare.run_policy(
            policy, scenario, days=args.days, warmup=args.warmup, seed=args.seed
        )
        outcomes.append(outcome)
        if policy == args.log_policy and args.events:
            with args.events.open("w", newline="", encoding="utf-8") as stream:
                write_events(stream, [v for d in days for v in d.visits])
        if policy == args.log_policy and args.staffing:
            with args.staffing.open("w", newline="", encoding="utf-8") as stream:
                write_staffing(stream, [s for d in days for s in d.shifts])
    print(
        f"Scenario {args.scenario}: {args.days} days measured after {args.warmup} warm-up days, seed {args.seed}"
    )
    print(compare.format_outcomes(outcomes))
    sys.stdout.flush()
    return 0
