from __future__ import annotations

import datetime as dt
import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from antre import crypto
from antre.db.sealed import LookupHash, SealedText
from antre.offices.calendar import invitation_deadline
from antre.offices.sources import source_field
from antre.people.rules import short_name
from antre.queueing import life, rules


class Status(models.TextChoices):
    """The statuses of antre.queueing.rules.Status, with the labels people read."""

    BOOKED = rules.Status.BOOKED.value, _("Terdaftar")
    WAITING_INSIDE = rules.Status.WAITING_INSIDE.value, _("Menunggu di dalam")
    CALLED = rules.Status.CALLED.value, _("Dipanggil")
    SERVING = rules.Status.SERVING.value, _("Sedang dilayani")
    DONE = rules.Status.DONE.value, _("Selesai")
    NO_SHOW = rules.Status.NO_SHOW.value, _("Tidak hadir")
    CANCELLED = rules.Status.CANCELLED.value, _("Dibatalkan")
    EXPIRED = rules.Status.EXPIRED.value, _("Kedaluwarsa")
    TURNED_AWAY = rules.Status.TURNED_AWAY.value, _("Tidak lolos pemeriksaan")


ACTIVE_STATUSES = (Status.BOOKED, Status.WAITING_INSIDE, Status.CALLED, Status.SERVING)
WAITING_STATUSES = tuple(Status(status) for status in rules.WAITING)
ONE_ACTIVE_TICKET = "one_active_ticket_per_nik_service_day"  # the constraint, as the database names it


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    WHATSAPP = "whatsapp", _("WhatsApp")
    KIOSK = "kiosk", _("Anjungan mandiri")
    WALK_IN = "walk_in", _("Loket manual")


class Priority(models.TextChoices):
    NONE = "", _("Tidak ada")
    ELDERLY = "elderly", _("Lansia")
    DISABLED = "disabled", _("Penyandang disabilitas")
    PREGNANT = "pregnant", _("Ibu hamil")
    INFANT = "infant", _("Membawa bayi/balita")


def new_ticket_token() -> str:
    # The id is the only thing that lets someone see and cancel a ticket: 128 random bits.
    return secrets.token_urlsafe(16)


class KecamatanOfNik(models.CharField):
    """The kecamatan's code from the NIK's first six digits ("51.02.01"), kept in clear beside the sealed
    NIK for the reports, and kept when the ticket is made anonymous; set on every save of the row."""

    def __init__(self, *args, **kwargs):
        kwargs.update(max_length=8, blank=True, default="", editable=False)
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        nik = model_instance.nik or ""
        if len(nik) == 16 and nik.isdigit():
            setattr(model_instance, self.attname, f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}")
        return getattr(model_instance, self.attname)


class TicketQuerySet(models.QuerySet):
    def with_nik(self, nik: str):
        """The tickets of this NIK (normalised: 16 digits), found by its keyed hash: the NIK is sealed."""
        return self.filter(nik_hash=crypto.lookup_hash(nik))

    def with_phone(self, phone: str):
        """The tickets booked with this phone (normalised: +62…), by its keyed hash: the phone is sealed."""
        return self.filter(phone_hash=crypto.lookup_hash(phone))

    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)

    def waiting(self):
        """Not called yet: booked (behind a gate, maybe still outside) or waiting inside."""
        return self.filter(status__in=WAITING_STATUSES)

    def counted(self):
        """Counted against the day's quota: every ticket but a cancelled one (dbcode keeps the count)."""
        return self.exclude(status=Status.CANCELLED)

    def inside(self):
        """Through the door and not out again: in the service area now, whatever their status."""
        return self.filter(arrived_at__isnull=False, left_at__isnull=True)

    def invited(self):
        """Booked and invited in, the invitation standing or lapsed: whether it still stands counts
        the door's open time (Ticket.invited_until), which SQL does not know."""
        return self.filter(status=Status.BOOKED, invited_at__isnull=False)

    def callable(self, *, gate: bool):
        """Whom a counter may call: behind a gate only those inside, else every waiting ticket."""
        return self.filter(status__in=life.callable_statuses(gate=gate))

    def for_counter(self, counter):
        """Tickets of the services `counter` serves, of its office; a service switched off is
        nobody's to call."""
        return self.filter(office_id=counter.office_id, service__in=counter.services.filter(active=True))

    def queue_of(self, counter, day: dt.date):
        """The tickets `counter` calls on `day`, in the order it calls them (its console lists these)."""
        gate = counter.office.gate_enabled
        return self.for_counter(counter).filter(day=day).callable(gate=gate).in_call_order()

    def in_call_order(self):
        """Priority visitors first, then the longest waiting: by queued_at, which is the booking's
        time, or for a booking from home the time it was asked to come (come_at), so a reservation
        keeps its hour without overtaking the citizens who came before it."""
        return self.order_by("-is_priority", "queued_at", "pk")

    def not_yet_in(self):
        """Booked and never through the door yet: behind a gate, still outside until invited in."""
        return self.filter(status=Status.BOOKED, arrived_at__isnull=True)

    def stepped_out(self):
        """Admitted once, out for a moment at the gate, number still held (SPEC §5)."""
        return self.filter(status=Status.BOOKED, arrived_at__isnull=False, left_at__isnull=False)


