"""The share of a service's day kept for the day itself (antre.queueing.rules.holds_back)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class HeldBackFields(models.Model):
    """Service's fields for the share of each day kept for the day (Service inherits them; no table
    of its own). Booking from afar for the days to come stops short of it, so a script filling the
    days ahead still leaves places for the people of the day (docs/security.md)."""

    held_back_percent = models.PositiveSmallIntegerField(
        _("bagian kuota yang dibuka pada hari H (%)"),
        default=25,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "Pendaftaran untuk hari-hari berikutnya berhenti sebelum bagian ini. Petugas selalu bisa memakainya."
        ),
    )
    held_back_opens_at = models.TimeField(
        _("bagian hari H dibuka jam"),
        null=True,
        blank=True,
        help_text=_("Kosongkan agar dibuka sejak awal hari H."),
    )
    held_back_walk_in_only = models.BooleanField(
        _("bagian hari H hanya untuk yang datang langsung"),
        default=False,
        help_text=_("Bila dicentang, bagian ini tidak dibuka untuk pendaftaran daring, juga pada hari H."),
    )

    unconfirmed_percent = models.PositiveSmallIntegerField(
        _("bagian kuota tanpa konfirmasi nomor HP (%)"),
        default=20,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "Lewat bagian ini, pendaftaran dari situs untuk satu hari ditahan sampai warga mengirim kodenya "
            "lewat WhatsApp dari nomor HP yang diisi. Berlaku bila kantor punya nomor WhatsApp; 100 = tanpa konfirmasi."
        ),
    )

    class Meta:
        abstract = True
