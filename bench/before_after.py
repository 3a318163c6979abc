"""The opening rush of two checkouts, alternating on this machine in one go: did a change cost speed?

    git worktree add /tmp/before <commit>
    .venv/bin/python bench/before_after.py --before /tmp/before --after . --rounds 3

Each round runs `bench/rush.py` of the "before" checkout, then of the "after" one (each on its own
code: rush.py serves the checkout it lives in), for the chosen topologies. Alternating spreads
the machine's slow and fast minutes over both sides. It prints every run, then per topology the
median bookings/s and p99 of each side and the change in per cent. Extra arguments after `--` go
to rush.py (e.g. `-- --seconds 15`).
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
from pathlib import Path

ROW = re.compile(r"^(embedded|production) \(.*?\)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)\s+(\d+)\s+(\d+)")


def rush(checkout: Path, topology: str, extra: list[str]) -> list[dict]:
    out = subprocess.run(
        [sys.executable, str(checkout / "bench" / "rush.py"), "--topology", topology, *extra],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rows = []
    for line in out.splitlines():
        if match := ROW.match(line):
            name, per_second, p50, p99, errors, duplicates, gaps = match.groups()
            rows.append(
                {
                    "topology": name,
                    "per_second": int(per_second),
                    "p50": float(p50),
                    "p99": float(p99),
                    "errors": int(errors),
                    "duplicates": int(duplicates),
                    "gaps": int(gaps),
                }
            )
    if not rows:
        raise RuntimeError(f"rush.py of {checkout} printed no result:\n{out}")
    return rows


def change(before: float, after: float) -> str:
    return f"{(after - before) / before * 100:+.1f} %"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--before", type=Path, required=True, help="checkout measured first in each round")
    parser.add_argument("--after", type=Path, required=True, help="checkout measured second in each round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--topology", choices=["embedded", "production", "both"], default="both")
    parser.add_argument("extra", nargs="*", help="arguments for rush.py, after --")
    args = parser.parse_args()
    results: dict[tuple[str, str], list[dict]] = {}
    for round_ in range(1, args.rounds + 1):
        for side, checkout in (("before", args.before), ("after", args.after)):
            for row in rush(checkout.resolve(), args.topology, args.extra):
                results.setdefault((side, row["topology"]), []).append(row)
                print(
                    f"round {round_} {side:<6} {row['topology']:<10} {row['per_second']:>6}/s "
                    f"p50 {row['p50']:>6.1f} ms  p99 {row['p99']:>6.1f} ms  errors {row['errors']} "
                    f"duplicates {row['duplicates']} gaps {row['gaps']}",
                    flush=True,
                )
    print(f"\nmedians over {args.rounds} alternating rounds (before: {args.before}, after: {args.after})")
    for topology in ("embedded", "production"):
        before, after = results.get(("before", topology)), results.get(("after", topology))
        if not before or not after:
            continue
        b_rate = statistics.median(r["per_second"] for r in before)
        a_rate = statistics.median(r["per_second"] for r in after)
        b_p99 = statistics.median(r["p99"] for r in before)
        a_p99 = statistics.median(r["p99"] for r in after)
        print(
            f"  {topology:<10} bookings/s {b_rate:>6.0f} -> {a_rate:>6.0f} ({change(b_rate, a_rate)})   "
            f"p99 {b_p99:>6.1f} -> {a_p99:>6.1f} ms ({change(b_p99, a_p99)})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
