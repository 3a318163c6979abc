"""When each counter was really open: a shift from opening to a pause, a close or the day's end.

The staffing log of SPEC §7 is these rows; the queue's verbs that write them are in
antre.queueing.staffing. Defined here and registered by antre.offices.models, which stays below
its size limit.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

SERVICE_SEPARATOR = "|"  # as in the staffing log (antre.forecast.eventlog)


class ClosedReason(models.TextChoices):
    OPEN = "", _("masih buka")
    PAUSE = "pause", _("istirahat")
    CLOSE = "close", _("tutup")
    DAY_END = "day_end", _("akhir hari layanan")


class CounterShiftQuerySet(models.QuerySet):
    def running(self):
        """Not ended yet: the counter is open now (one per counter, by constraint)."""
        return self.filter(ended_at__isnull=True)

    def open_at(self, moment: dt.datetime):
        """Open at `moment`: begun by then and not ended before it."""
        return self.filter(started_at__lte=moment).filter(
            models.Q(ended_at__isnull=True) | models.Q(ended_at__gt=moment)
        )


class CounterShift(models.Model):
    """One period a counter was open, with the services it served meanwhile (as they were at opening)."""

    counter = models.ForeignKey(
        "offices.Counter", verbose_name=_("loket"), on_delete=models.CASCADE, related_name="shifts"
    )
    # The office again, so a day's staffing of an office is one indexed query.
    office = models.ForeignKey(
        "offices.Office", verbose_name=_("kantor"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    started_at = models.DateTimeField(_("buka"))
    ended_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    services = models.CharField(_("layanan"), max_length=500, blank=True, help_text=_("Mis. KTP|KK"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dibuka oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_reason = models.CharField(
        _("alasan selesai"), max_length=10, choices=ClosedReason.choices, blank=True, default=""
    )

    objects = CounterShiftQuerySet.as_manager()

    class Meta:
        verbose_name = _("jam buka loket")
        verbose_name_plural = _("jam buka loket")
        ordering = ["office", "started_at"]
        constraints = [
            # Two consoles pressing "Buka loket" at once: the database, not the code, keeps it one.
            models.UniqueConstraint(
                fields=["counter"],
                condition=models.Q(ended_at__isnull=True),
                name="one_open_shift_per_counter",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True) | models.Q(ended_at__gte=models.F("started_at")),
                name="shift_ends_after_it_starts",
            ),
        ]
        indexes = [models.Index(fields=["office", "started_at"], name="shift_office_started")]

    def __str__(self) -> str:
        return f"{self.counter_id} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def service_codes(self) -> frozenset[str]:
        return frozenset(code for code in self.services.split(SERVICE_SEPARATOR) if code)
