"""Bookings from a web page that must be confirmed from the citizen's own phone.

Made-up NIKs and phones are well-formed and free, so a script from many addresses that solves every
proof of work could still take the places bookable ahead. What it cannot do is send a WhatsApp
message from each phone it names. So only a share of each service-day (Service.unconfirmed_percent,
20 % by default) may be taken by web bookings without that proof, counted as a daily budget in the
booking's own transaction (antre.queueing.budgets); past it, a booking from a web page is held here,
holding no place, until the citizen sends "KONFIRMASI <code>" from the phone it names to the
office's WhatsApp number (antre.whatsapp.bot). Then it books, if a place is left
(antre.queueing.confirming). Every citizen booking over HTTP counts, whatever channel it claims:
only the bot's own bookings come from a phone WhatsApp has proven.

Applies only where the office has a WhatsApp number: the whatsapp app tells this module which
(use_number), since queueing does not know WhatsApp. Bookings over WhatsApp are confirmed by nature
(the message comes from the phone); staff bookings need no confirmation.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import urllib.parse
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from antre.errors import Refusal
from antre.offices.models import Office, Service
from antre.people import rules as people
from antre.queueing.models import PendingBooking

WORD = "KONFIRMASI"  # what the citizen's message starts with, then the code
MINUTES = 30  # how long a held booking waits for its code
_CODE = re.compile(rf"^\s*\*?{WORD}\*?\s+(\d{{6}})\s*$", re.IGNORECASE)

_number_of: Callable[[Office], str] | None = None


def use_number(finder: Callable[[Office], str]) -> None:
    """Set how to find the WhatsApp number (digits, "62…") citizens of an office confirm to, "" for
    none: the whatsapp app does, when it is installed."""
    global _number_of
    _number_of = finder


def number_for(office: Office) -> str:
    return _number_of(office) if _number_of is not None else ""


def unconfirmed_share(service: Service) -> int:
    """The places of one service-day that web bookings may take without a confirmed phone (rounded
    up: a small quota keeps at least one place for them unless the admin sets 0 %)."""
    return -(-service.daily_quota * service.unconfirmed_percent // 100)


def code_in(text: str) -> str | None:
    """The code of a confirmation message ("KONFIRMASI 482913"), else None."""
    match = _CODE.match(text or "")
    return match.group(1) if match else None


def hold(
    office: Office,
    service: Service,
    day: dt.date,
    session: str | None,
    clean: dict[str, str],
    *,
    priority: str,
    channel: str,
    source: str,
    idempotency_key: str | None,
    now: dt.datetime,
) -> Refusal:
    """Keep the booking for MINUTES until its code comes from its phone; the answer that says how
    (202 `confirmation_required`), or, without a phone to confirm from, a refusal asking for one. A
    retry with the same Idempotency-Key gets the same held booking and code."""
    if not clean["phone"]:
        message = _(
            "Isi nomor HP yang memakai WhatsApp: pendaftaran untuk tanggal ini perlu dikonfirmasi dari HP Anda."
        )
        return Refusal("phone_required", message, status=422, fields={"phone": message})
    PendingBooking.objects.filter(expires_at__lt=now).delete()
    earlier = idempotency_key and PendingBooking.objects.filter(
        office=office, idempotency_key=idempotency_key
    )
    pending = earlier.first() if earlier else None
    if pending is None:
        pending = PendingBooking(
            office=office,
            service=service,
            day=day,
            session=session or "",
            name=clean["name"],
            nik=clean["nik"],
            phone=clean["phone"],
            priority=priority,
            channel=channel,
            source=source,
            idempotency_key=idempotency_key or "",
            created_at=now,
            expires_at=now + dt.timedelta(minutes=MINUTES),
        )
        _save_with_a_new_code(pending)
    return _how_to_confirm(office, pending)


def _how_to_confirm(office: Office, pending: PendingBooking) -> Refusal:
    number = number_for(office)
    text = f"{WORD} {pending.code}"
    until = formats.time_format(timezone.localtime(pending.expires_at, office.tzinfo), "H.i")
    return Refusal(
        "confirmation_required",
        _(
            "Satu langkah lagi: kirim pesan WhatsApp “%(text)s” dari nomor %(phone)s ke %(number)s "
            "sebelum pukul %(until)s %(tz)s. Nomor antrean Anda dikirim balik lewat WhatsApp."
        )
        % {
            "text": text,
            "phone": people.mask_phone(pending.phone),
            "number": f"+{number}",
            "until": until,
            "tz": office.tz_label,
        },
        status=202,
        extra={
            "confirmation": {
                "code": pending.code,
                "text": text,
                "whatsapp": f"+{number}",
                "link": f"https://wa.me/{number}?text={urllib.parse.quote(text)}",
                "expires_at": pending.expires_at.isoformat(),
            }
        },
    )


def _save_with_a_new_code(pending: PendingBooking) -> None:
    """Six random digits no held booking has (a clash, one in many thousands, draws again)."""
    for _attempt in range(10):
        pending.code = f"{secrets.randbelow(10**6):06d}"
        try:
            with transaction.atomic():
                pending.save()
            return
        except IntegrityError:
            continue
    raise Refusal("try_again", _("Sistem sedang sibuk. Coba lagi sebentar lagi."), status=503)


def take(office: Office, code: str, phone: str, now: dt.datetime) -> PendingBooking:
    """The held booking of `code`, locked, if `phone` (E.164) is the one it names; else one refusal
    for every reason, which tells a guesser neither that the code exists nor whose it is."""
    pending = PendingBooking.objects.select_for_update().filter(office=office, code=code).first()
    if pending is None or pending.expires_at < now or pending.phone != phone:
        raise Refusal(
            "confirmation_unknown",
            _(
                "Kode konfirmasi ini tidak berlaku: kodenya salah, sudah lewat %(n)s menit, atau tidak "
                "dikirim dari nomor HP yang diisi saat mendaftar. Silakan periksa, atau daftar lagi."
            )
            % {"n": MINUTES},
            status=404,
        )
    return pending
