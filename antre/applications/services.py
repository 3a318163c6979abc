"""Online applications: submit with documents, track by code and NIK. Files live outside the web root."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from antre import clock
from antre.applications import holding, rules, signals
from antre.applications.holding import Holding
from antre.applications.models import (
    DELIVERY_TO,
    FIXES_SENT,
    PICKUP_AT,
    PICKUP_MOVED,
    RESULT_TO_DOWNLOAD,
    Application,
    ApplicationKind,
    AppStatus,
    Document,
    KindPurpose,
    ResultKind,
    StatusChange,
)
from antre.applications.uploads import MAX_BYTES, UploadRefused, check_upload
from antre.errors import Refusal
from antre.offices.models import Office, Region, Service
from antre.people import authorizers
from antre.people import rules as people
from antre.people.rules import mask_nik
from antre.queueing import rules as queue_rules
from antre.queueing import services as queueing
from antre.queueing.models import Status as TicketStatus
from antre.queueing.models import Ticket

log = logging.getLogger(__name__)

UPLOAD_MESSAGES = {
    "empty": lambda: _("Berkas kosong. Pilih berkas yang berisi dokumen."),
    "too_large": lambda: (
        _("Berkas terlalu besar; paling besar %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)}
    ),
    "bad_name": lambda: _("Nama berkas tidak valid. Ganti nama berkasnya lalu unggah lagi."),
    "bad_type": lambda: _("Jenis berkas tidak didukung. Kirim PDF, JPEG atau PNG."),
    "damaged": lambda: _("Berkas rusak atau tidak dapat dibaca. Pindai atau foto ulang dokumennya."),
    "too_many_pixels": lambda: _("Gambar terlalu besar untuk diproses. Kirim foto biasa dari ponsel."),
}


def _max_length(model, field: str) -> int:
    return model._meta.get_field(field).max_length


# The longest each text may be as it is sent: the model's column, except NIK and KK number, which
# may be typed with spaces or dots and are stored as their 16 digits. The form's maxlength, the
# API's schema and the checks below all read these.
FIELD_MAX = {
    "kind": _max_length(ApplicationKind, "code"),
    "nik": 24,
    "kk_number": 24,
    "name": _max_length(Application, "name"),
    "phone": _max_length(Application, "phone"),
    "address": _max_length(Application, "address"),
    "village": _max_length(Region, "code"),
    "note": _max_length(StatusChange, "note"),
    "delivery_address": _max_length(Application, "delivery_address"),
}


def _too_long(values: dict[str, str]) -> dict[str, str]:
    """A message for each field longer than FIELD_MAX allows."""
    return {
        field: _("Terlalu panjang: paling banyak %(n)s karakter.") % {"n": FIELD_MAX[field]}
        for field, value in values.items()
        if len(value or "") > FIELD_MAX[field]
    }


def documents_root() -> Path:
    root = Path(settings.DATA_DIR) / "documents"
    root.mkdir(mode=0o700, exist_ok=True)
    return root


class _TooLarge(bytes):
    """Stands in for a file refused by its size before being read into memory."""


def read_uploads(files, codes) -> dict[str, tuple[str, bytes]]:
    """The uploads named by a requirement, read into memory only when they are within the size limit."""
    wanted = set(codes)
    out = {}
    for code, upload in files.items():
        if code not in wanted:
            continue  # a field no requirement asks for is never read
        out[code] = (upload.name, _TooLarge() if upload.size > MAX_BYTES else upload.read())
    return out


def _check(name: str, data: bytes):
    if isinstance(data, _TooLarge):
        raise UploadRefused("too_large")
    return check_upload(name, data)


def find_kind(office: Office, code: str) -> ApplicationKind:
    kind = ApplicationKind.objects.filter(
        office=office, code=(code or "").strip().upper(), active=True
    ).first()
    if kind is None:
        raise Refusal(
            "unknown_kind",
            _("Jenis permohonan tidak ditemukan."),
            status=422,
            fields={"kind": _("Pilih jenis permohonan dari daftar.")},
        )
    return kind


def submit(
    *,
    office: Office,
    kind_code: str,
    nik: str,
    name: str,
    address: str,
    village_code: str,
    files: dict[str, tuple[str, bytes]],
    consent: bool,
    kk_number: str = "",
    phone: str = "",
    channel: str = "web",
    form: Holding | None = None,
    now: dt.datetime | None = None,
) -> Application:
    """Check everything first; then store the application, its history and its files together.

    With a `form` (the web form), documents that pass their check are held for it when something
    else is refused, and a later send of the same form uses them where no new file is chosen.
    """
    now = now or clock.now()
    too_long = _too_long(
        {
            "kind": kind_code,
            "nik": nik,
            "kk_number": kk_number,
            "name": name,
            "phone": phone,
            "address": address,
            "village": village_code,
        }
    )
    if "kind" in too_long:
        raise Refusal(
            "invalid_fields", _("Periksa kembali isian yang ditandai."), status=422, fields=too_long
        )
    kind = find_kind(office, kind_code)
    errors: dict[str, str] = {}
    check = people.check_nik(nik, today=office.local_today(now))
    if not check.valid:
        errors["nik"] = _("NIK tidak valid; periksa 16 digitnya.")
    kk = "".join(ch for ch in (kk_number or "") if ch.isdigit())
    if kk_number and len(kk) != 16:
        errors["kk_number"] = _("Nomor KK harus 16 digit angka.")
    clean_name = people.normalize_name(name)
    if not clean_name:
        errors["name"] = _("Isi nama lengkap sesuai KTP (huruf saja, 2–100 karakter).")
    clean_phone = people.normalize_phone(phone) if (phone or "").strip() else ""
    if clean_phone is None:
        errors["phone"] = _("Nomor HP tidak valid. Contoh: 0812 3456 7890.")
    address = " ".join((address or "").split())
    if len(address) < 5:
        errors["address"] = _("Isi alamat lengkap (jalan, banjar/dusun, RT/RW).")
    village = Region.objects.filter(
        code=village_code or "", level=4, code__startswith=office.region_code + "."
    ).first()
    if village is None:
        errors["village"] = _("Pilih desa/kelurahan dari daftar.")
    if not consent:
        errors["consent"] = _(
            "Permohonan hanya dapat diproses bila Anda menyetujui pemberitahuan data pribadi."
        )
    errors.update(too_long)  # said instead of what the other checks made of the same text
    kept = holding.held(form, now=now)
    checked, new = {}, {}
    for requirement in kind.requirements.all():
        upload = files.get(requirement.code)
        if upload is not None:
            try:
                checked[requirement] = new[requirement.code] = _check(upload[0], upload[1])
                continue
            except UploadRefused as refused:
                errors[requirement.code] = UPLOAD_MESSAGES[refused.code]()
        if requirement.code in kept:  # received on an earlier send of this form
            checked[requirement] = kept[requirement.code]
        elif upload is None and requirement.required:
            errors[requirement.code] = _("Wajib diunggah.")
    if errors:
        holding.keep(form, new, now=now)  # nothing that passed has to be chosen again
        raise Refusal("invalid_fields", _("Periksa kembali isian yang ditandai."), status=422, fields=errors)

    written: list[Path] = []
    try:
        with transaction.atomic():
            application = Application.objects.create(
                office=office,
                kind=kind,
                nik=check.nik,
                kk_number=kk,
                name=clean_name,
                phone=clean_phone or "",
                address=address,
                village=village,
                consent_at=now,
                channel=channel,
            )
            StatusChange.objects.create(application=application, status=AppStatus.SUBMITTED)
            for requirement, upload in checked.items():
                written.append(_store(application, upload, requirement=requirement))
    except BaseException:
        for path in written:  # nothing half-stored: files go with the rolled-back rows
            path.unlink(missing_ok=True)
        raise
    holding.release(form)
    log.info("application %s (%s) submitted for %s", application.code, kind.code, mask_nik(application.nik))
    return application


def for_applicant(code: str, nik: str) -> Application:
    """The application, only for someone who knows both the code and the applicant's NIK."""
    digits = "".join(ch for ch in (nik or "") if ch.isdigit())
    application = (
        Application.objects.select_related("kind", "office", "village")
        .filter(code=(code or "").strip().upper(), nik=digits)
        .first()
        if digits
        else None
    )
    if application is None:
        # The same answer for a wrong code and a wrong NIK: the page must not confirm that a code exists.
        raise Refusal("not_found", _("Permohonan tidak ditemukan. Periksa kode lacak dan NIK."), status=404)
    return application


