"""The per-desa table as files (CSV, XLSX): region codes and names, tags and counts, no personal data.
Cells a spreadsheet would read as a formula get a leading apostrophe, as in the reports' exports."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.utils.translation import gettext as _
from openpyxl import Workbook

from antre.outreach.counts import CHANNELS, Place, Reach
from antre.paper import safe


def header() -> list[str]:
    return [
        "level", "kecamatan", "code", "name", "tag", *(f"tickets_{c}" for c in CHANNELS), "tickets",
        "applications", "applications_form_village", "tickets_nik_kecamatan",
    ]  # fmt: skip


def _row(level: str, district: str, place: Place, nik: int | str) -> list:
    t = place.tally
    return [
        level, district, place.code, place.name, place.tag, *(t.tickets.get(c, 0) for c in CHANNELS),
        t.booked, t.applications, place.applications_from_form, nik,
    ]  # fmt: skip


def table(found: Reach) -> Iterator[list]:
    for district in found.districts:
        yield _row("kecamatan", district.code, district, district.from_nik)
        for village in district.villages:
            yield _row("desa", district.code, village, "")
    for link, tally in found.links:
        yield _row("link", "", Place(link.slug, link.note, link.tag, tally), "")


def as_csv(found: Reach) -> str:
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(header())
    for row in table(found):
        writer.writerow([safe(value) for value in row])
    return stream.getvalue()


def as_xlsx(found: Reach, *, office: str) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Per desa")
    sheet.append([f"{office} · {found.first.isoformat()} – {found.last.isoformat()}"])
    sheet.append(header())
    for row in table(found):
        sheet.append([safe(value) for value in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
