"""Online applications as the head of office watches them today: how many are in each open status,
how many are past their service-level date (antre.applications.rules.due_date), and how many were
finished or refused today. Counts only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from antre.applications import rules
from antre.applications.models import Application, AppStatus, StatusChange
from antre.offices.calendar import calendar_of
from antre.offices.models import Office

OPEN = (AppStatus.SUBMITTED, AppStatus.IN_REVIEW, AppStatus.NEEDS_FIX, AppStatus.APPROVED)


@dataclass(frozen=True)
class Backlog:
    open_by_status: list[tuple[str, str, int]]  # (status, its label, applications), every open status
    late: int  # open, and past the day their kind's service level promised
    done_today: int
    rejected_today: int


def backlog(office: Office, *, now: dt.datetime) -> Backlog:
    today = office.local_today(now)
    mine = Application.objects.filter(office=office)
    counts = dict(mine.filter(status__in=OPEN).values_list("status").annotate(n=Count("pk")))
    cal = calendar_of(office)

    late = 0
    for submitted_at, sla_days in mine.filter(status__in=OPEN).values_list("submitted_at", "kind__sla_days"):
        submitted = timezone.localtime(submitted_at, office.tzinfo).date()
        late += rules.due_date(submitted=submitted, working_days=sla_days, is_open=cal.is_open) < today
    start = dt.datetime.combine(today, dt.time.min, tzinfo=office.tzinfo)
    changes = StatusChange.objects.filter(
        application__office=office,
        status__in=(AppStatus.DONE, AppStatus.REJECTED),
        at__gte=start,
        at__lte=now,
    )
    ended_today = dict(changes.values_list("status").annotate(n=Count("application", distinct=True)))
    return Backlog(
        open_by_status=[(status.value, str(status.label), counts.get(status, 0)) for status in OPEN],
        late=late,
        done_today=ended_today.get(AppStatus.DONE, 0),
        rejected_today=ended_today.get(AppStatus.REJECTED, 0),
    )
