"""What the gate officer scans or types, read: a ticket (the QR's URL, the ticket id or today's
number) and a temperature."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from antre.errors import Refusal, too_long
from antre.gate import rules
from antre.offices.models import Office
from antre.queueing import rules as queue_rules
from antre.queueing.models import Ticket

TICKET_REF_MAX = 200  # what a scanner types: a number, a ticket id, or the QR's whole URL
TEMPERATURE_TYPED_MAX = 10  # "36,5"; a float sent by the API ("36.549999999") fits too
_TOKEN_IN_URL = re.compile(r"/tiket/([-\w]+)")


def find_ticket(office: Office, text: str, *, today: dt.date, lock: bool = False) -> Ticket:
    """A ticket from what a scanner or a person typed: the QR's URL, the ticket id, or today's number."""
    raw = (text or "").strip()
    if len(raw) > TICKET_REF_MAX:
        raise Refusal(
            "invalid_fields",
            _("Yang dipindai terlalu panjang untuk nomor antrean; pindai ulang kode QR atau ketik nomornya."),
            status=422,
            fields={"ticket": too_long(TICKET_REF_MAX)},
        )
    tickets = Ticket.objects.filter(office=office)
    if lock:
        tickets = tickets.select_for_update(of=("self",))
    match = _TOKEN_IN_URL.search(raw)
    token = match.group(1) if match else raw
    ticket = tickets.filter(token=token).first() if token else None
    if ticket is None and (parsed := queue_rules.parse_number(raw)):
        prefix, seq = parsed
        ticket = tickets.filter(day=today, service__prefix=prefix, seq=seq).first()
    if ticket is None:
        raise Refusal(
            "not_found",
            _("Nomor antrean tidak ditemukan. Periksa nomornya atau pindai ulang kode QR."),
            status=404,
            fields={"ticket": _("Tidak ditemukan.")},
        )
    return ticket


def parse_temperature(raw) -> Decimal:
    try:
        if len(str(raw)) > TEMPERATURE_TYPED_MAX:
            raise ValueError("no reading is that long")
        read = Decimal(str(raw).replace(",", ".").strip())
        # NaN, infinity and 1e309 (a float too large) are no reading; NaN cannot even be compared.
        value = read.quantize(Decimal("0.1")) if read.is_finite() and abs(read) < 1000 else None
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not rules.plausible_temperature(value):
        raise Refusal(
            "invalid_fields",
            _("Periksa kembali isian yang ditandai."),
            status=422,
            fields={"temperature_c": _("Suhu tidak masuk akal; ukur ulang (contoh: 36,5).")},
        )
    return value
