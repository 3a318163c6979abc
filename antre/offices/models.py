from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo, available_timezones

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from antre import clock
from antre.offices import rules
from antre.offices.held_back import HeldBackFields
from antre.offices.letterhead import Letterhead, LetterheadFields
from antre.offices.regions import Region, RegionLevel
from antre.offices.sessions import Session, SessionQuota
from antre.offices.shifts import ClosedReason, CounterShift  # registered with this app
from antre.offices.week import Weekday

__all__ = [
    "ClosedDay",
    "ClosedReason",
    "Letterhead",
    "Counter",
    "CounterShift",
    "Office",
    "OpeningHours",
    "Region",
    "RegionLevel",
    "Requirement",
    "Service",
    "ServiceMode",
    "Session",
    "SessionQuota",
    "Weekday",
]

_INDONESIAN_TIMEZONES = [
    ("Asia/Jakarta", "WIB (Asia/Jakarta)"),
    ("Asia/Makassar", "WITA (Asia/Makassar)"),
    ("Asia/Jayapura", "WIT (Asia/Jayapura)"),
]


class Office(LetterheadFields):
    slug = models.SlugField(_("kode singkat (di alamat web)"), unique=True)
    name = models.CharField(_("nama"), max_length=200)
    region_code = models.CharField(
        _("kode wilayah"), max_length=13, help_text=_("Contoh: 51.02 untuk Kabupaten Tabanan")
    )
    timezone = models.CharField(
        _("zona waktu"), max_length=40, choices=_INDONESIAN_TIMEZONES, default="Asia/Jakarta"
    )
    address = models.CharField(_("alamat"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(_("kapasitas ruang layanan"), default=13)
    booking_days_ahead = models.PositiveIntegerField(_("pemesanan paling jauh (hari ke depan)"), default=14)
    display_message = models.CharField(
        _("teks berjalan di layar"),
        max_length=500,
        blank=True,
        default="",
        help_text=_("Ditampilkan bergulir di layar ruang tunggu."),
    )
    fever_threshold_c = models.DecimalField(
        _("batas suhu demam (°C)"), max_digits=3, decimal_places=1, default=Decimal("37.5")
    )
    invitation_minutes = models.PositiveSmallIntegerField(
        _("batas waktu undangan masuk (menit)"),
        default=10,
        help_text=_(
            "Warga yang diundang masuk tetapi tidak datang dalam waktu ini kehilangan undangannya. "
            "Hanya waktu saat kantor buka yang dihitung."
        ),
    )
    invite_minutes_before_opening = models.PositiveSmallIntegerField(
        _("undangan masuk mulai (menit sebelum buka)"),
        default=0,
        help_text=_("0 = undangan pertama dikirim tepat saat kantor buka."),
    )
    last_invitation_minutes_before_closing = models.PositiveSmallIntegerField(
        _("undangan masuk berhenti (menit sebelum tutup)"),
        default=30,
        help_text=_("Sesudah itu tidak ada undangan baru; warga yang sudah diundang tetap boleh masuk."),
    )
    rescreen_after_minutes = models.PositiveSmallIntegerField(
        _("periksa ulang warga yang keluar sebentar setelah (menit)"),
        default=30,
        help_text=_(
            "Warga yang keluar sebentar (fotokopi, menjemput anak) tetap memegang nomornya. Bila kembali "
            "dalam waktu ini ia masuk tanpa diperiksa ulang. 0 = selalu diperiksa ulang."
        ),
    )
    notice = models.CharField(
        _("pengumuman"),
        max_length=300,
        blank=True,
        help_text=_(
            "Ditampilkan di atas halaman warga, mis. penutupan mendadak: “Hari ini layanan tutup pukul 12.00 "
            "karena pemadaman listrik.”"
        ),
    )
    notice_until = models.DateField(
        _("pengumuman berlaku sampai"),
        null=True,
        blank=True,
        help_text=_("Kosongkan agar tampil sampai dihapus."),
    )
    come_at_lead_minutes = models.PositiveSmallIntegerField(
        _("warga diminta datang (menit sebelum perkiraan dipanggil)"),
        default=15,
        help_text=_("Waktu datang untuk warga yang mendaftar dari rumah. 0 = tidak memberi waktu datang."),
    )
    come_at_margin_minutes = models.PositiveSmallIntegerField(
        _("waktu datang boleh maju paling banyak (menit)"),
        default=15,
        help_text=_("Waktu datang yang sudah diberitahukan tidak pernah dimajukan lebih dari ini."),
    )
    leave_home_minutes = models.PositiveSmallIntegerField(
        _("pesan 'saatnya berangkat' (menit sebelum waktu datang)"),
        default=30,
        help_text=_("Dikirim lewat WhatsApp. 0 = tidak dikirim."),
    )
    notify_when_ahead = models.PositiveSmallIntegerField(
        _("beri tahu lewat WhatsApp saat tinggal N orang di depan"),
        default=3,
        help_text=_("0 = tidak memberi tahu."),
    )
    wait_target_minutes = models.PositiveSmallIntegerField(
        _("target waktu tunggu (menit)"),
        default=30,
        help_text=_("Janji layanan kantor: rekap kinerja menghitung warga yang menunggu lebih lama."),
    )
    personal_data_days = models.PositiveSmallIntegerField(
        _("data pribadi nomor antrean disimpan (hari)"),
        default=90,
        validators=[MinValueValidator(1)],
        help_text=_("Lalu nama, NIK, nomor HP dihapus; layanan, waktu, kecamatan tetap untuk laporan."),
    )
    exit_on_finish = models.BooleanField(
        _("catat keluar otomatis saat selesai dilayani"),
        default=True,
        help_text=_("Jika tidak, petugas pintu mencatat setiap warga yang keluar."),
    )
    printer_address = models.CharField(
        _("alamat printer karcis (ESC/POS)"),
        max_length=100,
        blank=True,
        help_text=_(
            "IP:port printer termal 58 mm di jaringan, mis. 192.168.1.50:9100. Kosongkan untuk mencetak lewat peramban."
        ),
    )
    gate_enabled = models.BooleanField(
        _("pemeriksaan di pintu masuk"),
        default=True,
        help_text=_("Jika aktif, hanya warga yang sudah masuk lewat pintu yang dapat dipanggil."),
    )

    class Meta:
        verbose_name = _("kantor")
        verbose_name_plural = _("kantor")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.timezone not in available_timezones():
            raise ValidationError({"timezone": _("Zona waktu tidak dikenal.")})

    @property
    def tzinfo(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def tz_label(self) -> str:
        """WIB, WITA or WIT, as clocks in Indonesia are labelled."""
        return {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}.get(
            self.timezone, self.timezone
        )

    def local_now(self, instant: dt.datetime | None = None) -> dt.datetime:
        return rules.local_now(instant=instant or clock.now(), tz=self.timezone)

    def local_today(self, instant: dt.datetime | None = None) -> dt.date:
        """Today in the office's timezone: the one helper every 'today' goes through."""
        return rules.local_date(instant=instant or clock.now(), tz=self.timezone)

    def weekly_hours(self) -> dict[int, rules.Hours]:
        return {h.weekday: (h.opens, h.closes) for h in self.hours.all()}

    def weekly_breaks(self) -> dict[int, rules.Hours]:
        return {
            h.weekday: (h.break_starts, h.break_ends)
            for h in self.hours.all()
            if h.break_starts and h.break_ends
        }

    def notice_today(self, today: dt.date) -> str:
        """The admin's announcement while it stands."""
        if self.notice and (self.notice_until is None or today <= self.notice_until):
            return self.notice
        return ""


class OpeningHours(models.Model):
    office = models.ForeignKey(
        Office, verbose_name=_("kantor"), on_delete=models.CASCADE, related_name="hours"
    )
    weekday = models.PositiveSmallIntegerField(_("hari"), choices=Weekday.choices)
    opens = models.TimeField(_("buka"))
    closes = models.TimeField(_("tutup"))
    break_starts = models.TimeField(_("istirahat mulai"), null=True, blank=True)
    break_ends = models.TimeField(_("istirahat selesai"), null=True, blank=True)

    class Meta:
        verbose_name = _("jam layanan")
        verbose_name_plural = _("jam layanan")
        ordering = ["office", "weekday"]
        constraints = [
            models.UniqueConstraint(fields=["office", "weekday"], name="one_opening_hours_per_weekday"),
            models.CheckConstraint(
                condition=models.Q(opens__lt=models.F("closes")), name="opens_before_closes"
            ),
            models.CheckConstraint(
                condition=models.Q(break_starts__isnull=True, break_ends__isnull=True)
                | models.Q(
                    break_starts__gt=models.F("opens"),
                    break_starts__lt=models.F("break_ends"),
                    break_ends__lt=models.F("closes"),
                ),
                name="break_inside_opening_hours",
            ),
        ]

    def __str__(self) -> str:
        text = f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"
        if self.break_starts and self.break_ends:
            text += f" ({_('istirahat')} {self.break_starts:%H:%M}–{self.break_ends:%H:%M})"
        return text

    def clean(self):
        if self.opens and self.closes and self.opens >= self.closes:
            raise ValidationError({"closes": _("Jam tutup harus sesudah jam buka.")})
        if bool(self.break_starts) != bool(self.break_ends):
            raise ValidationError(
                {"break_ends": _("Isi jam mulai dan selesai istirahat, atau kosongkan keduanya.")}
            )
        opens, closes, starts, ends = self.opens, self.closes, self.break_starts, self.break_ends
        if opens and closes and starts and ends and not (opens < starts < ends < closes):
            raise ValidationError(
                {
                    "break_starts": _(
                        "Istirahat harus di antara jam buka dan jam tutup, dan mulai sebelum selesai."
                    )
                }
            )


class ClosedDay(models.Model):
    office = models.ForeignKey(
        Office, verbose_name=_("kantor"), on_delete=models.CASCADE, related_name="closed_days"
    )
    date = models.DateField(_("tanggal"))
    reason = models.CharField(_("keterangan"), max_length=200)

    # Not stored: how many booked tickets saving this day cancelled, noted by the queue's receiver
    # (antre.queueing.closures) for the admin's message.
    cancelled_tickets: int = 0

    class Meta:
        verbose_name = _("hari libur")
        verbose_name_plural = _("hari libur")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["office", "date"], name="one_closed_day_per_date")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.reason}"


class ServiceMode(models.TextChoices):
    ONLINE = "online", _("Daring (online)")
    IN_PERSON = "in_person", _("Tatap muka")
    BOTH = "both", _("Daring dan tatap muka")


class ServiceQuerySet(models.QuerySet):
    def bookable(self):
        """Services a visit can be booked for: active and served face to face (Service.is_bookable)."""
        return self.filter(active=True).exclude(mode=ServiceMode.ONLINE)


class Service(HeldBackFields):
    office = models.ForeignKey(
        Office, verbose_name=_("kantor"), on_delete=models.CASCADE, related_name="services"
    )
    code = models.CharField(
        _("kode"), max_length=20, help_text=_("Huruf besar tanpa spasi, dipakai di API. Contoh: KTP")
    )
    name = models.CharField(_("nama layanan"), max_length=200)
    description = models.TextField(_("keterangan"), blank=True)
    prefix = models.CharField(_("huruf nomor antrean"), max_length=2, help_text=_("Contoh: A untuk A-012"))
    mode = models.CharField(
        _("cara layanan"), max_length=10, choices=ServiceMode.choices, default=ServiceMode.BOTH
    )
    daily_quota = models.PositiveIntegerField(_("kuota harian"), default=100)
    minutes_per_visit = models.PositiveIntegerField(
        _("rata-rata menit per warga"), default=10, help_text=_("Dipakai untuk perkiraan waktu dipanggil.")
    )
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    active = models.BooleanField(_("aktif"), default=True)
    booking_days_ahead = models.PositiveIntegerField(
        _("pemesanan paling jauh (hari ke depan)"),
        null=True,
        blank=True,
        help_text=_("Kosongkan agar mengikuti pengaturan kantor."),
    )
    same_day_cutoff_minutes = models.PositiveSmallIntegerField(
        _("pendaftaran untuk hari ini ditutup (menit sebelum tutup)"),
        null=True,
        blank=True,
        help_text=_(
            "Kosongkan agar mengikuti kantor: saat undangan masuk terakhir, bila ada pemeriksaan di pintu. "
            "Tidak berlaku untuk nomor manual dari petugas."
        ),
    )

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("layanan")
        verbose_name_plural = _("layanan")
        ordering = ["office", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["office", "code"], name="service_code_unique_per_office"),
            models.UniqueConstraint(fields=["office", "prefix"], name="service_prefix_unique_per_office"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def clean(self):
        if self.code:
            self.code = self.code.strip().upper()
            if not self.code.replace("_", "").isalnum():
                raise ValidationError({"code": _("Kode hanya boleh huruf, angka dan garis bawah.")})
        if self.prefix:
            self.prefix = self.prefix.strip().upper()
            if not self.prefix.isalpha():
                raise ValidationError({"prefix": _("Huruf nomor antrean harus huruf.")})

    @property
    def is_bookable(self) -> bool:
        """A visit can be booked: the service is active and served face to face (ServiceQuerySet.bookable)."""
        return self.active and self.mode != ServiceMode.ONLINE

    @property
    def days_ahead(self) -> int:
        """How many days ahead a visit can be booked: the service's own window, else the office's."""
        own = self.booking_days_ahead
        return own if own is not None else self.office.booking_days_ahead


class Requirement(models.Model):
    service = models.ForeignKey(
        Service, verbose_name=_("layanan"), on_delete=models.CASCADE, related_name="requirements"
    )
    name = models.CharField(_("persyaratan"), max_length=300)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("persyaratan")
        verbose_name_plural = _("persyaratan")
        ordering = ["service", "order", "pk"]

    def __str__(self) -> str:
        return self.name


class Counter(models.Model):
    office = models.ForeignKey(
        Office, verbose_name=_("kantor"), on_delete=models.CASCADE, related_name="counters"
    )
    number = models.PositiveSmallIntegerField(_("nomor loket"))
    name = models.CharField(_("nama"), max_length=100, blank=True)
    services = models.ManyToManyField(
        Service, verbose_name=_("layanan yang dilayani"), related_name="counters"
    )
    active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("loket")
        verbose_name_plural = _("loket")
        ordering = ["office", "number"]
        constraints = [
            models.UniqueConstraint(fields=["office", "number"], name="counter_number_unique_per_office")
        ]

    def __str__(self) -> str:
        return f"Loket {self.number}" + (f" — {self.name}" if self.name else "")
