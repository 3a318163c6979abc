"""The back office's verbs: a verifier claims an application, asks for fixes, approves or rejects it,
writes to the applicant, and publishes the result. Each owns its transaction; the workflow table
(applications.rules) decides which step may follow which."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial

from django.db import transaction
from django.utils.translation import gettext as _

from antre import clock
from antre.applications import rules
from antre.applications.models import (
    DELIVERY_TO,
    PICKUP_AT,
    RESULT_TO_DOWNLOAD,
    Application,
    ResultKind,
    StatusChange,
)
from antre.applications.pickup import book_pickup
from antre.applications.services import (
    UPLOAD_MESSAGES,
    change_status,
    discard,
    lock_application,
    not_now,
    store_document,
    too_long_fields,
)
from antre.applications.uploads import UploadRefused, check_upload
from antre.audit import services as audit
from antre.audit.models import Action as Audited
from antre.errors import Refusal
from antre.people import authorizers


def _open(code: str, officer, note: str) -> tuple[Application, str]:
    """In the verb's transaction: the application, locked, for a verifier of its office, with the
    officer's note trimmed and within its length."""
    application = lock_application(code)
    authorizers.require(authorizers.may_review_applications, officer, application.office)
    note = (note or "").strip()
    if too_long := too_long_fields({"note": note}):
        raise Refusal(
            "invalid_fields", _("Periksa kembali isian yang ditandai."), status=422, fields=too_long
        )
    return application, note


def _audit(
    application: Application, officer, action: Audited, now: dt.datetime | None = None, **detail
) -> None:
    """The verifier's step, in the audit log (antre.audit), by the application's code."""
    audit.record(
        office=application.office,
        actor=officer,
        action=action,
        subject=application.code,
        detail=detail,
        at=now or clock.now(),
    )


def claim_application(*, code: str, officer, note: str = "") -> Application:
    """The verifier takes the application on: it is theirs to review."""
    with transaction.atomic():
        application, note = _open(code, officer, note)
        application.assigned_to = officer
        change_status(application, "claim", by=officer, note=note)
        _audit(application, officer, Audited.CLAIM)
    return application


def request_fix(*, code: str, officer, note: str, fix_codes: list[str] | None = None) -> Application:
    """Ask the applicant to send some documents again, saying what to fix."""
    with transaction.atomic():
        application, note = _open(code, officer, note)
        codes = set(application.kind.requirements.values_list("code", flat=True))
        chosen = [c for c in (fix_codes or []) if c in codes]
        if not chosen or not note:
            raise Refusal(
                "invalid_fields",
                _("Pilih berkas yang perlu diperbaiki dan tulis apa yang harus diperbaiki."),
                status=422,
                fields={"note": _("Wajib diisi.")}
                if not note
                else {"fix_codes": _("Pilih paling sedikit satu.")},
            )
        application.fix_codes = chosen
        change_status(application, "needs_fix", by=officer, note=note)
        _audit(application, officer, Audited.REQUEST_FIX)
    return application


def approve_application(*, code: str, officer, note: str = "") -> Application:
    """The documents are in order: the result can be made."""
    with transaction.atomic():
        application, note = _open(code, officer, note)
        change_status(application, "approve", by=officer, note=note)
        _audit(application, officer, Audited.APPROVE)
    return application


def reject_application(*, code: str, officer, note: str) -> Application:
    """The application cannot be granted; the note is the reason the applicant reads."""
    with transaction.atomic():
        application, note = _open(code, officer, note)
        if not note:
            raise Refusal(
                "invalid_fields", _("Tulis alasan penolakan."), status=422, fields={"note": _("Wajib diisi.")}
            )
        change_status(application, "reject", by=officer, note=note)
        _audit(application, officer, Audited.REJECT)
    return application


def message_applicant(*, code: str, officer, note: str) -> Application:
    """A message to the applicant in the history; the status stays."""
    with transaction.atomic():
        application, note = _open(code, officer, note)
        if not note:
            raise Refusal(
                "invalid_fields", _("Tulis pesannya."), status=422, fields={"note": _("Wajib diisi.")}
            )
        StatusChange.objects.create(application=application, status=application.status, note=note, by=officer)
    return application


def review_verb(action: str, *, fix_codes: list[str] | None = None) -> Callable[..., Application]:
    """The verb an action's name means, as the back office's buttons name it; the verb takes the
    application's code, the officer and the note."""
    verbs: dict[str, Callable[..., Application]] = {
        "claim": claim_application,
        "needs_fix": partial(request_fix, fix_codes=fix_codes),
        "approve": approve_application,
        "reject": reject_application,
        "message": message_applicant,
    }
    verb = verbs.get(action)
    if verb is None:
        raise Refusal("unknown_action", _("Aksi tidak dikenal."), status=404)
    return verb


def publish(
    *,
    code: str,
    officer,
    result: str,
    file: tuple[str, bytes] | None = None,
    delivery_address: str = "",
    pickup_day: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Application:
    """Finish an approved application: a document to download, a pickup ticket, or delivery.

    A pickup is booked on `pickup_day` (the verifier's proposal; the citizen may move it), else on
    the first day with room.
    """
    now = now or clock.now()
    written: list[str] = []
    try:
        with transaction.atomic():
            application = lock_application(code)
            authorizers.require(authorizers.may_review_applications, officer, application.office)
            if rules.next_status(status=application.status, action="publish") is None:
                raise not_now(application)  # before booking anything for it
            if too_long := too_long_fields({"delivery_address": delivery_address}):
                raise Refusal(
                    "invalid_fields", _("Periksa kembali isian yang ditandai."), status=422, fields=too_long
                )
            note = _hand_over(
                application,
                result,
                file=file,
                delivery_address=delivery_address,
                pickup_day=pickup_day,
                now=now,
                written=written,
            )
            application.result = result
            change_status(application, "publish", by=officer, system_note=note)
            _audit(application, officer, Audited.PUBLISH, now, result=result)
    except BaseException:
        discard(written)
        raise
    return application


def _hand_over(
    application: Application,
    result: str,
    *,
    file: tuple[str, bytes] | None,
    delivery_address: str,
    pickup_day: dt.date | None,
    now: dt.datetime,
    written: list[str],
) -> dict:
    """Make the result ready the chosen way; returns the history's note that says so. A stored
    file is added to `written`, to be removed if the transaction fails."""
    if result == ResultKind.DOCUMENT:
        written.append(store_document(application, _result_upload(file), is_result=True))
        return StatusChange.system_note(RESULT_TO_DOWNLOAD)
    if result == ResultKind.PICKUP:
        ticket = book_pickup(application, pickup_day, now=now)
        application.pickup_ticket = ticket
        return StatusChange.system_note(PICKUP_AT, number=ticket.number, day=ticket.day.isoformat())
    if result == ResultKind.DELIVERY:
        address = " ".join((delivery_address or application.address).split())
        application.delivery_address = address
        return StatusChange.system_note(DELIVERY_TO, address=address)
    raise Refusal(
        "invalid_fields",
        _("Pilih cara penyerahan hasil."),
        status=422,
        fields={"result": _("Wajib dipilih.")},
    )


def _result_upload(file: tuple[str, bytes] | None):
    """The result document, checked as every upload is."""
    if file is None:
        raise Refusal(
            "invalid_fields", _("Unggah dokumen hasilnya."), status=422, fields={"file": _("Wajib diunggah.")}
        )
    try:
        return check_upload(*file)
    except UploadRefused as refused:
        message = UPLOAD_MESSAGES[refused.code]()
        raise Refusal("invalid_fields", message, status=422, fields={"file": message}) from None
