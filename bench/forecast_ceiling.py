"""How close can any predictor come? The simulator's days replayed by a predictor that cannot exist:
one that knows every citizen who will still come and when, every counter's hours and breaks, the
times of the visits over, how long each visit under way has lasted so far (not how long it will
last), and the true distribution of the visits still to come. For each ticket, at the moment it
joins the line, the rest of the day is played again `--runs` times with the unknown visit times
drawn afresh (a visit under way from its distribution beyond the time it has lasted); the
prediction is the mean wait over those runs. A second line plays it once with every unknown visit
at its mean (a clairvoyant that plays the queue forward once on expected values).

    .venv/bin/python bench/forecast_ceiling.py --days 10 --seed 2                    # everyone at opening
    .venv/bin/python bench/forecast_ceiling.py --days 10 --seed 2 --policy come_at   # Antre's come-at times

Against the same tickets, Antre's predictor (which knows only the past days and the day so far, as
`antre forecast replay` does). The gap between the two is what better forecasting could still win;
what is left for the clairvoyant is the luck of the visits to come, which nobody can predict.
Pure simulation: no database, nothing leaves this machine.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from antre.forecast import compare, scenario, simulate  # noqa: E402 (after the path is set)
from antre.forecast.replay import OURS, Replayed, accuracy, format_table, replay  # noqa: E402

CLAIRVOYANT = "clairvoyant"
ON_MEANS = "clairvoyant, mean times"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--runs", type=int, default=20, help="replays of the rest of the day per ticket")
    parser.add_argument(
        "--policy", choices=compare.POLICIES, default="opening", help="how booked citizens come"
    )
    args = parser.parse_args()
    started = time.monotonic()
    s = scenario.Scenario()
    _, history = compare.run_policy(args.policy, s, days=args.days, warmup=args.warmup, seed=args.seed)
    ours = {
        r.visit.ticket: r
        for r in replay([v for d in history for v in d.visits], [x for d in history for x in d.shifts])
    }
    rows: list[Replayed] = []
    dates = compare.office_days(args.warmup + args.days)
    for i in range(args.warmup, args.warmup + args.days):
        for ticket, wait, predicted in clairvoyant_day(
            s, dates[i], history[i], args.runs, f"{args.seed}/{i}"
        ):
            mine = ours[ticket]
            assert abs(mine.actual - wait) < 0.02  # noqa: S101 (the same day, played again the same way)
            rows.append(Replayed(mine.visit, mine.actual, {OURS: mine.predicted[OURS], **predicted}))
        print(f"day {i - args.warmup + 1}/{args.days}: {len(rows)} tickets", file=sys.stderr, flush=True)
    print(format_table([accuracy(rows, m) for m in (OURS, CLAIRVOYANT, ON_MEANS)]))
    print(
        f"\n{args.days} days after {args.warmup} warm-up days, seed {args.seed}, policy {args.policy}, "
        f"{args.runs} runs per ticket, {time.monotonic() - started:.0f} s"
    )
    return 0


def clairvoyant_day(s: scenario.Scenario, day, played: simulate.Day, runs: int, seed: str):
    """(ticket, its real wait, {method: predicted wait}) for every ticket of the day that waited.

    Every citizen comes to the door when they really did (the clairvoyant knows), so a day played
    again differs from the real one only in the visits' times drawn afresh."""
    people = [_at_the_door(c) for c in played.people]
    extra = {c.number: c.extra for c in played.people}
    waited = {v.ticket: v for v in played.visits if v.waited and v.wait_minutes is not None}
    means = {m.code: m.minutes for m in s.services}
    by_moment: dict[float, list[str]] = {}
    for c in people:
        if f"{day.isoformat()}/{c.number}" in waited:
            by_moment.setdefault(extra[c.number]["arrived"], []).append(c.number)
    for moment, numbers in by_moment.items():
        drawn = [
            _again(
                s, day, people, played.counters, extra, moment, random.Random(f"{seed}/{moment}/{k}"), means
            )
            for k in range(runs)
        ]
        once = _again(s, day, people, played.counters, extra, moment, None, means)
        for number in numbers:
            ticket = f"{day.isoformat()}/{number}"
            got = [run[number] for run in drawn if number in run]
            yield (
                ticket,
                waited[ticket].wait_minutes,
                {
                    CLAIRVOYANT: statistics.fmean(got) if got else 0.0,
                    ON_MEANS: once.get(number, 0.0),
                },
            )


def _at_the_door(c: scenario.Citizen) -> scenario.Citizen:
    """The citizen coming to the door when they did on the day (or not at all), told nothing more."""
    door = c.extra.get("at_door")
    if c.booked:
        return dataclasses.replace(c, extra={}, comes=door is not None, arrive_at=door)
    return dataclasses.replace(c, extra={}, walk_in_at=door)


def _again(s, day, people, counters, extra, moment, rng, means) -> dict[str, float]:
    """The day played again from the start, the visits not begun by `moment` at fresh times (drawn
    with `rng`, or their means without it): each citizen's wait in that run."""
    copies = []
    for c in people:
        x = extra[c.number]
        begun = x.get("called")
        if begun is not None and begun <= moment and x.get("finished", moment) > moment:
            # Under way at `moment`: only its time so far is known; the rest is drawn (or its mean).
            factor = s.afternoon_factor if begun >= 13 * 60 else 1.0
            longer = (moment - begun) / factor
            minutes = _longer_than(rng, means[c.service], s.spread, longer)
            copies.append(dataclasses.replace(c, extra={}, minutes=minutes))
        elif begun is not None and begun <= moment:
            copies.append(dataclasses.replace(c, extra={}))  # over (or not answered): as it was
        elif rng is None:
            copies.append(
                dataclasses.replace(c, extra={}, minutes=means[c.service], absent_when_called=False)
            )
        else:
            minutes = scenario.lognormal(rng, means[c.service], s.spread)
            absent = rng.random() < s.absent_when_called
            copies.append(dataclasses.replace(c, extra={}, minutes=minutes, absent_when_called=absent))
    simulate.play(s, day, copies, counters)
    waits = {}
    for c in copies:
        x = c.extra
        end = x.get("called", x.get("left", x.get("left_at_close")))
        if "arrived" in x and end is not None:
            waits[c.number] = end - x["arrived"]
    return waits


def _longer_than(rng: random.Random | None, mean: float, cv: float, elapsed: float) -> float:
    """A visit's time drawn from its distribution knowing it has lasted `elapsed` minutes already
    (without `rng`: the mean of that), as the clairvoyant knows it: the time so far, not the rest."""
    sigma = math.sqrt(math.log(1 + cv * cv))
    mu = math.log(mean) - sigma * sigma / 2
    normal = statistics.NormalDist()
    z = (math.log(max(elapsed, 1e-6)) - mu) / sigma
    beyond = 1 - normal.cdf(z)
    if beyond < 1e-9:
        return elapsed + 0.5  # far past anything usual: about to end
    if rng is None:  # E[X | X > elapsed] for a lognormal X
        return math.exp(mu + sigma * sigma / 2) * normal.cdf(sigma - z) / beyond
    u = 1 - beyond + rng.random() * beyond  # inverse transform on the tail above `elapsed`
    return math.exp(mu + sigma * normal.inv_cdf(min(u, 1 - 1e-12)))


if __name__ == "__main__":
    raise SystemExit(main())
