"""What the head of office's figures keep: a closed day's tally per group (antre.reports.rollup)."""

from __future__ import annotations

from django.db import models


class DayFigures(models.Model):
    """One closed day's tally of one group of tickets: the whole office (dimension "total", key ""),
    a service, a counter, an officer (username), a channel or a kecamatan, by its code. Kept the first time a span holding
    the day is asked for, so that a year's figures add up 250 days instead of reading 150,000
    tickets; kept again when the day's tickets are no longer those it counted, or when the way of
    counting changes (`version`). Numbers and codes only."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()
    dimension = models.CharField(max_length=10)
    key = models.CharField(max_length=150, blank=True)  # as long as a username
    version = models.PositiveSmallIntegerField()
    last_ticket = models.BigIntegerField(default=0)  # total row: the day's highest ticket id when kept
    booked = models.PositiveIntegerField(default=0)
    served = models.PositiveIntegerField(default=0)
    no_show = models.PositiveIntegerField(default=0)
    cancelled = models.PositiveIntegerField(default=0)
    turned_away = models.PositiveIntegerField(default=0)
    wait_sum = models.FloatField(default=0.0)  # minutes
    waits = models.JSONField(default=dict)  # {tenths of a minute: tickets called after that wait}
    service_count = models.PositiveIntegerField(default=0)
    service_sum = models.FloatField(default=0.0)  # minutes

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "day", "dimension", "key"], name="day_figures_once")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.dimension} {self.key}"