def document_path(document: Document) -> Path:
    root = documents_root().resolve()
    path = (root / document.path).resolve()
    if root not in path.parents:
        raise Refusal("not_found", _("Berkas tidak ditemukan."), status=404)
    return path


# --- the back office ------------------------------------------------------------------------------


def _locked(code: str) -> Application:
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("kind", "office")
        .filter(code=code)
        .first()
    )
    if application is None:
        raise Refusal("not_found", _("Permohonan tidak ditemukan."), status=404)
    return application


def _not_now(application: Application) -> Refusal:
    return Refusal(
        "invalid_transition",
        _("Permohonan berstatus “%(status)s”; langkah ini tidak dapat dilakukan.")
        % {"status": application.get_status_display()},
    )


def _move(
    application: Application, action: str, *, by, note: str = "", system_note: dict | None = None
) -> None:
    """Change the status by the workflow table, with an officer's `note` or a system note's fields."""
    target = rules.next_status(status=application.status, action=action)
    if target is None:
        raise _not_now(application)
    application.status = target
    application.save()
    StatusChange.objects.create(
        application=application, status=target, by=by, **(system_note or {"note": note})
    )
    signals.changed.send(Application, application=application, step=application.history.count())


def review(
    *, code: str, action: str, officer, note: str = "", fix_codes: list[str] | None = None
) -> Application:
    """claim, needs_fix (with what to fix), approve or reject (with the reason), by a verifier."""
    with transaction.atomic():
        application = _locked(code)
        authorizers.require(authorizers.may_review_applications, officer, application.office)
        note = (note or "").strip()
        if too_long := _too_long({"note": note}):
            raise Refusal(
                "invalid_fields", _("Periksa kembali isian yang ditandai."), status=422, fields=too_long
            )
        if action == "message":  # a message to the applicant; the status stays
            if not note:
                raise Refusal(
                    "invalid_fields", _("Tulis pesannya."), status=422, fields={"note": _("Wajib diisi.")}
                )
            StatusChange.objects.create(
                application=application, status=application.status, note=note, by=officer
            )
            return application
        if action == "claim":
            application.assigned_to = officer
        elif action == "needs_fix":
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
        elif action == "reject" and not note:
            raise Refusal(
                "invalid_fields", _("Tulis alasan penolakan."), status=422, fields={"note": _("Wajib diisi.")}
            )
        elif action not in ("approve", "reject"):
            raise Refusal("unknown_action", _("Aksi tidak dikenal."), status=404)
        _move(application, action, by=officer, note=note)
    return application


