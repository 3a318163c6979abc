"""The questionnaire as citizens read it: the nine elements of Permenpan RB No. 14 of 2017, each
with its four answers from worst (1) to best (4), and the respondent's profile. Wording our own,
close to the regulation's intent."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from antre.survey.rules import ELEMENTS


@dataclass(frozen=True)
class Element:
    code: str
    title: Promise  # the unsur, as reports name it
    question: Promise
    answers: tuple[Promise, Promise, Promise, Promise]  # for 1, 2, 3, 4


_SESUAI = (_("Tidak sesuai"), _("Kurang sesuai"), _("Sesuai"), _("Sangat sesuai"))

QUESTIONS = (
    Element("persyaratan", _("Persyaratan"),
            _("Bagaimana kesesuaian persyaratan dengan jenis layanan yang Anda terima?"), _SESUAI),
    Element("prosedur", _("Sistem, mekanisme dan prosedur"),
            _("Seberapa mudah prosedur pelayanan di kantor ini?"),
            (_("Tidak mudah"), _("Kurang mudah"), _("Mudah"), _("Sangat mudah"))),
    Element("waktu", _("Waktu penyelesaian"),
            _("Bagaimana kecepatan waktu pelayanan yang Anda terima?"),
            (_("Tidak cepat"), _("Kurang cepat"), _("Cepat"), _("Sangat cepat"))),
    Element("biaya", _("Biaya/tarif"),
            _("Bagaimana kewajaran biaya atau tarif pelayanan?"),
            (_("Sangat mahal"), _("Cukup mahal"), _("Murah"), _("Gratis"))),
    Element("produk", _("Produk spesifikasi jenis pelayanan"),
            _("Apakah hasil pelayanan sesuai dengan yang dijanjikan dalam standar pelayanan?"), _SESUAI),
    Element("kompetensi", _("Kompetensi pelaksana"),
            _("Bagaimana kemampuan petugas dalam melayani Anda?"),
            (_("Tidak kompeten"), _("Kurang kompeten"), _("Kompeten"), _("Sangat kompeten"))),
    Element("perilaku", _("Perilaku pelaksana"),
            _("Bagaimana kesopanan dan keramahan petugas?"),
            (_("Tidak sopan dan ramah"), _("Kurang sopan dan ramah"), _("Sopan dan ramah"),
             _("Sangat sopan dan ramah"))),
    Element("pengaduan", _("Penanganan pengaduan, saran dan masukan"),
            _("Bagaimana penanganan pengaduan, saran dan masukan di kantor ini?"),
            (_("Tidak ada"), _("Ada tetapi tidak berfungsi"), _("Berfungsi kurang maksimal"),
             _("Dikelola dengan baik"))),
    Element("sarana", _("Sarana dan prasarana"),
            _("Bagaimana sarana dan prasarana pelayanan (ruang tunggu, toilet, parkir, dan lainnya)?"),
            (_("Buruk"), _("Cukup"), _("Baik"), _("Sangat baik"))),
)  # fmt: skip
assert tuple(q.code for q in QUESTIONS) == ELEMENTS  # one order, in rules and on the form

TITLES = {q.code: q.title for q in QUESTIONS}


class AgeGroup(models.TextChoices):
    UP_TO_20 = "le20", _("20 tahun ke bawah")
    FROM_21 = "21_30", _("21–30 tahun")
    FROM_31 = "31_40", _("31–40 tahun")
    FROM_41 = "41_50", _("41–50 tahun")
    FROM_51 = "51_60", _("51–60 tahun")
    OVER_60 = "gt60", _("Di atas 60 tahun")


class Sex(models.TextChoices):
    MALE = "l", _("Laki-laki")
    FEMALE = "p", _("Perempuan")


class Education(models.TextChoices):
    SD = "sd", _("SD ke bawah")
    SMP = "smp", _("SMP")
    SMA = "sma", _("SMA")
    DIPLOMA = "d1_d3", _("D1–D3")
    BACHELOR = "d4_s1", _("D4/S1")
    MASTER = "s2", _("S2 ke atas")


class Occupation(models.TextChoices):
    PNS = "pns", _("PNS")
    TNI = "tni", _("TNI")
    POLRI = "polri", _("POLRI")
    SWASTA = "swasta", _("Swasta")
    WIRAUSAHA = "wirausaha", _("Wirausaha")
    OTHER = "lainnya", _("Lainnya")


PROFILE = (
    ("age_group", _("Usia"), AgeGroup),
    ("sex", _("Jenis kelamin"), Sex),
    ("education", _("Pendidikan"), Education),
    ("occupation", _("Pekerjaan utama"), Occupation),
)
SUGGESTION_MAX = 1000
