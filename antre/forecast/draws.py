"""The projection played again with visit times drawn from the office's own past visits.

A wait told to a citizen should be the wait to expect, and with several counters that is not the
wait in a day where every visit takes exactly its mean: one long visit holds one counter while the
others go on, and the counter that comes free first is usually sooner than the mean. So the line
is played RUNS times; in each play every visit still to come keeps its expected time multiplied by
a ratio drawn from its service's past visits (a visit of 1.4 times its service's mean, say), and
the answer is the mean call over the plays. Where there is no history the line is played once, and
a very long line fewer times (WORK).

The draws are fixed by who each job is and which play it is (Job.key): the same line gives the
same answer in every process, so replays and the simulator repeat exactly, and a ticket joining or
leaving the line leaves the others' draws as they were.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from antre.forecast.engine import DAY_END, Desk, Job, project, schedule
from antre.forecast.model import Model

RUNS = 20
SEED = 16
# Jobs times plays, at most: a line of thousands at the opening rush is played fewer times (once
# from 4,000 jobs), so a projection costs at most about twice a single play (the booking that makes
# one waits for it). Over hours of waiting the spread of the plays matters little anyway.
WORK = 4000


def runs_for(jobs: Sequence[Job], model: Model) -> int:
    """How many plays the line gets: RUNS, fewer for a very long line, one without history."""
    if not model.shapes:
        return 1
    return max(1, min(RUNS, WORK // max(len(jobs), 1)))


def drawn(jobs: Sequence[Job], model: Model, run: int) -> list[Job]:
    """The jobs in the same order, each visit's time drawn for play `run` (the target's own time does
    not matter). A job's draw depends only on who it is and the play: a ticket joining or leaving
    the line does not change what the others drew, so the times shown do not wobble with it."""
    out = []
    for job in jobs:
        ratios = model.shapes.get(job.service) or model.shapes.get("")
        if job.target or job.minutes <= 0 or not ratios:
            out.append(job)
            continue
        ratio = ratios[_mix(job.key, run) % len(ratios)]
        out.append(
            Job(job.order, job.service, job.ready, job.minutes * ratio, job.weight, job.target, job.key)
        )
    return out


def _mix(key: int, run: int) -> int:
    """A well-spread number for (key, run): the same in every process (splitmix64's finaliser)."""
    x = (key * 0x9E3779B97F4A7C15 + (run + 1) * 0xBF58476D1CE4E5B9 + SEED) & _BITS
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _BITS
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _BITS
    return x ^ (x >> 31)


_BITS = (1 << 64) - 1


def expected_call(
    model: Model, jobs: Sequence[Job], desks: Sequence[Desk], *, otherwise: float
) -> float | None:
    """The target's mean call over the plays; a play that does not reach it before the counters stop
    counts `otherwise` (None: no play reaches it)."""
    runs = runs_for(jobs, model)
    if runs == 1:
        return project(jobs, desks)
    calls = [project(drawn(jobs, model, run), desks) for run in range(runs)]
    if all(call is None for call in calls):
        return None
    return sum(otherwise if call is None else call for call in calls) / runs


def expected_calls(
    model: Model, jobs: Sequence[Job], desks: Sequence[Desk], *, otherwise: Callable[[Job], float]
) -> dict[int, float]:
    """Each job's mean call over the plays, by its place in `jobs`, for the jobs called in at least
    one play; a play that does not reach a job counts `otherwise(job)`."""
    runs = runs_for(jobs, model)
    totals: dict[int, float] = {}
    counts: dict[int, int] = {}
    for run in range(runs):
        played = drawn(jobs, model, run) if runs > 1 else list(jobs)
        place = {id(job): i for i, job in enumerate(played)}
        for call in schedule(played, desks, until=DAY_END):
            i = place[id(call.job)]
            totals[i] = totals.get(i, 0.0) + call.at
            counts[i] = counts.get(i, 0) + 1
    return {i: (total + (runs - counts[i]) * otherwise(jobs[i])) / runs for i, total in totals.items()}
