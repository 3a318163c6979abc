from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from antre.db.sealed import LookupHash, SealedJSON, SealedText
from antre.offices.sources import source_field


class Desk(models.TextChoices):
    GENERAL = "general", _("Umum")
    KTP = "ktp", _("KTP-el")
    KK = "kk", _("Kartu Keluarga")
    PINDAH = "pindah", _("Pindah")


class BusinessNumber(models.Model):
    """One of the office's WhatsApp numbers, mapped by the admin to a desk."""

    office = models.ForeignKey(
        "offices.Office", verbose_name=_("kantor"), on_delete=models.CASCADE, related_name="+"
    )
    phone_number_id = models.CharField(_("phone_number_id (Cloud API)"), max_length=40, unique=True)
    display_number = models.CharField(_("nomor"), max_length=20)
    desk = models.CharField(_("meja"), max_length=10, choices=Desk.choices, default=Desk.GENERAL)
    added_automatically = models.BooleanField(
        _("ditambahkan otomatis"),
        default=False,
        help_text=_(
            "Nomor yang belum dipetakan ditambahkan sebagai meja umum kantor pertama saat pesan pertamanya "
            "masuk, agar warga langsung dijawab. Periksa kantor dan mejanya, lalu hilangkan centang ini."
        ),
    )
    # The Cloud API's throughput per number (80 a second by default; a higher tier may send more).
    messages_per_second = models.PositiveSmallIntegerField(
        _("pesan per detik"),
        default=80,
        validators=[MinValueValidator(1)],
        help_text=_("Batas kiriman WhatsApp Cloud API untuk nomor ini (bawaan 80 pesan per detik)."),
    )
    # Shared by every worker: the next free sending slot, and the pause a 429 asked for.
    next_slot_at = models.DateTimeField(_("giliran kirim berikutnya"), null=True, blank=True, editable=False)
    paused_until = models.DateTimeField(_("dijeda sampai"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("nomor WhatsApp")
        verbose_name_plural = _("nomor WhatsApp")

    def __str__(self) -> str:
        return f"{self.display_number} ({self.get_desk_display()})"


class InboundMessage(models.Model):
    """A message received once: the provider may deliver it twice; its id is unique here."""

    message_id = models.CharField(_("ID pesan"), max_length=200, unique=True)
    number = models.ForeignKey(
        BusinessNumber, verbose_name=_("nomor"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The Cloud API may send a business-scoped user id instead of a phone number: keep both.
    wa_id = SealedText(_("ID WhatsApp"), max_length=40, blank=True)
    user_id = SealedText(_("ID pengguna"), max_length=80, blank=True)
    kind = models.CharField(_("jenis"), max_length=20)
    text = SealedText(_("teks"), blank=True)
    # Only what a conversation reads back (webhook.kept_payload): a document's name and type.
    payload = SealedJSON(_("data dari WhatsApp"))
    conversation = models.ForeignKey(
        "Conversation",
        verbose_name=_("percakapan"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="inbound",
    )
    received_at = models.DateTimeField(_("diterima"), auto_now_add=True)
    # Null while the bot has still to answer it (antre.whatsapp.answering); the webhook only stores.
    answered_at = models.DateTimeField(_("dijawab"), null=True, blank=True)
    answer_attempts = models.PositiveSmallIntegerField(_("percobaan menjawab"), default=0, editable=False)
    # Not a column: a photo's or PDF's bytes, fetched before the transaction (answering.py) for the bot.
    media_bytes: bytes | None = None

    class Meta:
        verbose_name = _("pesan masuk")
        verbose_name_plural = pgettext_lazy("plural", "pesan masuk")  # English tells the two apart
        indexes = [models.Index(fields=["answered_at"], name="inbound_waiting")]

    def __str__(self) -> str:
        return self.message_id


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu")
    SENDING = "sending", _("Sedang dikirim")
    SENT = "sent", _("Terkirim")
    FAILED = "failed", _("Gagal")


class OutboxMessage(models.Model):
    """A message to send, written in the transaction of the change it tells about (transactional outbox)."""

    # One notification per event, never two.
    dedupe_key = models.CharField(_("kunci pemberitahuan"), max_length=120, unique=True)
    conversation = models.ForeignKey(
        "Conversation",
        verbose_name=_("percakapan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbound",
    )
    by = models.ForeignKey(
        "people.User",
        verbose_name=_("dikirim oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    phone_number_id = models.CharField(_("ID nomor pengirim"), max_length=40)
    to = SealedText(_("kepada"), max_length=40)
    to_hash = LookupHash(_("sidik penerima"), of="to")  # a citizen's messages go one at a time, in order
    body = SealedJSON(_("isi"))
    template = models.CharField(_("templat"), max_length=60, blank=True)  # the body's, for lists and filters
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("jumlah percobaan"), default=0)
    next_attempt_at = models.DateTimeField(_("percobaan berikutnya"), default=timezone.now)
    lease_until = models.DateTimeField(_("sedang dikirim hingga"), null=True, blank=True)
    provider_id = models.CharField(_("ID pesan di WhatsApp"), max_length=120, blank=True)
    last_error = models.CharField(_("galat terakhir"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    sent_at = models.DateTimeField(_("terkirim"), null=True, blank=True)
    # After this a message would mislead ("come in by 08.10" a day late): it is not sent.
    expires_at = models.DateTimeField(_("berlaku sampai"), null=True, blank=True)

    class Meta:
        verbose_name = _("pesan keluar")
        verbose_name_plural = pgettext_lazy("plural", "pesan keluar")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["to_hash", "status"], name="outbox_recipient"),
        ]

    def __str__(self) -> str:
        return self.dedupe_key


class Conversation(models.Model):
    """One citizen talking to one of the office's numbers: the bot's state, and the officer inbox."""

    number = models.ForeignKey(
        BusinessNumber, verbose_name=_("nomor"), on_delete=models.CASCADE, related_name="conversations"
    )
    citizen = SealedText(_("warga"), max_length=80)  # wa_id, or the business-scoped user id
    citizen_hash = LookupHash(of="citizen")  # the conversation of a citizen is found by this
    phone = SealedText(_("nomor HP"), max_length=20, blank=True)
    state = SealedJSON(default=dict, blank=True)  # the bot's questions so far: may hold a NIK
    needs_officer = models.BooleanField(_("minta petugas"), default=False)
    assigned_to = models.ForeignKey(
        "people.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_inbound_at = models.DateTimeField(null=True, blank=True)
    application = models.ForeignKey(
        "applications.Application", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ticket = models.ForeignKey(
        "queueing.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Where the citizen found the number: a poster's prefilled text ("ANTRE desa-…") sets it, and the
    # tickets and applications made in this conversation carry it (antre.offices.sources).
    source = source_field()

    class Meta:
        verbose_name = _("percakapan")
        verbose_name_plural = _("percakapan")
        constraints = [
            models.UniqueConstraint(fields=["number", "citizen_hash"], name="one_conversation_per_citizen")
        ]

    def __str__(self) -> str:
        return f"{self.number_id}:{self.citizen}"
