"""Sessions of an office's day (08.00–10.00, 10.00–12.00, after Friday prayers) and the quota each
service has in a session. The rules they keep are antre.offices.rules' (session_conflict); booking
uses them through antre.offices.calendar and antre.queueing.sessions.

Kept apart from models.py (which imports these) so that neither module grows past the size we allow.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from antre.offices import rules
from antre.offices.week import Weekday


def validate_weekdays(value: str) -> None:
    if rules.parse_weekdays(value) is None:
        raise ValidationError(
            _("Hari ditulis sebagai angka 0 (Senin) sampai 6 (Minggu), masing-masing sekali.")
        )


class Session(models.Model):
    """A time of arrival on some weekdays. Sessions of one weekday never overlap, so a session is
    named on a day by its start time ("08:00"), in the API and in forms."""

    office = models.ForeignKey(
        "offices.Office", verbose_name=_("kantor"), on_delete=models.CASCADE, related_name="sessions"
    )
    name = models.CharField(
        _("nama"), max_length=60, blank=True, help_text=_("Boleh kosong. Contoh: Pagi, Setelah salat Jumat")
    )
    # The weekdays as digits, Monday = 0 ("0123" = Monday to Thursday): a handful of characters that
    # every database stores alike; the admin shows them as check boxes.
    weekdays = models.CharField(_("hari"), max_length=7, validators=[validate_weekdays])
    starts = models.TimeField(_("mulai"))
    ends = models.TimeField(_("berakhir"))
    active = models.BooleanField(
        _("aktif"),
        default=True,
        help_text=_(
            "Sesi yang sudah dipakai nomor antrean tidak dapat dihapus; nonaktifkan agar tidak ditawarkan lagi."
        ),
    )

    class Meta:
        verbose_name = _("sesi")
        verbose_name_plural = _("sesi")
        ordering = ["office", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts__lt=models.F("ends")), name="session_starts_before_ends"
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.name}".strip()

    @property
    def label(self) -> str:
        """The session's times as people read them: "08.00–10.00"."""
        return f"{self.starts:%H.%M}–{self.ends:%H.%M}"

    @property
    def key(self) -> str:
        """How the API and forms name the session on a day: its start, "08:00"."""
        return f"{self.starts:%H:%M}"

    def weekday_set(self) -> frozenset[int]:
        return rules.parse_weekdays(self.weekdays) or frozenset()

    def clean(self):
        days = rules.parse_weekdays(self.weekdays)
        if self.starts is None or self.ends is None or days is None or self.office_id is None:
            return  # the fields' own checks say what is missing
        hours, breaks = self.office.weekly_hours(), self.office.weekly_breaks()
        # An inactive session is offered to nobody, so it may overlap the others.
        others = list(self.office.sessions.filter(active=True).exclude(pk=self.pk)) if self.active else []
        for weekday in sorted(days):
            why = rules.session_conflict(
                starts=self.starts,
                ends=self.ends,
                hours=hours.get(weekday),
                pause=breaks.get(weekday),
                others=[(s.starts, s.ends) for s in others if weekday in s.weekday_set()],
            )
            if why:
                raise ValidationError(_conflict_message(why, weekday))


def _conflict_message(why: str, weekday: int) -> dict[str, str]:
    day = _weekday_name(weekday)
    messages = {
        "order": ("ends", _("Sesi harus selesai sesudah mulai.")),
        "closed": ("weekdays", _("Kantor tidak buka pada hari %(day)s.") % {"day": day}),
        "outside": ("starts", _("Sesi harus di dalam jam layanan hari %(day)s.") % {"day": day}),
        "break": (
            "starts",
            _("Sesi tidak boleh bertumpang dengan jam istirahat hari %(day)s.") % {"day": day},
        ),
        "overlap": ("starts", _("Sesi bertumpang dengan sesi lain pada hari %(day)s.") % {"day": day}),
    }
    field, message = messages[why]
    return {field: str(message)}


def _weekday_name(weekday: int) -> str:
    return str(Weekday(weekday).label)


class SessionQuota(models.Model):
    """How many tickets of a service a session takes. A service without a row for a session has no
    limit there beyond its daily quota, which always applies too."""

    session = models.ForeignKey(
        Session, verbose_name=_("sesi"), on_delete=models.CASCADE, related_name="quotas"
    )
    service = models.ForeignKey(
        "offices.Service", verbose_name=_("layanan"), on_delete=models.CASCADE, related_name="session_quotas"
    )
    quota = models.PositiveIntegerField(_("kuota sesi"))

    class Meta:
        verbose_name = _("kuota sesi")
        verbose_name_plural = _("kuota sesi")
        ordering = ["session__starts", "service__order"]
        constraints = [
            models.UniqueConstraint(fields=["session", "service"], name="one_quota_per_session_service")
        ]

    def __str__(self) -> str:
        return f"{self.session} · {self.service_id}: {self.quota}"

    def clean(self):
        if self.session_id and self.service_id and self.session.office_id != self.service.office_id:
            raise ValidationError(_("Sesi dan layanan harus dari kantor yang sama."))
