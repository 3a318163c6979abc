"""The staff audit log: who did what to which ticket or application, and when. Written only by
antre.audit.services.record, in the transaction of the action; never changed afterwards."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    CALL = "call", _("Memanggil")
    RECALL = "recall", _("Memanggil ulang")
    START = "start", _("Mulai melayani")
    FINISH = "finish", _("Selesai melayani")
    NO_SHOW = "no_show", _("Menandai tidak hadir")
    TRANSFER = "transfer", _("Memindahkan layanan")
    ADMIT = "admit", _("Mengizinkan masuk")
    TURN_AWAY = "turn_away", _("Menolak masuk (pemeriksaan kesehatan)")
    CLAIM = "claim", _("Mengambil permohonan")
    REQUEST_FIX = "request_fix", _("Meminta perbaikan berkas")
    APPROVE = "approve", _("Menyetujui permohonan")
    REJECT = "reject", _("Menolak permohonan")
    PUBLISH = "publish", _("Menerbitkan hasil")
    VIEW_DOCUMENTS = "view_documents", _("Membuka berkas warga")
    # Personal data read, not changed (UU 27/2022): one entry per page that showed it.
    VIEW_APPLICATION = "view_application", _("Membuka permohonan warga")
    VIEW_TICKET = "view_ticket", _("Membuka data warga pada nomor antrean")
    EXPORT = "export", _("Mengunduh laporan")
    RELEASE_BOOKING = "release_booking", _("Membatalkan nomor yang memakai NIK warga lain")


class AuditEntry(models.Model):
    # PROTECT: an office with a log cannot be deleted and take its log with it.
    office = models.ForeignKey(
        "offices.Office", verbose_name=_("kantor"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    at = models.DateTimeField(_("waktu"))
    # The user may be deleted later; the name and role they had stay in the entry. No index of its
    # own: the page filters by (office, actor, at), and deleting a user is rare.
    actor = models.ForeignKey(
        "people.User",
        verbose_name=_("petugas"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    actor_username = models.CharField(_("nama pengguna"), max_length=150, blank=True)
    actor_role = models.CharField(_("peran"), max_length=20, blank=True)
    action = models.CharField(_("aksi"), max_length=20, choices=Action.choices)
    # A ticket's number (with its day) or an application's code: never a NIK, a name or a phone.
    subject = models.CharField(_("nomor/kode"), max_length=40, blank=True)
    subject_day = models.DateField(_("tanggal nomor"), null=True, blank=True)
    detail = models.JSONField(_("rincian"), default=dict, blank=True)

    class Meta:
        verbose_name = _("catatan aksi petugas")
        verbose_name_plural = _("catatan aksi petugas")
        indexes = [
            models.Index(fields=["office", "at"], name="audit_office_at"),
            models.Index(fields=["office", "actor", "at"], name="audit_office_actor_at"),
            models.Index(fields=["office", "action", "at"], name="audit_office_action_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username or '—'} {self.action} {self.subject}"
