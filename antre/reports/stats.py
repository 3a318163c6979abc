"""The office's figures over a span of days (SPEC §6 `stats`), for the head of office: counts by how
tickets ended, waits and service times, overall and broken down by service, counter, officer, channel
and the citizen's kecamatan (the NIK's first six digits). Codes and numbers only: no citizen's name,
NIK or phone; officers by their username and name.

What each figure means, decided once here (docs/operations.md says it to people):

- `booked`: every ticket of those days, however it was taken (web, WhatsApp, kiosk, counter).
- `served`, `no_show`, `cancelled`, `turned_away`: how tickets ended, as `antre forecast export`
  reads them (antre.queueing.history): a ticket whose day ended before it was served is a no-show;
  one whose service had begun is served. Today's tickets still in the queue are counted in `booked`
  only, until they end.
- A wait runs from joining the line (the gate's first admission; without a gate, booking time or
  the day's opening) to the call; the average and the 90th percentile (nearest rank: the smallest
  wait that nine in ten waits do not exceed) are over the tickets called. A service time runs from
  the start of the service to its finish, for tickets served and finished. `over_wait_target`
  counts the tickets called after waiting longer than the office's target (an office setting).
  Waits are read to the tenth of a minute (antre.reports.tally), so that days add up exactly.
- A ticket without a NIK (a walk-in may give none) counts under the kecamatan `""`.
- An officer's figures are those of the tickets they called (the last call: a recall by another
  officer moves the ticket to them), under their username; a ticket whose officer's account was
  deleted is counted in no officer's row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from antre.offices.models import Office
from antre.offices.regions import Region
from antre.people.models import User
from antre.reports import rollup
from antre.reports.readings import rows_of
from antre.reports.tally import Figures, Tally, in_order

# The history's grain: each key sorts in time order as text.
PERIODS: dict[str, Callable[[dt.date], str]] = {
    "day": lambda d: d.isoformat(),
    "week": lambda d: "{}-W{:02d}".format(*d.isocalendar()[:2]),
    "month": lambda d: f"{d:%Y-%m}",
}
BREAKDOWNS = ("service", "counter", "officer", "channel", "kecamatan")


@dataclass(frozen=True)
class Stats:
    first: dt.date
    last: dt.date
    wait_target_minutes: int
    total: Figures
    per: str  # the grain of by_period: day, week or month
    by_period: dict[str, Figures]
    by_service: dict[str, Figures]
    by_counter: dict[str, Figures]
    by_officer: dict[str, Figures]  # by username
    by_channel: dict[str, Figures]
    by_kecamatan: dict[str, Figures]
    kecamatan_names: dict[str, str]
    officer_names: dict[str, str]  # username -> full name, or the username when none is set


def stats(office: Office, first: dt.date, last: dt.date, *, now: dt.datetime, per: str = "day") -> Stats:
    """`office`'s figures for the days first..last (office-local, both included) as of `now`. Days
    after today hold no story yet: the span ends today (`Stats.last` says where it ended). Days
    before today are read from their kept tallies (antre.reports.rollup), today from its tickets."""
    today = office.local_today(now)
    last = max(first, min(last, today))
    closed = min(last, today - dt.timedelta(days=1))
    days = rollup.kept(office, first, closed, now=now) if first <= closed else {}
    if last == today:
        days.update(rollup.groups_of(rows_of(office, today, today, now=now)))
    total, periods = Tally(), dict[str, Tally]()
    breakdowns: dict[str, dict[str, Tally]] = {name: {} for name in BREAKDOWNS}
    for day in sorted(days):
        for (dimension, key), tally in days[day].items():
            if dimension == rollup.TOTAL[0]:
                total.merge(tally)
                if tally.booked:
                    periods.setdefault(PERIODS[per](day), Tally()).merge(tally)
            else:
                breakdowns[dimension].setdefault(key, Tally()).merge(tally)
    target = office.wait_target_minutes
    codes = [code for code in breakdowns["kecamatan"] if code]
    return Stats(
        first=first,
        last=last,
        wait_target_minutes=target,
        total=total.figures(target),
        per=per,
        by_period=in_order(periods, target),
        by_service=in_order(breakdowns["service"], target),
        by_counter=in_order(breakdowns["counter"], target),
        by_officer=in_order(breakdowns["officer"], target),
        by_channel=in_order(breakdowns["channel"], target),
        by_kecamatan=in_order(breakdowns["kecamatan"], target),
        kecamatan_names=dict(Region.objects.filter(code__in=codes).values_list("code", "name")),
        officer_names=officer_names(breakdowns["officer"]),
    )


def officer_names(usernames: Iterable[str]) -> dict[str, str]:
    """Each username's full name, or the username itself (no name set, or no such account now)."""
    usernames = list(usernames)
    users = User.objects.filter(username__in=usernames).only("username", "first_name", "last_name")
    found = {user.username: user.get_full_name() for user in users}
    return {username: found.get(username) or username for username in usernames}
