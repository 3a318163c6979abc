"""Short links for social media, each with its own source tag (antre.offices.sources)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from antre.offices import sources


class ShortLink(models.Model):
    """`/s/<slug>`: keeps the link's tag (`s-<slug>`) for the visitor and opens the office's booking
    page. The slug is unique across offices, since the address does not name the office."""

    office = models.ForeignKey(
        "offices.Office", verbose_name=_("kantor"), on_delete=models.CASCADE, related_name="+"
    )
    slug = models.CharField(_("kode tautan"), max_length=sources.SLUG_MAX, unique=True)
    note = models.CharField(_("keterangan"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("dibuat"))
    created_by = models.ForeignKey(
        "people.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("tautan pendek")
        verbose_name_plural = _("tautan pendek")
        ordering = ["-created_at", "slug"]

    def __str__(self) -> str:
        return self.slug

    @property
    def tag(self) -> str:
        return sources.link_tag(self.slug)
