"""The days (and sessions) a service can be booked on, how full each is, and the refusals that say
so with the next day, or session, that still has room."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import formats
from django.utils.translation import gettext as _

from antre import clock
from antre.db import hot
from antre.errors import Refusal
from antre.offices import rules as calendar
from antre.offices.calendar import calendar_of
from antre.offices.models import Office, Service, Session
from antre.queueing.models import Channel
from antre.queueing.sessions import DayRoom, rooms, taken_per_day

__all__ = [
    "bookable_days",
    "day_choices",
    "day_label",
    "day_refusal",
    "day_rooms",
    "next_day_with_room",
    "next_slot",
    "office_calendar",
    "quota_full",
    "same_day_cutoff",
    "session_full",
    "sessions_end",
    "taken_per_day",
]

# Who books from afar: a day divided into sessions stops taking their bookings when its last session
# ends. A walk-in (staff) or a kiosk ticket is for someone at the door, who may come after it.
AT_THE_DOOR = (Channel.WALK_IN, Channel.KIOSK)


def day_label(day: dt.date) -> str:
    return formats.date_format(day, "l, j F Y")


def office_calendar(office: Office, now: dt.datetime):
    local = office.local_now(now)
    cal = calendar_of(office)
    return local, local.date(), cal.hours, cal.closed


def same_day_cutoff(office: Office, channel: str = Channel.WEB, service: Service | None = None) -> int:
    """Minutes before closing that booking for today stops. Behind a door check nobody is invited in
    the office's last minutes, so a later booking would never be called; a walk-in ticket is issued
    or taken at the kiosk by the door, and stands until closing. A service's own cut-off (a long
    visit, say) stops it earlier, and only earlier, for everyone but a walk-in, whom an officer
    issues at the desk."""
    door = office.last_invitation_minutes_before_closing
    default = door if office.gate_enabled and channel not in AT_THE_DOOR else 0
    own = service.same_day_cutoff_minutes if service is not None else None
    if own is None or channel == Channel.WALK_IN:
        return default
    return max(own, default)


def sessions_end(office: Office, channel: str) -> dict[int, dt.time] | None:
    """When booking from afar stops on each weekday divided into sessions: at its last session's end."""
    return None if channel in AT_THE_DOOR else calendar_of(office).sessions_end()


def bookable_days(
    service: Service, *, now: dt.datetime | None = None, channel: str = Channel.WEB
) -> list[dt.date]:
    """The days `service` can be booked on from `channel`, within its window and cut-off."""
    office = service.office
    local, today, hours, closed = office_calendar(office, now or clock.now())
    return calendar.bookable_days(
        today=today,
        now=local.time(),
        hours=hours,
        closed=closed,
        days_ahead=service.days_ahead,
        cutoff_minutes=same_day_cutoff(office, channel, service),
        sessions_end=sessions_end(office, channel),
    )


def day_rooms(service: Service, *, now: dt.datetime | None = None) -> dict[dt.date, DayRoom]:
    """Bookable days in order, each with its places left and its open sessions' (the booking form)."""
    now = now or clock.now()
    return rooms(service, bookable_days(service, now=now), now=now)


def day_choices(service: Service, *, now: dt.datetime | None = None) -> list[tuple[dt.date, int]]:
    """Bookable days with the number of places left on each, within the day's and the sessions' quotas."""
    return [(day, room.left) for day, room in day_rooms(service, now=now).items()]


def _days_with_room(service: Service, days: Sequence[dt.date], now: dt.datetime) -> dict[dt.date, DayRoom]:
    (quota,) = hot.values(Service, ["daily_quota"], service.pk) or (0,)  # not a kept copy's
    return {d: room for d, room in rooms(service, days, now=now, daily_quota=quota).items() if room.left}


def next_day_with_room(service: Service, *, after: dt.date, now: dt.datetime | None = None) -> dt.date | None:
    now = now or clock.now()
    with_room = _days_with_room(service, [d for d in bookable_days(service, now=now) if d > after], now)
    return min(with_room, default=None)


def next_slot(
    service: Service, *, day: dt.date, after: dt.time | None, now: dt.datetime
) -> tuple[dt.date | None, Session | None]:
    """The next place a full day or session points to: a later session of `day` with room (after
    `after`), else the next day with room and its first session with room (None if undivided)."""
    if after is not None:
        same_day = _days_with_room(service, [day], now).get(day)
        later = same_day.first_session_with_room(after=after) if same_day else None
        if later is not None:
            return day, later
    with_room = _days_with_room(service, [d for d in bookable_days(service, now=now) if d > day], now)
    if not with_room:
        return None, None
    next_day = min(with_room)
    return next_day, with_room[next_day].first_session_with_room()


def _next_day_extra(next_day: dt.date | None) -> dict:
    return {"next_available_date": next_day.isoformat() if next_day else None}


def day_refusal(why: str, *, service: Service, day: dt.date, now: dt.datetime) -> Refusal:
    next_day = next_day_with_room(service, after=day, now=now)
    extra = _next_day_extra(next_day)
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
            _("Pendaftaran %(service)s hanya dibuka untuk %(n)s hari ke depan.")
            % {"service": service.name, "n": service.days_ahead},
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
    elif why == "sessions_over":
        message = _("Sesi terakhir hari ini sudah berakhir.")
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
    return Refusal("quota_full", message, fields={"date": message}, extra=_next_day_extra(next_day))


def session_full(
    service: Service, day: dt.date, sessions: Sequence[Session], *, now: dt.datetime, ended: bool = False
) -> Refusal:
    """No room in `sessions` (the one asked for, or every one still open on `day`): the refusal
    names the next session with room, that day or on the next day with room. `ended`: the session
    asked for is over."""
    if len(sessions) == 1 and ended:
        message = _("Sesi %(session)s sudah berakhir.") % {"session": sessions[0].label}
    elif len(sessions) == 1:
        message = _("Sesi %(session)s sudah penuh.") % {"session": sessions[0].label}
    else:
        message = _("Semua sesi %(service)s pada %(day)s sudah penuh.") % {
            "service": service.name,
            "day": day_label(day),
        }
    next_day, next_session = next_slot(service, day=day, after=max(s.starts for s in sessions), now=now)
    if next_day == day and next_session is not None:
        message += " " + _("Sesi berikutnya yang masih ada tempat: %(session)s.") % {
            "session": next_session.label
        }
    elif next_day and next_session is not None:
        message += " " + _("Hari terdekat yang masih ada tempat: %(day)s, sesi %(session)s.") % {
            "day": day_label(next_day),
            "session": next_session.label,
        }
    elif next_day:
        message += " " + _("Hari terdekat yang masih tersedia: %(day)s.") % {"day": day_label(next_day)}
    return Refusal(
        "session_ended" if ended else "session_full",
        message,
        fields={"session": message},
        extra={
            "next_available_session": next_session.key if next_session else None,
            **_next_day_extra(next_day),
        },
    )
