"""Office catalogue endpoints: offices with who is inside, services with today's quota left, counters.

They live with the queue because the figures they carry are the queue's.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from antre.offices.models import Counter, Office
from antre.people import authorizers
from antre.people.apiauth import staff_auth
from antre.people.staff_requests import StaffApiRequest
from antre.queueing import rules as queue_rules
from antre.queueing import staffing
from antre.queueing.days import taken_per_day
from antre.queueing.models import Ticket

router = Router(tags=["kantor"])


class OfficeOut(Schema):
    slug: str
    name: str
    timezone: str
    capacity: int
    inside: int


class ServiceOut(Schema):
    code: str
    name: str
    mode: str
    prefix: str
    quota_left_today: int
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


@router.get("/offices", response=list[OfficeOut], summary="Daftar kantor")
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


@router.get("/offices/{office}/services", response=list[ServiceOut], summary="Layanan sebuah kantor")
def list_services(request: HttpRequest, office: str):
    office_obj = get_object_or_404(Office, slug=office)
    today = office_obj.local_today()
    out = []
    for service in office_obj.services.filter(active=True).prefetch_related("requirements"):
        taken = taken_per_day(service, [today]).get(today, 0)
        out.append(
            ServiceOut(
                code=service.code,
                name=service.name,
                mode=service.mode,
                prefix=service.prefix,
                quota_left_today=queue_rules.quota_left(quota=service.daily_quota, taken=taken),
                requirements=[r.name for r in service.requirements.all()],
            )
        )
    return out


@router.get(
    "/offices/{office}/counters", response=list[CounterOut], auth=staff_auth, summary="Loket (petugas)"
)
def list_counters(request: StaffApiRequest, office: str):
    office_obj = get_object_or_404(Office, slug=office)
    authorizers.require(authorizers.may_list_counters, request.auth, office_obj)
    counters = Counter.objects.filter(office=office_obj, active=True).prefetch_related("services")
    states = staffing.states(office_obj)
    return [counter_out(c, states.get(c.pk, staffing.CLOSED)) for c in counters]
