"""Online applications: submit with documents, track by code and NIK. Files live outside the web root."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from antre.applications.models import Application, ApplicationKind, AppStatus, Document, StatusChange
from antre.applications.uploads import MAX_BYTES, UploadRefused, check_upload
from antre.errors import Refusal
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


def documents_root() -> Path:
    root = Path(settings.DATA_DIR) / "documents"
    root.mkdir(mode=0o700, exist_ok=True)
    return root


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
) -> Application:
    """Check everything first; then store the application, its history and its files together."""
    kind = find_kind(office, kind_code)
    errors: dict[str, str] = {}
    check = people.check_nik(nik, today=office.local_today())
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
    checked = {}
    for requirement in kind.requirements.all():
        upload = files.get(requirement.code)
        if upload is None:
            if requirement.required:
                errors[requirement.code] = _("Wajib diunggah.")
            continue
        try:
            checked[requirement] = check_upload(upload[0], upload[1])
        except UploadRefused as refused:
            errors[requirement.code] = UPLOAD_MESSAGES[refused.code]()
    if errors:
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
                consent_at=timezone.now(),
                channel=channel,
            )
            StatusChange.objects.create(application=application, status=AppStatus.SUBMITTED)
            folder = documents_root() / application.code
            folder.mkdir(mode=0o700, exist_ok=True)
            for requirement, upload in checked.items():
                target = folder / f"{secrets.token_hex(12)}.{upload.extension}"
                target.write_bytes(upload.data)
                written.append(target)
                Document.objects.create(
                    application=application,
                    requirement=requirement,
                    path=str(target.relative_to(documents_root())),
                    content_type=upload.content_type,
                    size=len(upload.data),
                    sha256=upload.sha256,
                    original_name=upload.name,
                )
    except BaseException:
        for path in written:  # nothing half-stored: files go with the rolled-back rows
            path.unlink(missing_ok=True)
        raise
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
