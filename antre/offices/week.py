"""The days of the office's week, as opening hours and sessions name them (Monday = 0, as
datetime.date.weekday() counts)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Senin")
    TUESDAY = 1, _("Selasa")
    WEDNESDAY = 2, _("Rabu")
    THURSDAY = 3, _("Kamis")
    FRIDAY = 4, _("Jumat")
    SATURDAY = 5, _("Sabtu")
    SUNDAY = 6, _("Minggu")
