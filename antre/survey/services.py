"""Answering the survey: the signed link of an occasion (a visit served, an application done), and
the one answer it may give.

The link carries the occasion signed with the server's key (django.core.signing, with a salt of
its own), so it cannot be guessed or made up; the form checks again that the occasion really ended
served or done, at the office of the address, not more than LIFETIME ago.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from antre.applications.models import Application, AppStatus
from antre.errors import Refusal
from antre.offices.models import Office
from antre.queueing.models import Status, Ticket
from antre.survey.models import AnsweredOccasion, OccasionKind, SurveyAnswer
from antre.survey.questions import PROFILE, QUESTIONS, SUGGESTION_MAX

SALT = "antre.survey.occasion"
LIFETIME = dt.timedelta(days=30)


@dataclass(frozen=True)
class Occasion:
    kind: str
    pk: int
    office: Office
    service_code: str
    kind_code: str
    what: str  # the service or the application kind, as the form names it
    day: dt.date  # the office-local day it ended
    ended_at: dt.datetime


def token_for(kind: str, pk: int, office_id: int) -> str:
    return signing.dumps([kind, pk, office_id], salt=SALT, compress=False)


def visit_token(ticket: Ticket) -> str | None:
    """The survey's token for a visit that ended served; None for any other ticket."""
    if ticket.status != Status.DONE:
        return None
    return token_for(OccasionKind.VISIT, ticket.pk, ticket.office_id)


def application_token(application: Application) -> str | None:
    """The survey's token for an application that is done; None before that, or when rejected."""
    if application.status != AppStatus.DONE:
        return None
    return token_for(OccasionKind.APPLICATION, application.pk, application.office_id)


def _expired() -> Refusal:
    return Refusal(
        "survey_expired",
        _(
            "Tautan survei ini sudah kedaluwarsa: survei dapat diisi sampai 30 hari setelah pelayanan selesai."
        ),
        status=410,
    )


def _not_open() -> Refusal:
    return Refusal(
        "survey_not_open",
        _(
            "Survei hanya dapat diisi untuk kunjungan yang sudah selesai dilayani atau permohonan yang sudah selesai."
        ),
        status=403,
    )


def occasion_of(token: str, *, office: Office, now: dt.datetime) -> Occasion:
    """The occasion a link was made for, if it may be answered now; else a Refusal."""
    try:
        kind, pk, office_id = signing.loads(token, salt=SALT, max_age=LIFETIME)
    except signing.SignatureExpired:
        raise _expired() from None
    except (signing.BadSignature, ValueError, TypeError):
        raise Refusal(
            "survey_link_invalid",
            _("Tautan survei ini tidak sah. Buka tautan dari halaman tiket atau pesan WhatsApp Anda."),
            status=404,
        ) from None
    if office_id != office.pk:
        raise _not_open()
    occasion = _visit(pk, office) if kind == OccasionKind.VISIT else _application(pk, office)
    if occasion is None:
        raise _not_open()
    if now - occasion.ended_at > LIFETIME:
        raise _expired()
    return occasion


def _visit(pk: int, office: Office) -> Occasion | None:
    ticket = Ticket.objects.select_related("service").filter(pk=pk, office=office).first()
    if ticket is None or ticket.status != Status.DONE or ticket.finished_at is None:
        return None
    return Occasion(
        OccasionKind.VISIT,
        pk,
        office,
        ticket.service.code,
        "",
        ticket.service.name,
        ticket.day,
        ticket.finished_at,
    )


def _application(pk: int, office: Office) -> Occasion | None:
    application = Application.objects.select_related("kind").filter(pk=pk, office=office).first()
    if application is None or application.status != AppStatus.DONE:
        return None
    done = application.history.filter(status=AppStatus.DONE).order_by("at").last()
    if done is None:
        return None
    return Occasion(
        OccasionKind.APPLICATION,
        pk,
        office,
        application.kind.service.code if application.kind.service else "",
        application.kind.code,
        application.kind.name,
        office.local_today(done.at),
        done.at,
    )


def was_answered(occasion: Occasion) -> bool:
    return AnsweredOccasion.objects.filter(kind=occasion.kind, occasion_id=occasion.pk).exists()


def already_answered() -> Refusal:
    return Refusal(
        "survey_already_answered",
        _("Survei untuk kunjungan atau permohonan ini sudah diisi. Terima kasih atas penilaian Anda."),
        status=409,
    )


def read_answers(data: Mapping[str, str]) -> dict[str, object]:
    """The form's fields as the answer's columns, or a Refusal naming each field that is wrong."""
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    for question in QUESTIONS:
        raw = (data.get(question.code) or "").strip()
        if raw not in ("1", "2", "3", "4"):
            errors[question.code] = _("Pilih salah satu jawaban.")
        else:
            values[question.code] = int(raw)
    for field, _label, choices in PROFILE:
        raw = (data.get(field) or "").strip()
        if raw and raw not in choices.values:
            errors[field] = _("Pilih dari daftar, atau biarkan kosong.")
        values[field] = raw
    suggestion = (data.get("suggestion") or "").replace("\x00", "").strip()
    if len(suggestion) > SUGGESTION_MAX:
        errors["suggestion"] = _("Saran paling banyak %(n)s karakter.") % {"n": SUGGESTION_MAX}
    values["suggestion"] = suggestion
    if errors:
        raise Refusal(
            "invalid_fields", _("Sembilan pertanyaan penilaian wajib dijawab."), status=422, fields=errors
        )
    return values


def submit_answer(*, token: str, office: Office, data: Mapping[str, str], now: dt.datetime) -> None:
    """Store one anonymous answer for the occasion, and that it was answered, in one transaction."""
    occasion = occasion_of(token, office=office, now=now)
    values = read_answers(data)
    with transaction.atomic():
        try:
            with transaction.atomic():
                AnsweredOccasion.objects.create(kind=occasion.kind, occasion_id=occasion.pk)
        except IntegrityError:
            raise already_answered() from None
        SurveyAnswer.objects.create(
            office=office,
            occasion=occasion.kind,
            service_code=occasion.service_code,
            kind_code=occasion.kind_code,
            day=occasion.day,
            **values,
        )