def resubmit(*, code: str, nik: str, files: dict[str, tuple[str, bytes]]) -> Application:
    """The applicant sends again only the documents the verifier asked for."""
    written: list[Path] = []
    try:
        with transaction.atomic():
            application = for_applicant(code, nik)
            application = _locked(application.code)
            if application.status != AppStatus.NEEDS_FIX:
                raise Refusal("invalid_transition", _("Permohonan ini tidak sedang menunggu perbaikan."))
            errors, checked = {}, {}
            for requirement in application.kind.requirements.filter(code__in=application.fix_codes):
                upload = files.get(requirement.code)
                if upload is None:
                    errors[requirement.code] = _("Wajib diunggah.")
                    continue
                try:
                    checked[requirement] = _check(upload[0], upload[1])
                except UploadRefused as refused:
                    errors[requirement.code] = UPLOAD_MESSAGES[refused.code]()
            if errors:
                raise Refusal(
                    "invalid_fields", _("Periksa kembali isian yang ditandai."), status=422, fields=errors
                )
            for requirement, upload in checked.items():
                application.documents.filter(requirement=requirement, current=True).update(current=False)
                written.append(_store(application, upload, requirement=requirement))
            application.fix_codes = []
            _move(application, "resubmit", by=None, system_note=StatusChange.system_note(FIXES_SENT))
    except BaseException:
        for path in written:  # also when the commit itself fails
            path.unlink(missing_ok=True)
        raise
    return application


def _store(application: Application, upload, *, requirement=None, is_result: bool = False) -> Path:
    folder = documents_root() / application.code
    folder.mkdir(mode=0o700, exist_ok=True)
    target = folder / f"{secrets.token_hex(12)}.{upload.extension}"
    target.write_bytes(upload.data)
    try:
        _record_document(application, upload, target, requirement=requirement, is_result=is_result)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target


def _record_document(application: Application, upload, target: Path, *, requirement, is_result: bool) -> None:
    Document.objects.create(
        application=application,
        requirement=requirement,
        is_result=is_result,
        path=str(target.relative_to(documents_root())),
        content_type=upload.content_type,
        size=len(upload.data),
        sha256=upload.sha256,
        original_name=upload.name,
    )


def pickup_service(application: Application) -> Service:
    """Where a result is picked up: the kind's own service for a pre-registration (the documents
    are already checked), else document pickup."""
    kind = application.kind
    pre_registered = kind.purpose == KindPurpose.PRE_REGISTRATION and kind.service_id
    return queueing.find_service(application.office, kind.service.code if pre_registered else "AMBIL")


def pickup_days(application: Application, *, now: dt.datetime | None = None) -> list[tuple[dt.date, int]]:
    """The days a pickup can be booked on, with the places left on each: open days with room."""
    try:
        service = pickup_service(application)
    except Refusal:
        return []
    return queue_rules.with_room(queueing.day_choices(service, now=now))


