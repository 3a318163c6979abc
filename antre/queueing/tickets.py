"""A ticket as its holder and the screens see it: its place in the queue, the estimate of its call,
and what its page tells the holder. Read only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from antre import clock
from antre.forecast.engine import DAY_END
from antre.offices.calendar import calendar_of, last_invitation_at, serving_periods
from antre.offices.models import Office, Service
from antre.queueing import arrivals, forecasting, rules
from antre.queueing.models import WAITING_STATUSES, DailySequence, Status, Ticket


@dataclass(frozen=True)
class Progress:
    position: int | None  # 1 = next to be called; None once the ticket is no longer waiting
    estimated_call_at: dt.datetime | None


def progress(ticket: Ticket, *, now: dt.datetime | None = None) -> Progress:
    """Where a waiting ticket stands in its service's queue and when it is likely called."""
    now = now or clock.now()
    if ticket.status not in WAITING_STATUSES or ticket.day < ticket.office.local_today(now):
        return Progress(position=None, estimated_call_at=None)
    waiting = Ticket.objects.filter(service_id=ticket.service_id, day=ticket.day).waiting()
    earlier = Q(queued_at__lt=ticket.queued_at) | Q(queued_at=ticket.queued_at, pk__lt=ticket.pk)
    ahead = waiting.filter(earlier, is_priority=ticket.is_priority).count()
    if not ticket.is_priority:
        ahead += waiting.filter(is_priority=True).count()
    if ticket.day == ticket.office.local_today(now):
        return Progress(position=ahead + 1, estimated_call_at=called_at(ticket.office, ticket.token, now))
    return Progress(position=ahead + 1, estimated_call_at=_estimate_ahead(ticket, ahead, now, current=True))


def _estimate_ahead(
    ticket: Ticket, ahead: int, now: dt.datetime, *, current: bool = False
) -> dt.datetime | None:
    """The call of a ticket of a day to come: from the day's plan that gives its holder the come-at
    time, so the two agree (the booking's answer, made before the plan holds the ticket, places it
    as the plan's newcomer after `ahead`, as its come-at time was); else the counters' pace, never
    before its session begins."""
    office = ticket.office
    planned = ticket.come_at or (ticket.channel in arrivals.FROM_HOME and office.come_at_lead_minutes)
    plan = arrivals.day_plan(office, ticket.day, now, current=current) if planned else None
    minute = plan.calls.get(ticket.token) if plan else None
    if plan and minute is None and (minute := plan.newcomer(ticket.service.code, ahead)) is not None:
        minute = max(minute, arrivals.session_start(ticket))  # as the plan places its own bookings
    if minute is not None and minute >= DAY_END:
        return None  # past what the day's counters can serve: no time rather than midnight
    if minute is not None:
        return dt.datetime.combine(ticket.day, dt.time(0), tzinfo=office.tzinfo) + dt.timedelta(
            minutes=minute
        )
    starts = ticket.session.starts if ticket.session else None
    not_before = dt.datetime.combine(ticket.day, starts, tzinfo=office.tzinfo) if starts else None
    return Pace(office, ticket.day).estimate(ticket.service_id, ahead, now, not_before=not_before)


def called_at(office: Office, token: str, now: dt.datetime) -> dt.datetime | None:
    """When today's waiting ticket `token` is likely called (antre.queueing.forecasting)."""
    minute = forecasting.outlook(office, now).calls.get(token)
    if minute is None:  # booked since the kept projection was made
        minute = forecasting.outlook(office, now, fresh=True).calls.get(token)
    return forecasting.at_minute(office, now, minute) if minute is not None else None


class Pace:
    """What an estimate needs about an office's day: when the counters serve, and how many serve what."""

    def __init__(self, office: Office, day: dt.date):
        self.periods = serving_periods(office, day)
        self.per_service = calendar_of(office).pace
        self.tz = office.tzinfo

    def estimate(
        self, service_id: int, ahead: int, now: dt.datetime, *, not_before: dt.datetime | None = None
    ) -> dt.datetime | None:
        """When the next `ahead` + 1st ticket of a service is likely called (not before `not_before`);
        None: not on this day."""
        minutes, counters = self.per_service.get(service_id, (10, 1))
        at = rules.estimate_call_at(
            ahead=ahead,
            minutes_per_visit=minutes,
            counters=counters,
            now=now,
            periods=self.periods,
            not_before=not_before,
        )
        return at.astimezone(self.tz) if at else None


def office_positions(office_id: int, *, now: dt.datetime | None = None) -> dict[str, dict]:
    """Position and estimate of every ticket waiting today at an office, from one projection."""
    now = now or clock.now()
    office = Office.objects.get(pk=office_id)
    today = office.local_today(now)
    projected = forecasting.outlook(office, now).calls
    rows = list(
        Ticket.objects.filter(office=office, day=today)
        .waiting()
        .in_call_order()
        .values_list("token", "service_id")
    )
    if any(token not in projected for token, _ in rows):  # booked since the kept projection
        projected = forecasting.outlook(office, now, fresh=True).calls
    ahead_in: dict[int, int] = {}
    out = {}
    for token, service_id in rows:
        ahead = ahead_in.get(service_id, 0)  # in call order: its service's line, priority first
        ahead_in[service_id] = ahead + 1
        minute = projected.get(token)
        estimate = forecasting.at_minute(office, now, minute) if minute is not None else None
        out[token] = {"position": ahead + 1, "estimated_call_at": estimate.isoformat() if estimate else None}
    return out


