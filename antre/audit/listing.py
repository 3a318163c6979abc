"""Reading the audit log: the filters the head of office picks, the entries they select, and each
entry's detail in words."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from antre.audit.models import Action, AuditEntry
from antre.offices.models import Office
from antre.people.models import Role, User

MAX_DAYS = 366


@dataclass(frozen=True)
class Filters:
    first: dt.date
    last: dt.date
    actor: int | None = None
    action: str = ""
    subject: str = ""

    def query(self) -> dict[str, str]:
        """The filters as the page's query string has them (for the pages and downloads)."""
        asked = {
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "actor": str(self.actor or ""),
            "action": self.action,
            "subject": self.subject,
        }
        return {key: value for key, value in asked.items() if value}


def _day(raw: str | None, default: dt.date) -> dt.date | None:
    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


def parse(params, *, today: dt.date) -> tuple[Filters, dict[str, str]]:
    """The filters of a request's parameters (from, to, actor, action, subject), today's by
    default, and what is wrong with them (field: Indonesian message)."""
    problem: dict[str, str] = {}
    first, last = _day(params.get("from"), today), _day(params.get("to"), today)
    if first is None:
        problem["from"] = _("Tanggal tidak valid.")
    if last is None:
        problem["to"] = _("Tanggal tidak valid.")
    first, last = first or today, last or today
    if not problem and first > last:
        problem["to"] = _("Tanggal akhir sebelum tanggal awal.")
    elif not problem and (last - first).days >= MAX_DAYS:
        problem["to"] = _("Paling lama %(days)s hari sekali tampil.") % {"days": MAX_DAYS}
    actor_raw = (params.get("actor") or "").strip()
    actor = int(actor_raw) if actor_raw.isdecimal() else None  # "²" is a digit int() refuses
    if actor_raw and actor is None:
        problem["actor"] = _("Pilih petugas dari daftar.")
    action = (params.get("action") or "").strip()
    if action and action not in Action.values:
        problem["action"] = _("Pilih aksi dari daftar.")
        action = ""
    subject = (params.get("subject") or "").strip().upper()[:40]
    return Filters(first, last, actor, action, subject), problem


def entries(office: Office, filters: Filters) -> QuerySet[AuditEntry]:
    """The office's entries the filters select, newest first."""
    tz = office.tzinfo
    start = dt.datetime.combine(filters.first, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(filters.last + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    found = AuditEntry.objects.filter(office=office, at__gte=start, at__lt=end)
    if filters.actor:
        found = found.filter(actor_id=filters.actor)
    if filters.action:
        found = found.filter(action=filters.action)
    if filters.subject:
        found = found.filter(subject=filters.subject)
    return found.order_by("-at", "-pk")


def officers(office: Office) -> QuerySet[User]:
    """Whom the officer filter offers: the office's staff, and the administrators of every office."""
    return User.objects.filter(Q(office=office) | Q(is_superuser=True)).order_by("username")


def role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


def describe(detail: dict) -> str:
    """An entry's detail in the reader's words: the counter, the service, where a ticket went."""
    parts = []
    if "counter" in detail:
        parts.append(_("loket %(n)s") % {"n": detail["counter"]})
    if "to" in detail and "report" not in detail:  # a transfer's new number, not a download's last day
        parts.append(
            _("menjadi %(number)s (%(service)s)")
            % {"number": detail["to"], "service": detail.get("service", "")}
        )
    elif "service" in detail:
        parts.append(_("layanan %(code)s") % {"code": detail["service"]})
    if detail.get("rejoin"):
        parts.append(_("masuk antrean lagi"))
    if detail.get("returned"):
        parts.append(_("kembali masuk"))
    if detail.get("reason") == "fever":
        parts.append(_("demam"))
    if detail.get("found_by") == "nik":
        parts.append(_("dicari dengan NIK"))
    elif detail.get("found_by") == "number":
        parts.append(_("dicari dengan nomor"))
    if detail.get("via") == "admin":
        parts.append(_("di halaman admin"))
    elif detail.get("via") == "gate":
        parts.append(_("di pintu masuk"))
    if "document" in detail:
        parts.append(_("berkas %(code)s") % {"code": detail["document"]})
    if "result" in detail:
        ways = {"document": _("diunduh"), "pickup": _("diambil di kantor"), "delivery": _("diantar")}
        parts.append(_("hasil %(how)s") % {"how": ways.get(detail["result"], detail["result"])})
    if "report" in detail:  # a download: the month of a monthly report, otherwise its days
        span = detail.get("month") or f"{detail.get('from', '')}–{detail.get('to', '')}"
        parts.append(f"{detail['report']} {span} ({detail.get('format', '')})")
    return " · ".join(parts)
