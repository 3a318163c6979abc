"""What citizens are told on WhatsApp, queued in the transaction of the change (antre.whatsapp.outbox).

The messages are approved templates, because a citizen who booked on the web has not written to
the office in the last 24 hours, and outside that window WhatsApp only delivers templates. The
office creates them in WhatsApp Manager with these names and parameters (docs/whatsapp.md).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterator

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from antre import clock
from antre.links import public_url
from antre.survey import services as survey
from antre.whatsapp import outbox


def end_of_day(ticket) -> dt.datetime:
    """The office's midnight after the ticket's day: news of a ticket is no use after it."""
    return dt.datetime.combine(ticket.day + dt.timedelta(days=1), dt.time(0), tzinfo=ticket.office.tzinfo)


CALL_NEWS = dt.timedelta(minutes=30)  # a call told later than this sends the citizen to a finished counter


def visit_when(ticket) -> str:
    """The ticket's day as a message writes it, with its session if it has one: "Senin, 7 Desember
    2026, sesi 08.00–10.00 WITA"."""
    day = formats.date_format(ticket.day, "l, j F Y")
    if ticket.session is None:
        return day
    return _("%(day)s, sesi %(times)s %(zone)s") % {
        "day": day,
        "times": ticket.session.label,
        "zone": ticket.office.tz_label,
    }


_answered_in_chat: contextvars.ContextVar[bool] = contextvars.ContextVar("answered_in_chat", default=False)


@contextlib.contextmanager
def answered_in_chat() -> Iterator[None]:
    """A booking made inside a WhatsApp chat (the bot's booking, a web booking confirmed by its
    code): the chat's own reply tells the citizen the number and the link, so the booked template
    is not sent as a second message saying the same."""
    token = _answered_in_chat.set(True)
    try:
        yield
    finally:
        _answered_in_chat.reset(token)


def ticket_booked(ticket) -> None:
    if ticket.phone and not _answered_in_chat.get():
        outbox.enqueue(
            office_id=ticket.office_id,
            to=ticket.phone,
            template="antre_tiket",
            params=[ticket.number, ticket.service.name, visit_when(ticket)],
            key=f"ticket:{ticket.token}:booked",
            expires_at=end_of_day(ticket),
        )


def ticket_link(ticket, url: str, *, key: str) -> bool:
    """The ticket's link again, for a citizen who lost it (the help desk); False if not queued."""
    return outbox.enqueue(
        office_id=ticket.office_id,
        to=ticket.phone,
        template="antre_tautan_tiket",
        params=[ticket.number, formats.date_format(ticket.day, "l, j F Y"), url],
        key=f"ticket:{ticket.token}:link:{key}",
        expires_at=end_of_day(ticket),
    )


def ticket_office_closed(ticket, reason: str, rebook_url: str) -> None:
    """The office closes on the ticket's day: the number is cancelled; book another day."""
    if ticket.phone:
        outbox.enqueue(
            office_id=ticket.office_id,
            to=ticket.phone,
            template="antre_kantor_tutup",
            params=[ticket.number, formats.date_format(ticket.day, "l, j F Y"), reason or "-", rebook_url],
            key=f"ticket:{ticket.token}:office-closed",
            expires_at=end_of_day(ticket),
        )


def ticket_near(ticket, ahead: int) -> None:
    if ticket.phone:
        outbox.enqueue(
            office_id=ticket.office_id,
            to=ticket.phone,
            template="antre_hampir",
            params=[ticket.number, str(ahead)],
            key=f"ticket:{ticket.token}:near",
            expires_at=end_of_day(ticket),
        )


def ticket_leave_home(ticket, come_at: dt.datetime) -> None:
    """Time to leave home to be at the office by the come-at time (antre.queueing.arrivals)."""
    if ticket.phone:
        at = timezone.localtime(come_at, ticket.office.tzinfo)
        outbox.enqueue(
            office_id=ticket.office_id,
            to=ticket.phone,
            template="antre_berangkat",
            params=[ticket.number, f"{at:%H.%M} {ticket.office.tz_label}", ticket.office.name],
            key=f"ticket:{ticket.token}:leave",
            expires_at=at,
        )


def ticket_called(ticket, counter_number: int) -> None:
    if ticket.phone:
        outbox.enqueue(
            office_id=ticket.office_id,
            to=ticket.phone,
            template="antre_dipanggil",
            params=[ticket.number, str(counter_number)],
            # Each call is told once: a recall counts up, and a citizen called again after stepping
            # out has a new call time.
            key=f"ticket:{ticket.token}:called:{ticket.called_at:%Y%m%d%H%M%S%f}:{ticket.recalls}",
            expires_at=ticket.called_at + CALL_NEWS if ticket.called_at else None,
        )


def ticket_invited(ticket, until) -> None:
    """Come to the door now, at the latest by `until` (counted in the door's open time)."""
    if ticket.phone:
        until = timezone.localtime(until, ticket.office.tzinfo)
        outbox.enqueue(
            office_id=ticket.office_id,
            to=ticket.phone,
            template="antre_silakan_masuk",
            params=[ticket.number, f"{until:%H.%M} {ticket.office.tz_label}"],
            key=f"ticket:{ticket.token}:invited:{ticket.invitations}",
            expires_at=until,
        )


def application_changed(application, step: int) -> None:
    if application.phone:
        outbox.enqueue(
            office_id=application.office_id,
            to=application.phone,
            template="antre_permohonan",
            params=[application.code, str(application.get_status_display())],
            key=f"application:{application.code}:{step}",
        )


def _survey_link(office, token: str) -> str:
    return public_url(reverse("survey:answer", args=[office.slug, token]))


def visit_survey(ticket) -> None:
    """The visit ended served: once, the survey's link (antre.survey), if the citizen gave a phone."""
    token = survey.visit_token(ticket)
    if ticket.phone and token:
        outbox.enqueue(
            office_id=ticket.office_id,
            to=ticket.phone,
            template="antre_survei",
            params=[ticket.office.name, _survey_link(ticket.office, token)],
            key=f"ticket:{ticket.pk}:survey",
            expires_at=(ticket.finished_at or clock.now()) + survey.LIFETIME,
        )


def application_survey(application) -> None:
    """The application is done: once, the survey's link, if the applicant gave a phone."""
    token = survey.application_token(application)
    if application.phone and token:
        outbox.enqueue(
            office_id=application.office_id,
            to=application.phone,
            template="antre_survei",
            params=[application.office.name, _survey_link(application.office, token)],
            key=f"application:{application.code}:survey",
            expires_at=clock.now() + survey.LIFETIME,
        )
