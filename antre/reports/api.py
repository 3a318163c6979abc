"""`GET /api/v1/offices/{office}/stats` (SPEC §6): the office's figures over days, for the head of
office and the administrator. What each figure means: antre.reports.stats."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Literal

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from antre import clock
from antre.api_errors import ErrorOut
from antre.errors import Refusal
from antre.offices.models import Office
from antre.people import authorizers
from antre.people.apiauth import staff_auth
from antre.people.staff_requests import StaffApiRequest
from antre.reports.stats import stats
from antre.spans import span_of

router = Router(tags=["laporan"])


class FiguresOut(Schema):
    booked: int = Field(description="Every ticket of the days, however it was taken.")
    served: int
    no_show: int = Field(description="Called and absent, or the day ended before it was served.")
    cancelled: int
    turned_away: int = Field(description="Refused at the door's health check.")
    wait_avg_minutes: float | None = Field(
        description="From joining the line to the call; null if nobody was called."
    )
    wait_p90_minutes: float | None = Field(
        description="Nine in ten waits were this long or shorter (nearest rank)."
    )
    service_avg_minutes: float | None = Field(description="From the start of the service to its finish.")
    over_wait_target: int = Field(description="Called after waiting longer than the office's wait target.")
    called: int = Field(description="Called to a counter: what the waits and over_wait_target count over.")


class GroupOut(FiguresOut):
    name: str = Field(description="The kecamatan's name, where known; empty otherwise.")


class OfficerOut(FiguresOut):
    name: str = Field(description="The officer's full name; the username when none is set.")


class StatsOut(FiguresOut):
    office: str
    wait_target_minutes: int = Field(description="The office's wait target (an office setting).")
    date_from: dt.date = Field(alias="from")
    date_to: dt.date = Field(alias="to", description="The last day counted: today at the latest.")
    per: str = Field(description="The grain of `by_period`: day, week or month.")
    by_period: dict[str, FiguresOut] = Field(
        description="Keyed by day (`2026-12-07`), ISO week (`2026-W50`) or month (`2026-12`), in time order."
    )
    by_service: dict[str, FiguresOut] = Field(description="Keyed by service code.")
    by_counter: dict[str, FiguresOut] = Field(description="Keyed by counter number; tickets called there.")
    by_officer: dict[str, OfficerOut] = Field(
        description="Keyed by the username of the officer who called the tickets (the last call, if "
        "recalled by another); tickets never called are in no officer's figures."
    )
    by_channel: dict[str, FiguresOut] = Field(description="Keyed by channel: web, whatsapp, kiosk, walk_in.")
    by_kecamatan: dict[str, GroupOut] = Field(
        description='Keyed by the kecamatan code of the citizen\'s NIK (`51.02.01`); `""` without a NIK.'
    )


class Span(Schema):
    date_from: dt.date | None = Field(
        None, alias="from", description="First day, office-local (default: the month's first)."
    )
    date_to: dt.date | None = Field(None, alias="to", description="Last day, included (default: today).")
    per: Literal["day", "week", "month"] = Field("day", description="The grain of `by_period`.")


@router.get(
    "/offices/{office}/stats",
    auth=staff_auth,
    response={200: StatsOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    by_alias=True,
    summary="Angka kinerja kantor (kepala, admin)",
    description="Counts by how tickets ended, waits and service times over the days `from`..`to`, overall "
    "and per service, counter, officer, channel and kecamatan. Today's tickets still in the queue count in "
    "`booked` only. At most 366 days per request.",
)
def office_stats(request: StaffApiRequest, office: str, span: Query[Span]):
    office_obj = get_object_or_404(Office, slug=office)
    authorizers.require(authorizers.may_see_reports, request.auth, office_obj)
    now = clock.now()
    asked = (
        span.date_from.isoformat() if span.date_from else None,
        span.date_to.isoformat() if span.date_to else None,
    )
    first, last, problem = span_of(*asked, today=office_obj.local_today(now))
    if problem:
        raise Refusal("invalid_fields", _("Periksa kembali rentang tanggal."), status=422, fields=problem)
    found = stats(office_obj, first, last, now=now, per=span.per)
    names = found.kecamatan_names
    return {
        "office": office_obj.slug,
        "wait_target_minutes": found.wait_target_minutes,
        "from": found.first,
        "to": found.last,
        **asdict(found.total),
        "per": found.per,
        "by_period": {key: asdict(f) for key, f in found.by_period.items()},
        "by_service": {code: asdict(f) for code, f in found.by_service.items()},
        "by_counter": {code: asdict(f) for code, f in found.by_counter.items()},
        "by_officer": {
            username: {**asdict(f), "name": found.officer_names.get(username, username)}
            for username, f in found.by_officer.items()
        },
        "by_channel": {code: asdict(f) for code, f in found.by_channel.items()},
        "by_kecamatan": {
            code: {**asdict(f), "name": names.get(code, "")} for code, f in found.by_kecamatan.items()
        },
    }
