"""The monthly report the head of office signs and sends on (to the regent, the inspectorate): one
month's queue figures against the month before, the history's charts, the breakdowns, the online
applications, the satisfaction survey (SKM) and the villages the office's links reached. Gathered
here from what the pages already count (stats, survey figures, outreach counts); printed by
antre.reports.monthly_pdf. Codes, names of services and places, and counts: no citizen's data."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from antre.applications import rules
from antre.applications.models import Application, ApplicationKind, AppStatus, StatusChange
from antre.offices.calendar import calendar_of
from antre.offices.models import Office
from antre.outreach.counts import Reach, reach
from antre.reports.backlog import Backlog, backlog
from antre.reports.stats import Stats, stats
from antre.survey.figures import SurveyFigures, survey_figures

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class KindFigures:
    """One kind of online application over the month."""

    name: str
    received: int  # submitted in the month
    done: int  # finished in the month (whenever submitted)
    on_time: int  # of those, finished by the day its service level promised
    rejected: int  # refused in the month


@dataclass(frozen=True)
class MonthReport:
    office: Office
    first: dt.date
    last: dt.date  # the month's last day, or today for the month under way
    complete: bool
    made_at: dt.datetime
    queue: Stats  # per day
    before: Stats  # the month before, for comparison
    kinds: list[KindFigures]
    open_now: Backlog  # the applications still open when the report was made
    survey: SurveyFigures
    villages: Reach


def month_of(text: str | None, *, today: dt.date) -> tuple[dt.date, dt.date, str]:
    """The month asked for as YYYY-MM (by default the last finished one): its first day, its last
    (today for the month under way) and what is wrong, in words for people ("" when nothing is)."""
    if not text:
        last = today.replace(day=1) - dt.timedelta(days=1)
        return last.replace(day=1), last, ""
    found = MONTH.match(text.strip())
    if not found or not 1 <= int(found[2]) <= 12 or int(found[1]) < 1:
        return today.replace(day=1), today, _("Bukan bulan: tulis TTTT-BB, misalnya 2026-11.")
    first = dt.date(int(found[1]), int(found[2]), 1)
    if first > today:
        return first, first, _("Bulan itu belum tiba.")
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, min(following - dt.timedelta(days=1), today), ""


def recent_months(today: dt.date, count: int = 12) -> list[dt.date]:
    """The first days of the month under way and of the `count - 1` before it, newest first."""
    months, month = [], today.replace(day=1)
    for _i in range(count):
        months.append(month)
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return months


def month_report(office: Office, first: dt.date, last: dt.date, *, now: dt.datetime) -> MonthReport:
    previous_last = first - dt.timedelta(days=1)
    previous_first = previous_last.replace(day=1)
    month_end = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return MonthReport(
        office=office,
        first=first,
        last=last,
        complete=last == month_end and last < office.local_today(now),
        made_at=now,
        queue=stats(office, first, last, now=now, per="day"),
        before=stats(office, previous_first, previous_last, now=now, per="month"),
        kinds=applications_in(office, first, last),
        open_now=backlog(office, now=now),
        survey=survey_figures(office, first, last),
        villages=reach(office, first, last),
    )


def applications_in(office: Office, first: dt.date, last: dt.date) -> list[KindFigures]:
    """Per kind of application (those with any movement in the month): received, finished (and of
    those on time, against rules.due_date in the office's open days), refused. A day is office-local."""
    start = dt.datetime.combine(first, dt.time(0), tzinfo=office.tzinfo)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=office.tzinfo)
    received: dict[int, int] = {}
    for kind_id in Application.objects.filter(
        office=office, submitted_at__gte=start, submitted_at__lt=end
    ).values_list("kind_id", flat=True):
        received[kind_id] = received.get(kind_id, 0) + 1
    ended: dict[int, tuple[str, dt.datetime, dt.datetime, int, int]] = {}
    changes = StatusChange.objects.filter(
        application__office=office, status__in=(AppStatus.DONE, AppStatus.REJECTED), at__gte=start, at__lt=end
    ).order_by("at", "pk")
    for app, status, at, submitted, kind_id, sla in changes.values_list(
        "application_id", "status", "at", "application__submitted_at", "application__kind_id",
        "application__kind__sla_days",
    ):  # fmt: skip
        ended[app] = (status, at, submitted, kind_id, sla)  # the last word of the month on each
    cal = calendar_of(office)

    done: dict[int, list[bool]] = {}
    rejected: dict[int, int] = {}
    for status, at, submitted, kind_id, sla in ended.values():
        if status == AppStatus.DONE:
            local = timezone.localtime(submitted, office.tzinfo).date()
            due = rules.due_date(submitted=local, working_days=sla, is_open=cal.is_open)
            done.setdefault(kind_id, []).append(timezone.localtime(at, office.tzinfo).date() <= due)
        else:
            rejected[kind_id] = rejected.get(kind_id, 0) + 1
    moved = set(received) | set(done) | set(rejected)
    kinds = ApplicationKind.objects.filter(pk__in=moved).order_by("name")
    return [
        KindFigures(
            name=kind.name,
            received=received.get(kind.pk, 0),
            done=len(done.get(kind.pk, [])),
            on_time=sum(done.get(kind.pk, [])),
            rejected=rejected.get(kind.pk, 0),
        )
        for kind in kinds
    ]