class Ticket(models.Model):
    token = models.CharField(max_length=32, unique=True, default=new_ticket_token, editable=False)
    # No single-column indexes on office and service: the (office, day, status) index and the
    # (service, day, seq) constraint below lead with them, and each index is work for every booking.
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="tickets", db_index=False
    )
    service = models.ForeignKey(
        "offices.Service", on_delete=models.PROTECT, related_name="tickets", db_index=False
    )
    day = models.DateField(_("tanggal kunjungan"))
    # The session of the day the citizen comes in; none on a day the office does not divide (or for
    # a walk-in after the last session). A transfer keeps it. No index: bookings count a session's
    # tickets through the (service, day, seq) constraint, and each index is work for every booking.
    session = models.ForeignKey(
        "offices.Session",
        verbose_name=_("sesi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    seq = models.PositiveIntegerField()
    number = models.CharField(_("nomor antrean"), max_length=12)
    name = models.CharField(_("nama"), max_length=100)
    nik = SealedText(_("NIK"), max_length=16, blank=True)
    phone = SealedText(_("nomor HP"), max_length=20, blank=True)
    nik_hash = LookupHash(of="nik")  # one active ticket per NIK; finding a citizen's tickets
    phone_hash = LookupHash(of="phone")  # the tickets of a WhatsApp chat's number
    kecamatan = KecamatanOfNik(_("kecamatan"))
    priority = models.CharField(
        _("prioritas"), max_length=10, choices=Priority.choices, blank=True, default=""
    )
    is_priority = models.BooleanField(default=False)
    channel = models.CharField(_("kanal"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.BOOKED)
    # Both set by the booking from its own "now" (antre.clock); the defaults serve the admin.
    issued_at = models.DateTimeField(_("waktu daftar"), default=timezone.now)
    # Call order after priority: the oldest queued_at first. A no-show who rejoins moves to the back.
    queued_at = models.DateTimeField(_("waktu masuk antrean"), default=timezone.now)
    counter = models.ForeignKey(
        "offices.Counter",
        verbose_name=_("loket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    invited_at = models.DateTimeField(_("diundang masuk"), null=True, blank=True)
    invitations = models.PositiveSmallIntegerField(_("jumlah undangan"), default=0)
    recalls = models.PositiveSmallIntegerField(_("jumlah panggilan ulang"), default=0)
    rejoined = models.BooleanField(_("sudah masuk antrean lagi"), default=False)
    transferred_from = models.ForeignKey(
        "offices.Service", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    arrived_at = models.DateTimeField(_("waktu masuk"), null=True, blank=True)
    left_at = models.DateTimeField(_("waktu keluar"), null=True, blank=True)
    called_at = models.DateTimeField(_("waktu dipanggil"), null=True, blank=True)
    # The officer of the current call (call_next, recall), set in the call's own UPDATE; cleared
    # with called_at. Bookings never set it: no index, which every booking would have to write.
    called_by = models.ForeignKey(
        "people.User",
        verbose_name=_("dipanggil oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    started_at = models.DateTimeField(_("mulai dilayani"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    issued_by = models.ForeignKey(
        "people.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When a citizen who booked from home was asked to come, as told at booking: the time shown
    # later may move, earlier by at most the office's margin (antre.queueing.arrivals).
    come_at = models.DateTimeField(_("diminta datang pukul"), null=True, blank=True)
    # Where the citizen came from (a village's printed link, a short link): antre.offices.sources.
    source = source_field()

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("nomor antrean")
        verbose_name_plural = _("nomor antrean")
        constraints = [
            # The database, not the code, guarantees that no two tickets share a number.
            models.UniqueConstraint(fields=["service", "day", "seq"], name="ticket_number_unique_per_day"),
            models.UniqueConstraint(
                fields=["service", "day", "nik_hash"],
                condition=models.Q(status__in=ACTIVE_STATUSES) & ~models.Q(nik_hash=""),
                name=ONE_ACTIVE_TICKET,
            ),
        ]
        indexes = [models.Index(fields=["office", "day", "status"], name="ticket_office_day_status")]

    def __str__(self) -> str:
        return f"{self.number} ({self.day:%Y-%m-%d})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def is_inside(self) -> bool:
        """Through the door and not out again (TicketQuerySet.inside, for one ticket)."""
        return self.arrived_at is not None and self.left_at is None

    @property
    def has_stepped_out(self) -> bool:
        """Admitted once, out for a moment (TicketQuerySet.stepped_out, for one ticket)."""
        return self.status == Status.BOOKED and self.arrived_at is not None and self.left_at is not None

    @property
    def short_name(self) -> str:
        return short_name(self.name)

    def next_status(self, action: str, *, today: dt.date, gate: bool) -> Status | None:
        """The status `action` leads this ticket to, or None when its life does not allow it."""
        target = life.next_status(
            status=self.status, action=action, gate=gate, rejoined=self.rejoined, day=self.day, today=today
        )
        return Status(target) if target else None

    def invited_until(self, now: dt.datetime, office=None) -> dt.datetime | None:
        """Until when this citizen's invitation in stands at `now`; None without one, or once it
        lapsed. `office`: the ticket's, when the caller holds it already."""
        if self.status != Status.BOOKED or self.invited_at is None:
            return None
        until = invitation_deadline(office or self.office, self.invited_at)
        return until if now < until else None


class DailySequence(models.Model):
    """The last number issued per service per office-local day, and the day's counts; its row lock
    serialises bookings."""

    service = models.ForeignKey(  # indexed by the (service, day) constraint
        "offices.Service", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)
    # Kept by triggers on the ticket table (antre.queueing.dbcode), never by Python code.
    # db_default too: a process still running the code of before these columns can go on booking.
    # What each ticket counts for: antre.queueing.rules.day_counts.
    taken = models.PositiveIntegerField(default=0, db_default=0)  # counted against the quota
    waiting = models.PositiveIntegerField(default=0, db_default=0)  # waiting to be called
    waiting_priority = models.PositiveIntegerField(default=0, db_default=0)  # of which priority visitors

    class Meta:
        verbose_name = _("urutan nomor harian")
        verbose_name_plural = _("urutan nomor harian")
        constraints = [
            models.UniqueConstraint(fields=["service", "day"], name="one_sequence_per_service_day")
        ]

    def __str__(self) -> str:
        return f"{self.service_id} {self.day}: {self.last}"


IDEMPOTENCY_KEY_MAX = 100  # a longer key is stored by its digest (antre.queueing.services)


class IdempotencyKey(models.Model):
    """A client's Idempotency-Key: a retried booking returns the ticket the first attempt made."""

    office = models.ForeignKey(  # indexed by the (office, key) constraint
        "offices.Office", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    key = models.CharField(max_length=IDEMPOTENCY_KEY_MAX)
    fingerprint = models.CharField(max_length=64)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kunci idempotensi")
        verbose_name_plural = _("kunci idempotensi")
        constraints = [
            models.UniqueConstraint(fields=["office", "key"], name="idempotency_key_unique_per_office")
        ]

    def __str__(self) -> str:
        return self.key


class BookingBudget(models.Model):
    """How many bookings one source has made on a day: a NIK, a phone or a client address, or one
    address's tickets for one service-day (antre.queueing.budgets). The source is kept only as a
    keyed hash, never in the clear; a row is counted in the booking's own transaction."""

    key = models.CharField(max_length=64)
    day = models.DateField()
    used = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("jatah pendaftaran")
        verbose_name_plural = _("jatah pendaftaran")
        constraints = [models.UniqueConstraint(fields=["key", "day"], name="one_budget_per_key_day")]

    def __str__(self) -> str:
        return f"{self.key[:8]}… {self.day}: {self.used}"


class PendingBooking(models.Model):
    """A booking from a web page held until the citizen confirms it from the phone it names, by
    sending its code over WhatsApp (antre.queueing.confirmations). It holds no place: the place is
    taken when the code comes, if one is left. Its personal data are sealed as a ticket's."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey("offices.Service", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    session = models.CharField(max_length=5, blank=True)  # "HH:MM" as asked for, or "" for any
    name = SealedText(max_length=100)
    nik = SealedText(max_length=16, blank=True)
    phone = SealedText(max_length=20)
    phone_hash = LookupHash(of="phone")
    priority = models.CharField(max_length=10, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    source = source_field()
    idempotency_key = models.CharField(
        max_length=IDEMPOTENCY_KEY_MAX, blank=True
    )  # a retry gets the same code
    code = models.CharField(max_length=6, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("pendaftaran menunggu konfirmasi")
        verbose_name_plural = _("pendaftaran menunggu konfirmasi")

    def __str__(self) -> str:
        return self.code
