from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LiveEvent(models.Model):
    """One change the screens must show, kept so a client that lost its connection can catch up.

    `seq` counts per office and is the SSE `id:`. `data` is public (it goes to every display);
    `ticket_token` is private and only routes the event to that ticket's own stream.
    """

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    seq = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=20)
    ticket_token = models.CharField(max_length=32, blank=True, default="")
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("peristiwa langsung")
        verbose_name_plural = _("peristiwa langsung")
        constraints = [
            models.UniqueConstraint(fields=["office", "seq"], name="live_event_seq_unique_per_office")
        ]

    def __str__(self) -> str:
        return f"{self.office_id}#{self.seq} {self.kind}"


class EventSequence(models.Model):
    """Last event seq per office. Its row lock makes events of one office commit in seq order,
    so a reader that has seen seq N never finds N-1 appearing later."""

    office = models.OneToOneField(
        "offices.Office", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("urutan peristiwa")
        verbose_name_plural = _("urutan peristiwa")

    def __str__(self) -> str:
        return f"{self.office_id}: {self.last}"
