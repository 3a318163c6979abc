from __future__ import annotations

import datetime as dt
import secrets

from django.db import models
from django.utils import formats, translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from antre.db.sealed import LookupHash, SealedText
from antre.offices.sources import source_field


class KindPurpose(models.TextChoices):
    ONLINE = "online", _("Diurus sepenuhnya daring")
    PRE_REGISTRATION = "pre_registration", _("Pendaftaran awal sebelum datang")


class ApplicationKind(models.Model):
    office = models.ForeignKey(
        "offices.Office", verbose_name=_("kantor"), on_delete=models.CASCADE, related_name="kinds"
    )
    code = models.CharField(_("kode"), max_length=30)
    name = models.CharField(_("nama"), max_length=200)
    service = models.ForeignKey(
        "offices.Service",
        verbose_name=_("layanan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="kinds",
    )
    purpose = models.CharField(
        _("jenis"), max_length=20, choices=KindPurpose.choices, default=KindPurpose.ONLINE
    )
    description = models.TextField(_("keterangan"), blank=True)
    sla_days = models.PositiveSmallIntegerField(_("target selesai (hari kerja)"), default=3)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("jenis permohonan")
        verbose_name_plural = _("jenis permohonan")
        ordering = ["office", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["office", "code"], name="kind_code_unique_per_office")]

    def __str__(self) -> str:
        return self.name


class KindRequirement(models.Model):
    kind = models.ForeignKey(
        ApplicationKind,
        verbose_name=_("jenis permohonan"),
        on_delete=models.CASCADE,
        related_name="requirements",
    )
    code = models.SlugField(_("kode"), max_length=40, help_text=_("Nama isian berkas di API, mis. kk"))
    name = models.CharField(_("persyaratan"), max_length=300)
    required = models.BooleanField(_("wajib"), default=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("persyaratan berkas")
        verbose_name_plural = _("persyaratan berkas")
        ordering = ["kind", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="requirement_code_unique_per_kind")
        ]

    def __str__(self) -> str:
        return self.name


class AppStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Diterima")
    IN_REVIEW = "in_review", _("Sedang diperiksa")
    NEEDS_FIX = "needs_fix", _("Perlu perbaikan")
    APPROVED = "approved", _("Disetujui")
    DONE = "done", _("Selesai")
    REJECTED = "rejected", _("Ditolak")


class ResultKind(models.TextChoices):
    DOCUMENT = "document", _("Dokumen hasil diunduh")
    PICKUP = "pickup", _("Diambil di kantor")
    DELIVERY = "delivery", _("Diantar ke alamat")


def new_tracking_code() -> str:
    # 8 characters from 31 unambiguous letters and digits (no 0/O, 1/I/L): about 40 bits.
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class Application(models.Model):
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="applications")
    kind = models.ForeignKey(
        ApplicationKind, verbose_name=_("jenis"), on_delete=models.PROTECT, related_name="applications"
    )
    code = models.CharField(
        _("kode lacak"), max_length=12, unique=True, default=new_tracking_code, editable=False
    )
    nik = SealedText(_("NIK"), max_length=16)
    nik_hash = LookupHash(of="nik")  # tracking by code and NIK
    kk_number = SealedText(_("nomor KK"), max_length=16, blank=True)
    name = models.CharField(_("nama"), max_length=100)
    phone = SealedText(_("nomor HP"), max_length=20, blank=True)
    address = SealedText(_("alamat"), max_length=300)
    village = models.ForeignKey(
        "offices.Region", verbose_name=_("desa/kelurahan"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=AppStatus.choices, default=AppStatus.SUBMITTED
    )
    consent_at = models.DateTimeField(_("persetujuan data pribadi"))
    submitted_at = models.DateTimeField(_("waktu diajukan"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)
    channel = models.CharField(_("kanal"), max_length=10, default="web")
    assigned_to = models.ForeignKey(
        "people.User",
        verbose_name=_("petugas"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    fix_codes = models.JSONField(_("berkas yang perlu diperbaiki"), default=list, blank=True)
    result = models.CharField(_("hasil"), max_length=12, choices=ResultKind.choices, blank=True)
    pickup_ticket = models.ForeignKey(
        "queueing.Ticket",
        verbose_name=_("nomor antrean pengambilan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    delivery_address = SealedText(_("alamat pengantaran"), max_length=300, blank=True)
    source = source_field()  # where the citizen came from: antre.offices.sources

    class Meta:
        verbose_name = _("permohonan")
        verbose_name_plural = _("permohonan")
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["office", "status", "submitted_at"], name="application_worklist")]

    def __str__(self) -> str:
        return self.code


class Document(models.Model):
    """An uploaded file, stored outside the web root under the data dir; served only after a check."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    requirement = models.ForeignKey(
        KindRequirement, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_result = models.BooleanField(default=False)  # the office's result (a KK, an akta), not an upload
    path = models.CharField(max_length=200)  # relative to DATA_DIR/documents
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(max_length=120)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    current = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("berkas")
        verbose_name_plural = _("berkas")

    def __str__(self) -> str:
        return f"{self.application_id}/{self.requirement_id}"


# Notes the system writes into an application's history. Each is stored by its Indonesian text (the
# message id) and its parameters, and read in the reader's language (StatusChange.text). A parameter
# named "day" holds an ISO date, written in the app's date style.
FIXES_SENT = gettext_noop("Berkas perbaikan dikirim.")
RESULT_TO_DOWNLOAD = gettext_noop("Dokumen hasil dapat diunduh di halaman ini.")
PICKUP_AT = gettext_noop("Silakan ambil dokumen di kantor dengan nomor antrean %(number)s pada %(day)s.")
PICKUP_MOVED = gettext_noop("Hari pengambilan diganti: nomor antrean %(number)s pada %(day)s.")
DELIVERY_TO = gettext_noop("Dokumen akan diantar ke: %(address)s.")


def _note_param(name: str, value):
    if name == "day":
        return formats.date_format(dt.date.fromisoformat(value), "l, j F Y")
    return value


class StatusChange(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(max_length=12, choices=AppStatus.choices)
    note = models.TextField(blank=True, max_length=2000)  # as written (an officer's), or in Indonesian
    # A note the system wrote: its Indonesian text as the message id and its parameters, so that each
    # reader sees it in their own language (StatusChange.text).
    note_key = models.CharField(max_length=300, blank=True)
    note_params = models.JSONField(default=dict, blank=True)
    by = models.ForeignKey("people.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("riwayat status")
        verbose_name_plural = _("riwayat status")

    def __str__(self) -> str:
        return f"{self.application_id} {self.status}"

    @classmethod
    def system_note(cls, key: str, **params) -> dict:
        """The fields of a note the system writes: its key, its parameters and the Indonesian copy."""
        with translation.override("id"):
            note = cls(note_key=key, note_params=params).text()
        return {"note": note, "note_key": key, "note_params": params}

    def text(self) -> str:
        """The note in the active language: a system note translated, an officer's as written."""
        if not self.note_key:
            return self.note
        try:
            params = {name: _note_param(name, value) for name, value in self.note_params.items()}
            return gettext(self.note_key) % params
        except (KeyError, TypeError, ValueError):
            return self.note  # parameters that no longer fit the key: the Indonesian copy


class StoredFile(models.Model):
    """A document's bytes in the database every machine uses (PostgreSQL): antre.applications.storage.
    Written in the transaction that records its Document, so both are kept or neither."""

    name = models.CharField(max_length=200, unique=True)  # the Document's path
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    stored_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("isi berkas")
        verbose_name_plural = _("isi berkas")

    def __str__(self) -> str:
        return self.name