def _book_pickup(application: Application, day: dt.date | None, *, now: dt.datetime) -> Ticket:
    if day is None:  # nobody chose: the first day with room
        days = pickup_days(application, now=now)
        if not days:
            raise Refusal(
                "quota_full",
                _("Belum ada hari layanan pengambilan yang dapat dipesan."),
                fields={"pickup_day": _("Tidak ada hari yang masih tersedia.")},
            )
        day = days[0][0]
    service = pickup_service(application)
    try:
        return queueing.book_ticket(
            office=application.office,
            service_code=service.code,
            service=service,
            name=application.name,
            nik=application.nik,
            phone=application.phone,
            day=day,
            channel="web",
            now=now,
        ).ticket
    except Refusal as refused:
        # A closed or full day: say it on the field where the day is chosen.
        if "date" in refused.fields:
            refused.fields["pickup_day"] = refused.fields.pop("date")
        raise


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
    written: list[Path] = []
    try:
        with transaction.atomic():
            application = _locked(code)
            authorizers.require(authorizers.may_review_applications, officer, application.office)
            if rules.next_status(status=application.status, action="publish") is None:
                raise _not_now(application)  # before booking anything for it
            if too_long := _too_long({"delivery_address": delivery_address}):
                raise Refusal(
                    "invalid_fields", _("Periksa kembali isian yang ditandai."), status=422, fields=too_long
                )
            if result == ResultKind.DOCUMENT:
                if file is None:
                    raise Refusal(
                        "invalid_fields",
                        _("Unggah dokumen hasilnya."),
                        status=422,
                        fields={"file": _("Wajib diunggah.")},
                    )
                try:
                    upload = check_upload(*file)
                except UploadRefused as refused:
                    raise Refusal(
                        "invalid_fields",
                        UPLOAD_MESSAGES[refused.code](),
                        status=422,
                        fields={"file": UPLOAD_MESSAGES[refused.code]()},
                    ) from None
                written.append(_store(application, upload, is_result=True))
                note = StatusChange.system_note(RESULT_TO_DOWNLOAD)
            elif result == ResultKind.PICKUP:
                ticket = _book_pickup(application, pickup_day, now=now)
                application.pickup_ticket = ticket
                note = StatusChange.system_note(PICKUP_AT, number=ticket.number, day=ticket.day.isoformat())
            elif result == ResultKind.DELIVERY:
                address = " ".join((delivery_address or application.address).split())
                application.delivery_address = address
                note = StatusChange.system_note(DELIVERY_TO, address=address)
            else:
                raise Refusal(
                    "invalid_fields",
                    _("Pilih cara penyerahan hasil."),
                    status=422,
                    fields={"result": _("Wajib dipilih.")},
                )
            application.result = result
            _move(application, "publish", by=officer, system_note=note)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return application


# Pickup tickets that ended without the visit (or whose day has passed) may be booked again.
_PICKUP_MISSED = (
    TicketStatus.CANCELLED,
    TicketStatus.EXPIRED,
    TicketStatus.NO_SHOW,
    TicketStatus.TURNED_AWAY,
)


def may_move_pickup(application: Application) -> bool:
    """Whether the applicant may choose another pickup day: the pickup is booked and not begun."""
    ticket = application.pickup_ticket
    if application.status != AppStatus.DONE or application.result != ResultKind.PICKUP or ticket is None:
        return False
    if ticket.status in _PICKUP_MISSED:
        return True
    return ticket.status == TicketStatus.BOOKED and ticket.arrived_at is None


def move_pickup(*, code: str, nik: str, day: dt.date, now: dt.datetime | None = None) -> Application:
    """The applicant picks another day: the old pickup ticket is cancelled and a new one booked, together."""
    now = now or clock.now()
    with transaction.atomic():
        application = _locked(for_applicant(code, nik).code)
        # The office row before the ticket, the order of every gate and counter action; and the
        # check made on the locked ticket, which the gate may have just admitted.
        Office.objects.select_for_update(no_key=True).filter(pk=application.office_id).first()
        if application.pickup_ticket_id:
            application.pickup_ticket = Ticket.objects.select_for_update(of=("self",)).get(
                pk=application.pickup_ticket_id
            )
        if not may_move_pickup(application):
            raise Refusal(
                "invalid_transition",
                _("Hari pengambilan tidak dapat diganti lagi: nomor antreannya sudah dipakai."),
            )
        old = application.pickup_ticket
        if old.day == day and old.status == TicketStatus.BOOKED:
            return application  # the day it already has
        if old.status == TicketStatus.BOOKED and old.day >= application.office.local_today(now):
            queueing.cancel_ticket(token=old.token, now=now)
        # A refusal here (the day closed or full) undoes the cancel above with the rest.
        ticket = _book_pickup(application, day, now=now)
        application.pickup_ticket = ticket
        application.save(update_fields=["pickup_ticket", "updated_at"])
        StatusChange.objects.create(
            application=application,
            status=application.status,
            **StatusChange.system_note(PICKUP_MOVED, number=ticket.number, day=ticket.day.isoformat()),
        )
    log.info("application %s: pickup moved to %s", application.code, day)
    return application
