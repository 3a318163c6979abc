from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    ADMITTED = "admitted", _("Diizinkan masuk")
    TURNED_AWAY = "turned_away", _("Tidak diizinkan (demam)")


class Screening(models.Model):
    """One health check at the door. Health data: only gate officers and admins see it."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey("queueing.Ticket", on_delete=models.CASCADE, related_name="screenings")
    temperature_c = models.DecimalField(_("suhu (°C)"), max_digits=3, decimal_places=1)
    mask = models.BooleanField(_("bermasker"))
    hands_washed = models.BooleanField(_("sudah cuci tangan"))
    outcome = models.CharField(_("hasil"), max_length=12, choices=Outcome.choices)
    screened_by = models.ForeignKey("people.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        verbose_name = _("pemeriksaan kesehatan")
        verbose_name_plural = _("pemeriksaan kesehatan")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.temperature_c} {self.outcome}"
