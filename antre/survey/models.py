"""The survey's answers, kept apart from who gave them.

An answer row holds the office, the service (or application kind), the kind of occasion, the local
day and the answers: nothing that leads back to the ticket, the application, a NIK, a name or a
phone. That an occasion was answered is a row of its own (AnsweredOccasion), written in the same
transaction and never linked to the answer. The answer's key is random, and it has no time of day,
so the order of rows does not pair an answer with its occasion either.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from antre.survey.questions import AgeGroup, Education, Occupation, Sex
from antre.survey.rules import ELEMENTS


class OccasionKind(models.TextChoices):
    VISIT = "visit", _("Kunjungan")
    APPLICATION = "application", _("Permohonan daring")


class SurveyAnswer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    occasion = models.CharField(_("jenis kesempatan"), max_length=12, choices=OccasionKind.choices)
    service_code = models.CharField(_("layanan"), max_length=30, blank=True)
    kind_code = models.CharField(_("jenis permohonan"), max_length=30, blank=True)
    day = models.DateField(_("tanggal"))
    persyaratan = models.PositiveSmallIntegerField(_("persyaratan"))
    prosedur = models.PositiveSmallIntegerField(_("sistem, mekanisme dan prosedur"))
    waktu = models.PositiveSmallIntegerField(_("waktu penyelesaian"))
    biaya = models.PositiveSmallIntegerField(_("biaya/tarif"))
    produk = models.PositiveSmallIntegerField(_("produk spesifikasi jenis pelayanan"))
    kompetensi = models.PositiveSmallIntegerField(_("kompetensi pelaksana"))
    perilaku = models.PositiveSmallIntegerField(_("perilaku pelaksana"))
    pengaduan = models.PositiveSmallIntegerField(_("penanganan pengaduan, saran dan masukan"))
    sarana = models.PositiveSmallIntegerField(_("sarana dan prasarana"))
    age_group = models.CharField(_("usia"), max_length=8, choices=AgeGroup.choices, blank=True)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices, blank=True)
    education = models.CharField(_("pendidikan"), max_length=8, choices=Education.choices, blank=True)
    occupation = models.CharField(_("pekerjaan utama"), max_length=10, choices=Occupation.choices, blank=True)
    suggestion = models.TextField(_("saran"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("jawaban survei kepuasan")
        verbose_name_plural = _("jawaban survei kepuasan")
        indexes = [models.Index(fields=["office", "day"], name="survey_answer_office_day")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(**{f"{element}__gte": 1, f"{element}__lte": 4}),
                name=f"survey_{element}_1_to_4",
            )
            for element in ELEMENTS
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.service_code or self.kind_code}"


class AnsweredOccasion(models.Model):
    """A visit or an application whose survey was answered: one answer each (the unique key)."""

    kind = models.CharField(_("jenis kesempatan"), max_length=12, choices=OccasionKind.choices)
    occasion_id = models.PositiveBigIntegerField(_("nomor kesempatan"))

    class Meta:
        verbose_name = _("kesempatan yang sudah dijawab")
        verbose_name_plural = _("kesempatan yang sudah dijawab")
        constraints = [
            models.UniqueConstraint(fields=["kind", "occasion_id"], name="survey_one_answer_per_occasion")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.occasion_id}"
