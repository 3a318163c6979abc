"""The filtered log as files: CSV and XLSX, one row per entry, times in the office's time zone.
Staff usernames, ticket numbers and application codes: no citizen's NIK, name or phone."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _
from openpyxl import Workbook

from antre.audit.listing import Filters, describe, role_label
from antre.audit.models import AuditEntry
from antre.offices.models import Office
from antre.paper import safe

COLUMNS = ("at", "actor", "role", "action", "action_label", "subject", "subject_day", "detail")


def rows(office: Office, entries: Iterable[AuditEntry]) -> Iterator[list[str]]:
    tz = office.tzinfo
    for entry in entries:
        yield [
            entry.at.astimezone(tz).isoformat(timespec="seconds"),
            entry.actor_username,
            role_label(entry.actor_role),
            entry.action,
            entry.get_action_display(),
            entry.subject,
            entry.subject_day.isoformat() if entry.subject_day else "",
            describe(entry.detail),
        ]


def as_csv(office: Office, entries: Iterable[AuditEntry]) -> str:
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows(office, entries):
        writer.writerow([safe(value) for value in row])
    return stream.getvalue()


def as_xlsx(office: Office, entries: Iterable[AuditEntry], filters: Filters) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its one sheet
    sheet.title = _("Catatan aksi")
    sheet.append(
        [f"{office.slug} · {filters.first.isoformat()} – {filters.last.isoformat()} ({office.tz_label})"]
    )
    sheet.append(list(COLUMNS))
    for row in rows(office, entries):
        sheet.append([safe(value) for value in row])
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s"  # text, never a formula
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
