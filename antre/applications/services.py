"""Online applications: submit with documents, track by code and NIK. Files live outside the web root."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import secrets

from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from antre import clock, crypto
from antre.applications import holding, rules, signals
from antre.applications.holding import Holding
from antre.applications.models import (
    FIXES_SENT,
    Application,
    ApplicationKind,
    AppStatus,
    Document,
    StatusChange,
)
from antre.applications.storage import documents
from antre.applications.uploads import MAX_BYTES, UploadRefused, check_upload
from antre.errors import Refusal
from antre.offices import rules as office_rules
from antre.offices import sources
from antre.offices.models import Office, Region
from antre.people import rules as people
from antre.people.rules import mask_nik

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


def too_long_fields(values: dict[str, str]) -> dict[str, str]:
    """A message for each field longer than FIELD_MAX allows."""
    return {
        field: _("Terlalu panjang: paling banyak %(n)s karakter.") % {"n": FIELD_MAX[field]}
        for field, value in values.items()
        if len(value or "") > FIELD_MAX[field]
    }


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
        office=office, code=office_rules.normal_code(code), active=True
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
    source: str = "",
) -> Application:
    """Check everything first; then store the application, its history and its files together.

    With a `form` (the web form), documents that pass their check are held for it when something
    else is refused, and a later send of the same form uses them where no new file is chosen.
    """
    now = now or clock.now()
    too_long = too_long_fields(
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
    errors, applicant = _check_applicant(
        office,
        nik=nik,
        kk_number=kk_number,
        name=name,
        phone=phone,
        address=address,
        village_code=village_code,
        consent=consent,
        now=now,
    )
    errors.update(too_long)  # said instead of what the other checks made of the same text
    checked, new = _check_documents(kind, files, holding.held(form, now=now), errors)
    if errors:
        holding.keep(form, new, now=now)  # nothing that passed has to be chosen again
        raise Refusal("invalid_fields", _("Periksa kembali isian yang ditandai."), status=422, fields=errors)
    applicant["source"] = sources.clean_tag(source)  # where the citizen came from; anything else is dropped
    application = _store_application(office, kind, applicant, checked, channel=channel, now=now)
    holding.release(form)
    log.info("application %s (%s) submitted for %s", application.code, kind.code, mask_nik(application.nik))
    return application


def _check_applicant(
    office: Office,
    *,
    nik: str,
    kk_number: str,
    name: str,
    phone: str,
    address: str,
    village_code: str,
    consent: bool,
    now: dt.datetime,
) -> tuple[dict[str, str], dict]:
    """The applicant's fields as stored, and a message for each that is wrong."""
    errors: dict[str, str] = {}
    check = people.check_nik(nik, today=office.local_today(now))
    if not check.valid:
        errors["nik"] = _("NIK tidak valid; periksa 16 digitnya.")
    kk = "".join(ch for ch in (kk_number or "") if ch.isascii() and ch.isdigit())  # as a NIK's: 0-9 only
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
    applicant = {
        "nik": check.nik,
        "kk_number": kk,
        "name": clean_name,
        "phone": clean_phone or "",
        "address": address,
        "village": village,
    }
    return errors, applicant


def _check_documents(
    kind: ApplicationKind, files: dict, kept: dict, errors: dict[str, str]
) -> tuple[dict, dict]:
    """Each requirement's document: sent now and checked, or `kept` from an earlier send of the
    form; a message in `errors` for each refused or missing. Returns them, and the new ones."""
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
    return checked, new


def _store_application(
    office: Office, kind: ApplicationKind, applicant: dict, checked: dict, *, channel: str, now: dt.datetime
) -> Application:
    """The application, its history and its files, stored together."""
    written: list[str] = []
    try:
        with transaction.atomic():
            application = Application.objects.create(
                office=office, kind=kind, consent_at=now, channel=channel, **applicant
            )
            StatusChange.objects.create(application=application, status=AppStatus.SUBMITTED)
            for requirement, upload in checked.items():
                written.append(store_document(application, upload, requirement=requirement))
    except BaseException:
        discard(written)  # nothing half-stored: files go with the rolled-back rows
        raise
    return application


def for_applicant(code: str, nik: str) -> Application:
    """The application, only for someone who knows both the code and the applicant's NIK."""
    digits = "".join(ch for ch in (nik or "") if ch.isdigit())
    application = (
        Application.objects.select_related("kind", "office", "village")
        .filter(code=(code or "").strip().upper(), nik_hash=crypto.lookup_hash(digits))
        .first()
        if digits
        else None
    )
    if application is None:
        # The same answer for a wrong code and a wrong NIK: the page must not confirm that a code exists.
        raise Refusal("not_found", _("Permohonan tidak ditemukan. Periksa kode lacak dan NIK."), status=404)
    return application


def open_document(document: Document) -> File:
    """The document's file, open for reading, from the documents' storage (antre.applications.storage);
    404 when it is not kept there, or its path would leave it."""
    try:
        return documents().open(document.path, "rb")
    except (FileNotFoundError, SuspiciousFileOperation):
        raise Refusal("not_found", _("Berkas tidak ditemukan."), status=404) from None


def discard(names: list[str]) -> None:
    """Remove stored files whose rows were not kept (a failed transaction); never raises over the
    failure that brought us here."""
    for name in names:
        with contextlib.suppress(OSError, DatabaseError, SuspiciousFileOperation):
            documents().delete(name)


def lock_application(code: str) -> Application:
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("kind", "office")
        .filter(code=code)
        .first()
    )
    if application is None:
        raise Refusal("not_found", _("Permohonan tidak ditemukan."), status=404)
    return application


def not_now(application: Application) -> Refusal:
    return Refusal(
        "invalid_transition",
        _("Permohonan berstatus “%(status)s”; langkah ini tidak dapat dilakukan.")
        % {"status": application.get_status_display()},
    )


def change_status(
    application: Application, action: str, *, by, note: str = "", system_note: dict | None = None
) -> None:
    """Change the status by the workflow table, with an officer's `note` or a system note's fields."""
    target = rules.next_status(status=application.status, action=action)
    if target is None:
        raise not_now(application)
    application.status = target
    application.save()
    StatusChange.objects.create(
        application=application, status=target, by=by, **(system_note or {"note": note})
    )
    signals.changed.send(Application, application=application, step=application.history.count())


def resubmit(*, code: str, nik: str, files: dict[str, tuple[str, bytes]]) -> Application:
    """The applicant sends again only the documents the verifier asked for."""
    written: list[str] = []
    try:
        with transaction.atomic():
            application = for_applicant(code, nik)
            application = lock_application(application.code)
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
                written.append(store_document(application, upload, requirement=requirement))
            application.fix_codes = []
            change_status(application, "resubmit", by=None, system_note=StatusChange.system_note(FIXES_SENT))
    except BaseException:
        discard(written)  # also when the commit itself fails
        raise
    return application


def store_document(application: Application, upload, *, requirement=None, is_result: bool = False) -> str:
    """Keep the upload in the documents' storage and record it; the stored name (to discard it if
    the transaction fails: on PostgreSQL the rollback takes the bytes along anyway)."""
    name = documents().save(
        f"{application.code}/{secrets.token_hex(12)}.{upload.extension}", ContentFile(upload.data)
    )
    try:
        Document.objects.create(
            application=application,
            requirement=requirement,
            is_result=is_result,
            path=name,
            content_type=upload.content_type,
            size=len(upload.data),
            sha256=upload.sha256,
            original_name=upload.name,
        )
    except BaseException:
        discard([name])
        raise
    return name
