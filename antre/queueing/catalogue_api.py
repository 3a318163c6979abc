"""Office catalogue endpoints: offices with who is inside, services with today's quota left (and
their sessions'), counters.

They live with the queue because the figures they carry are the queue's.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from antre import clock
from antre.api_errors import ErrorOut
from antre.offices import rules as rules_calendar
from antre.offices.calendar import calendar_of
from antre.offices.models import Counter, Office, Service
from antre.people import authorizers
from antre.people.apiauth import staff_auth
from antre.people.staff_requests import StaffApiRequest
from antre.queueing import rules as queue_rules
from antre.queueing import staffing
from antre.queueing.models import Ticket
from antre.queueing.sessions import rooms, taken_per_day

router = Router(tags=["kantor"])


class OfficeOut(Schema):
    slug: str
    name: str
    timezone: str
    capacity: int
    inside: int


class SessionToday(Schema):
    starts: str = Field(description="`HH:MM`, office-local: what a booking sends as `session`.")
    ends: str = Field(description="`HH:MM`, office-local.")
    name: str
    quota_left: int = Field(
        description="Places still bookable in the session today: its quota for the service (none: "
        "the day's) less its tickets, within `quota_left_today`; 0 once it has ended."
    )


class ServiceOut(Schema):
    code: str
    name: str
    mode: str
    prefix: str
    quota_left_today: int = Field(description="The daily quota less today's tickets, whatever the sessions.")
    sessions: list[SessionToday] = Field(
        description="Today's sessions, in order; empty on a day not divided."
    )
    requirements: list[str]


class CounterOut(Schema):
    id: int
    number: int
    name: str
    services: list[str]
    state: Literal["open", "paused", "closed"] = Field(
        description="open: the counter serves now; paused: on a break; closed: not opened, or closed"
    )
    since: dt.datetime | None = Field(
        description="when it opened (open) or paused (paused); null when closed"
    )


def counter_out(counter: Counter, state: staffing.CounterState) -> CounterOut:
    return CounterOut(
        id=counter.pk,
        number=counter.number,
        name=counter.name,
        services=[s.code for s in counter.services.all()],
        state=state.state.value,
        since=state.since,
    )


@router.get("/offices", response={200: list[OfficeOut], 400: ErrorOut}, summary="Daftar kantor")
def list_offices(request: HttpRequest):
    return [
        OfficeOut(
            slug=o.slug,
            name=o.name,
            timezone=o.timezone,
            capacity=o.capacity,
            inside=Ticket.objects.filter(office=o, day=o.local_today()).inside().count(),
        )
        for o in Office.objects.all()
    ]


@router.get(
    "/offices/{office}/services",
    response={200: list[ServiceOut], 400: ErrorOut, 404: ErrorOut},
    summary="Layanan sebuah kantor",
)
def list_services(request: HttpRequest, office: str):
    office_obj = get_object_or_404(Office, slug=office)
    now = clock.now()
    today = office_obj.local_today(now)
    out = []
    for service in (
        office_obj.services.filter(active=True).select_related("office").prefetch_related("requirements")
    ):
        taken = taken_per_day(service, [today]).get(today, 0)
        out.append(
            ServiceOut(
                code=service.code,
                name=service.name,
                mode=service.mode,
                prefix=service.prefix,
                quota_left_today=queue_rules.quota_left(quota=service.daily_quota, taken=taken),
                sessions=_sessions_today(service, today, now),
                requirements=[r.name for r in service.requirements.all()],
            )
        )
    return out


def _sessions_today(service: Service, today: dt.date, now: dt.datetime) -> list[SessionToday]:
    """Every session of today, with the places still bookable in each (0 once ended)."""
    cal = calendar_of(service.office)
    if not rules_calendar.is_open_day(day=today, hours=cal.hours, closed=cal.closed):
        return []
    still_open = dict(rooms(service, [today], now=now)[today].sessions)
    return [
        SessionToday(
            starts=session.key,
            ends=f"{session.ends:%H:%M}",
            name=session.name,
            quota_left=still_open.get(session, 0),
        )
        for session in cal.sessions_on(today)
    ]


@router.get(
    "/offices/{office}/counters",
    response={200: list[CounterOut], 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=staff_auth,
    summary="Loket (petugas)",
)
def list_counters(request: StaffApiRequest, office: str):
    office_obj = get_object_or_404(Office, slug=office)
    authorizers.require(authorizers.may_list_counters, request.auth, office_obj)
    counters = Counter.objects.filter(office=office_obj, active=True).prefetch_related("services")
    states = staffing.states(office_obj)
    return [counter_out(c, states.get(c.pk, staffing.CLOSED)) for c in counters]
