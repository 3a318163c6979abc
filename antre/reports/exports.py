"""The summary's tables as files the office passes on: CSV (one table, a column saying which
breakdown each row belongs to) and XLSX (one sheet per table). Codes, names of services, channels,
kecamatan and officers, and counts: no citizen's personal data."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import astuple, fields

from django.utils.translation import gettext as _
from openpyxl import Workbook

from antre.paper import safe
from antre.reports.stats import Stats
from antre.reports.tally import Figures

FIGURES = [f.name for f in fields(Figures)]


def sections(found: Stats, labels: dict[str, dict[str, str]]) -> Iterator[tuple[str, str, list]]:
    """(sheet, title, rows) of every table: the totals, then each breakdown; a row is its code, its
    name and its figures. `labels`: names per breakdown (service, channel), where there are."""
    yield "total", _("Jumlah"), [["", "", *astuple(found.total)]]
    names = {**labels, "kecamatan": found.kecamatan_names, "officer": found.officer_names}
    for key, title, table in (
        ("period", _("Per periode"), found.by_period),
        ("service", _("Layanan"), found.by_service),
        ("counter", _("Loket"), found.by_counter),
        ("officer", _("Petugas"), found.by_officer),
        ("channel", _("Kanal"), found.by_channel),
        ("kecamatan", _("Kecamatan"), found.by_kecamatan),
    ):
        yield key, title, [[code, names.get(key, {}).get(code, ""), *astuple(f)] for code, f in table.items()]


def as_csv(found: Stats, labels: dict[str, dict[str, str]]) -> str:
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(["table", "code", "name", *FIGURES])
    for key, _title, rows in sections(found, labels):
        for row in rows:
            writer.writerow([key, *("" if value is None else safe(value) for value in row)])
    return stream.getvalue()


def as_xlsx(found: Stats, labels: dict[str, dict[str, str]], *, office: str) -> bytes:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for _key, title, rows in sections(found, labels):
        sheet = book.create_sheet(title)
        sheet.append([f"{office} · {found.first.isoformat()} – {found.last.isoformat()}"])
        sheet.append([_("kode"), _("nama"), *FIGURES])
        for row in rows:
            sheet.append([safe(value) for value in row])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text, never a formula
        sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