def ticket_state(token: str, *, now: dt.datetime | None = None) -> dict:
    """A ticket as its holder's live page shows it."""
    now = now or clock.now()
    ticket = Ticket.objects.select_related("office", "service", "counter").get(token=token)
    where, told = outlook(ticket, now=now)
    return {
        "number": ticket.number,
        "status": ticket.status,
        "status_label": ticket.get_status_display(),
        "recalls": ticket.recalls,
        "counter": ticket.counter.number if ticket.counter else None,
        "service": ticket.service.code,
        "service_name": ticket.service.name,
        # A transfer changes what to bring: the live page shows the new service's list.
        "requirements": list(ticket.service.requirements.values_list("name", flat=True)),
        "stepped_out": ticket.has_stepped_out,
        "position": where.position,
        "estimated_call_at": where.estimated_call_at.isoformat() if where.estimated_call_at else None,
        # Why the estimate is what it is (antre.queueing.forecasting), and when to come from home.
        "why": forecasting.reasons(why, ticket.office)
        if where.position and (why := forecasting.explain(ticket, now))
        else "",
        "come_at": come.isoformat() if (come := arrivals.current(ticket, now)) else None,
        "invited_until": until.isoformat() if (until := invited_until(ticket, now=now)) else None,
        "door_hint": told.show_at_door,
        "lapsed": told.lapsed,
        "not_today": told.not_today,
        "may_rejoin": told.may_rejoin,
        # The page asks again when invitations stop (nothing else happens then to send it news),
        # timed from the server's clock: the phone's may be wrong.
        "invitations_end_at": told.invitations_end_at.isoformat() if told.invitations_end_at else None,
        "now": now.isoformat(),
    }


def invited_until(ticket: Ticket, *, now: dt.datetime | None = None) -> dt.datetime | None:
    """Until when an invited citizen may come in, while the invitation stands."""
    return ticket.invited_until(now or clock.now())


def outlook(ticket: Ticket, *, now: dt.datetime | None = None) -> tuple[Progress, Guidance]:
    """The ticket page's facts: where the ticket stands and what its holder is told. A citizen the
    door will not invite today gets no place and no time."""
    now = now or clock.now()
    told = guidance(ticket, now=now)
    return (Progress(None, None) if told.not_today else progress(ticket, now=now)), told


@dataclass(frozen=True)
class Guidance:
    """What the holder of a ticket is told besides its status, with and without scripts."""

    show_at_door: bool  # the QR is for the door's officer: booked, behind a gate, not inside
    lapsed: str  # an invitation passed unused: "again" (one more will come) or "door" (come anyway)
    not_today: bool  # booked for today, outside, and the door invites nobody more today
    invitations_end_at: dt.datetime | None  # today's last invitation, while it is ahead
    may_rejoin: bool  # a no-show of today, whom an officer may put back in the queue once
    refresh: bool  # waiting today: a page without scripts reloads itself to show what comes


def guidance(ticket: Ticket, *, now: dt.datetime | None = None) -> Guidance:
    """What to tell the holder of `ticket` at `now`, beyond its status."""
    now = now or clock.now()
    office = ticket.office
    today = office.local_today(now)
    at_door = office.gate_enabled and ticket.status == Status.BOOKED and ticket.day >= today
    # Invitations go to today's booked citizens who have not been in yet (antre.gate.services).
    awaits_invitation = (
        at_door
        and ticket.day == today
        and ticket.arrived_at is None
        and invited_until(ticket, now=now) is None
    )
    last_call = last_invitation_at(office, today) if awaits_invitation else None
    over = awaits_invitation and (last_call is None or now >= last_call)
    lapsed = ""
    if awaits_invitation and not over and ticket.invitations >= 1:
        lapsed = "again" if ticket.invitations < rules.MAX_INVITATIONS else "door"
    return Guidance(
        show_at_door=at_door,
        lapsed=lapsed,
        not_today=over,
        invitations_end_at=last_call if awaits_invitation and not over else None,
        may_rejoin=ticket.status == Status.NO_SHOW and not ticket.rejoined and ticket.day == today,
        refresh=ticket.status in WAITING_STATUSES and ticket.day == today and not over,
    )


def progress_of(ticket: Ticket, ahead: int, now: dt.datetime) -> Progress:
    """A new ticket's place in the line and its estimate, told in the booking's answer (a kiosk prints
    it): never before its session begins, as the ticket page says."""
    office = ticket.office
    if ticket.day == office.local_today(now):
        # A projection made moments ago, with the bookings since added: the rush books hundreds a second.
        minute = forecasting.outlook(office, now, rush=True).newcomer(ticket.service.code, ahead)
        estimate = forecasting.at_minute(office, now, minute) if minute is not None else None
    else:
        estimate = _estimate_ahead(ticket, ahead, now)
    return Progress(position=ahead + 1, estimated_call_at=estimate)


def come_at_for(office: Office, service: Service, day: dt.date, sessions, *, channel: str, now: dt.datetime):
    """The come-at time a booking from home is told, written by its own insert (antre.queueing.arrivals).
    The bookings ahead are read before the insert, without its lock: at the rush a few may slip in
    between, which moves the time by a few minutes, as the ticket page will show."""
    if channel not in arrivals.FROM_HOME or not office.come_at_lead_minutes:
        return None
    ahead = (
        DailySequence.objects.filter(service=service, day=day).values_list("waiting", flat=True).first() or 0
    )
    first = sessions[0] if sessions else None
    return arrivals.told_at_booking(
        office, service=service.code, day=day, session=first, channel=channel, ahead=ahead, now=now
    )
