"""The days a service can be booked on, how full each is, and the refusals that say so with the next
day that still has room."""

from __future__ import annotations

import datetime as dt

from django.utils import formats
from django.utils.translation import gettext as _

from antre import clock
from antre.db import hot
from antre.errors import Refusal
from antre.offices import rules as calendar
from antre.offices.calendar import calendar_of
from antre.offices.models import Office, Service
from antre.queueing import rules
from antre.queueing.models import Channel, DailySequence


def day_label(day: dt.date) -> str:
    return formats.date_format(day, "l, j F Y")


def office_calendar(office: Office, now: dt.datetime):
    local = office.local_now(now)
    cal = calendar_of(office)
    return local, local.date(), cal.hours, cal.closed


def same_day_cutoff(office: Office, channel: str = Channel.WEB) -> int:
    """Minutes before closing that booking for today stops. Behind a door check nobody is invited in
    the office's last minutes, so a later booking would never be called; a walk-in ticket is issued
    or taken at the kiosk by the door, and stands until closing."""
    if office.gate_enabled and channel not in (Channel.WALK_IN, Channel.KIOSK):
        return office.last_invitation_minutes_before_closing
    return 0


def bookable_days(office: Office, *, now: dt.datetime | None = None) -> list[dt.date]:
    local, today, hours, closed = office_calendar(office, now or clock.now())
    return calendar.bookable_days(
        today=today,
        now=local.time(),
        hours=hours,
        closed=closed,
        days_ahead=office.booking_days_ahead,
        cutoff_minutes=same_day_cutoff(office),
    )


def taken_per_day(service: Service, days: list[dt.date]) -> dict[dt.date, int]:
    """Tickets counted against the quota (rules.is_taken) per day: the counts the database keeps
    on each day's number row (antre.queueing.dbcode), in one query."""
    rows = DailySequence.objects.filter(service=service, day__in=days).values_list("day", "taken")
    return dict(rows)


def day_choices(service: Service, *, now: dt.datetime | None = None) -> list[tuple[dt.date, int]]:
    """Bookable days with the number of places left on each, for the booking form."""
    days = bookable_days(service.office, now=now)
    taken = taken_per_day(service, days)
    return [(day, rules.quota_left(quota=service.daily_quota, taken=taken.get(day, 0))) for day in days]


def next_day_with_room(service: Service, *, after: dt.date, now: dt.datetime | None = None) -> dt.date | None:
    days = [d for d in bookable_days(service.office, now=now) if d > after]
    (quota,) = hot.values(Service, ["daily_quota"], service.pk) or (0,)  # not a kept copy's
    return rules.first_day_with_room(days=days, taken=taken_per_day(service, days), quota=quota)


def day_refusal(why: str, *, service: Service, day: dt.date, now: dt.datetime) -> Refusal:
    next_day = next_day_with_room(service, after=day, now=now)
    extra = {"next_available_date": next_day.isoformat() if next_day else None}
    if why == "date_in_past":
        return Refusal(
            "date_in_past",
            _("Tanggal sudah lewat. Pilih hari ini atau hari berikutnya."),
            status=422,
            fields={"date": _("Tanggal sudah lewat.")},
            extra=extra,
        )
    if why == "date_too_far":
        return Refusal(
            "date_too_far",
            _("Pendaftaran hanya dibuka untuk %(n)s hari ke depan.")
            % {"n": service.office.booking_days_ahead},
            status=422,
            fields={"date": _("Tanggal terlalu jauh.")},
            extra=extra,
        )
    if why == "office_closed_today":
        message = _("Layanan hari ini sudah tutup.")
    elif why == "same_day_closed":
        message = _(
            "Pendaftaran untuk hari ini sudah ditutup: menjelang jam tutup tidak ada lagi warga yang "
            "diundang masuk."
        )
    else:
        message = _("Kantor tutup pada %(day)s.") % {"day": day_label(day)}
    if next_day:
        message += " " + _("Hari terdekat yang masih tersedia: %(day)s.") % {"day": day_label(next_day)}
    return Refusal("closed_day", message, fields={"date": message}, extra=extra)


def quota_full(service: Service, day: dt.date, *, now: dt.datetime) -> Refusal:
    next_day = next_day_with_room(service, after=day, now=now)
    message = _("Kuota %(service)s untuk %(day)s sudah penuh.") % {
        "service": service.name,
        "day": day_label(day),
    }
    if next_day:
        message += " " + _("Hari terdekat yang masih tersedia: %(day)s.") % {"day": day_label(next_day)}
    return Refusal(
        "quota_full",
        message,
        fields={"date": message},
        extra={"next_available_date": next_day.isoformat() if next_day else None},
    )
