"""Daily booking budgets: how many bookings one NIK, one phone and one client address may make in a
day, and how many of one service-day's places one address may hold. On top of the per-minute limit
(antre.ratelimit), which stops a burst but not a script that books steadily all day.

Counted in the booking's own transaction (antre.queueing.issuing), so a refused booking costs
nothing and two bookings at once are counted one after the other: a budget is never exceeded. A
source is stored only as a keyed hash (HMAC), never in the clear. Staff bookings are not counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import formats
from django.utils.translation import gettext as _

from antre import crypto
from antre.errors import Refusal
from antre.queueing import confirmations
from antre.queueing.models import BookingBudget

# Defaults a family can live with: a NIK books its own visits (a KTP and a KK change the same day);
# a parent books for a household from one phone; an office PC or a warnet books for many people.
PER_NIK = 3
PER_PHONE = 6
PER_ADDRESS = 30
# One address may hold at most this share of one service-day's places (at least ADDRESS_SHARE_MIN):
# a warnet books for many people, but not a whole day of one service.
ADDRESS_SHARE_PERCENT = 10
ADDRESS_SHARE_MIN = 3


@dataclass(frozen=True)
class Budget:
    # "nik", "phone", "address", "share" (an address's places in one service-day) or "unconfirmed"
    # (a service-day's places taken from web pages without a phone confirmed: antre.queueing.confirmations)
    kind: str
    key: str  # the keyed hash of the source
    day: dt.date  # the day the booking is made on; for "share", the day booked
    limit: int


def _digest(*parts: object) -> str:
    """A keyed hash of a source: who holds the database alone cannot tell the NIK or phone it counts."""
    return crypto.lookup_hash("\x1f".join(str(part) for part in parts))


def address_share(quota: int) -> int:
    """The places of one service-day that one address may hold."""
    return max(ADDRESS_SHARE_MIN, -(-quota * ADDRESS_SHARE_PERCENT // 100))


UNCONFIRMED = "unconfirmed_share_used"  # the refusal the booking turns into a held booking


def budgets_for(
    *,
    nik: str,
    phone: str,
    address: str,
    service_id: int,
    booked_day: dt.date,
    today: dt.date,
    quota: int,
    unconfirmed: int | None = None,
) -> list[Budget]:
    """The budgets one booking from afar spends: none for a source it does not have. `unconfirmed`:
    the service-day's places web bookings may take without a confirmed phone, None for no such cap."""
    out = []
    if nik:
        out.append(Budget("nik", _digest("nik", nik), today, PER_NIK))
    if phone:
        out.append(Budget("phone", _digest("phone", phone), today, PER_PHONE))
    if address:
        out.append(Budget("address", _digest("address", address), today, PER_ADDRESS))
        out.append(Budget("share", _digest("share", address, service_id), booked_day, address_share(quota)))
        if unconfirmed is not None:
            out.append(Budget("unconfirmed", _digest("unconfirmed", service_id), booked_day, unconfirmed))
    return out


def for_booking(
    service, day: dt.date, clean: dict[str, str], *, client: str | None, today: dt.date
) -> list[Budget]:
    """The budgets a citizen's own booking spends; none for staff or the system (client None), nor
    with the limits switched off (ANTRE_RATELIMIT=off, for load tests). Booked over HTTP (a page or
    the API, whatever channel it claims), it spends the service-day's unconfirmed share too, where
    the office has a WhatsApp number: only the bot's own bookings come from a phone proven."""
    if client is None or not settings.RATELIMIT_ENABLED:
        return []
    unconfirmed = None
    if client and confirmations.number_for(service.office):
        unconfirmed = confirmations.unconfirmed_share(service)
    return budgets_for(
        nik=clean["nik"],
        phone=clean["phone"],
        address=client,
        service_id=service.pk,
        booked_day=day,
        today=today,
        quota=service.daily_quota,
        unconfirmed=unconfirmed,
    )


def spend(budgets: Sequence[Budget], *, today: dt.date) -> None:
    """Count one booking against each budget, in one statement, or refuse if any is spent.

    Must run inside the booking's transaction: the refusal rolls the counts back with it. The rows
    are taken in key order, so two bookings sharing two sources never wait for each other in turn.
    """
    if not budgets:
        return
    ordered = sorted(budgets, key=lambda b: (b.key, b.day))
    table = connection.ops.quote_name(BookingBudget._meta.db_table)
    values = ", ".join(["(%s, %s, 1)"] * len(ordered))
    params: list[Any] = []
    for budget in ordered:
        params += [budget.key, connection.ops.adapt_datefield_value(budget.day)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, day, used) VALUES {values} "  # noqa: S608 (table name is ours)
            f"ON CONFLICT (key, day) DO UPDATE SET used = {table}.used + 1 RETURNING key, day, used",
            params,
        )
        used = {(key, _as_date(day)): n for key, day, n in cursor.fetchall()}
    # Any other budget spent refuses first: a booking is held for a confirmation only when that is
    # all that stands in its way.
    for budget in sorted(ordered, key=lambda b: b.kind == "unconfirmed"):
        if used.get((budget.key, budget.day), 0) > budget.limit:
            raise spent(budget, today=today)


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def spent(budget: Budget, *, today: dt.date) -> Refusal:
    """The refusal of a spent budget: which one, and when the citizen can book again."""
    tomorrow = today + dt.timedelta(days=1)
    again = formats.date_format(tomorrow, "l, j F Y")
    in_person = _("Anda tetap dapat datang langsung ke kantor dan mengambil nomor di loket.")
    if budget.kind == "unconfirmed":
        return Refusal(UNCONFIRMED, _("Tempat tanpa konfirmasi nomor HP untuk tanggal ini sudah habis."))
    if budget.kind == "nik":
        message = _("NIK ini sudah dipakai untuk %(n)s pendaftaran hari ini.") % {"n": budget.limit}
    elif budget.kind == "phone":
        message = _("Nomor HP ini sudah dipakai untuk %(n)s pendaftaran hari ini.") % {"n": budget.limit}
    elif budget.kind == "address":
        message = _("Sudah terlalu banyak pendaftaran dari jaringan internet Anda hari ini.")
    else:
        message = _(
            "Dari jaringan internet Anda sudah terdaftar %(n)s nomor untuk layanan dan tanggal ini. "
            "Pilih tanggal lain."
        ) % {"n": budget.limit}
        return Refusal(
            "budget_exhausted",
            f"{message} {in_person}",
            status=429,
            fields={"date": message},
            extra={"budget": budget.kind, "retry_on": None},
        )
    message += " " + _("Anda dapat mendaftar lagi mulai %(day)s.") % {"day": again}
    return Refusal(
        "budget_exhausted",
        f"{message} {in_person}",
        status=429,
        extra={"budget": budget.kind, "retry_on": tomorrow.isoformat()},
    )


def forget_before(day: dt.date) -> int:
    """Drop the counts of days before `day`: a budget is only ever asked about today and later."""
    deleted, _ = BookingBudget.objects.filter(day__lt=day).delete()
    return deleted
