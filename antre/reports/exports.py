"""The head of office's tables as files the office passes on: CSV (one table, a `table` column saying
which table each row belongs to) and XLSX (one sheet per table). The summary's tables (codes, names
of services, channels, kecamatan and officers, and counts) and today's page's (counts, waits,
counters with their officer, the last calls by number, applications): no citizen's personal data."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import astuple, dataclass, fields

from django.utils.translation import gettext as _
from openpyxl import Workbook

from antre.paper import safe
from antre.reports.backlog import Backlog
from antre.reports.figures import QueueToday
from antre.reports.stats import Stats
from antre.reports.tally import Figures

FIGURES = [f.name for f in fields(Figures)]


@dataclass(frozen=True)
class Table:
    key: str  # the CSV's `table` column
    title: str  # the XLSX sheet's name (at most 31 characters)
    columns: list[str]
    rows: list[list]


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


def summary_tables(found: Stats, labels: dict[str, dict[str, str]]) -> list[Table]:
    return [
        Table(key, title, ["code", "name", *FIGURES], rows) for key, title, rows in sections(found, labels)
    ]


def today_tables(
    q: QueueToday, t: Stats, applications: Backlog, services: dict[str, str], *, tz: dt.tzinfo
) -> list[Table]:
    """Every table of today's page, with its figures as the page shows them (`t`: today's stats;
    the last calls by number, without the citizen's short name)."""
    total = t.total
    counts: list[tuple[str, str, float | None]] = [
        ("booked", _("Nomor diambil"), q.booked),
        ("outside", _("Menunggu di luar") if q.gate else _("Menunggu dipanggil"), q.outside),
    ]
    if q.gate:
        counts += [
            ("inside", _("Di dalam"), q.inside),
            ("capacity", _("Kapasitas"), q.capacity),
            ("waiting_inside", _("Menunggu di dalam"), q.waiting_inside),
        ]
    counts += [
        ("called", _("Sedang dipanggil"), q.called),
        ("serving", _("Sedang dilayani"), q.serving),
        ("served", _("Selesai dilayani"), q.served),
        ("no_show", _("Tidak hadir"), q.no_show),
        ("turned_away", _("Tidak lolos pemeriksaan"), q.turned_away),
        ("cancelled", _("Dibatalkan"), q.cancelled),
        ("wait_avg_minutes", _("Rata-rata menunggu (menit)"), total.wait_avg_minutes),
        ("wait_p90_minutes", _("9 dari 10 menunggu paling lama (menit)"), total.wait_p90_minutes),
        ("wait_target_minutes", _("Target kantor (menit)"), t.wait_target_minutes),
        ("over_wait_target", _("Orang menunggu lebih dari target kantor"), total.over_wait_target),
        ("over_target_percent", _("Persen menunggu lebih dari target kantor"), total.over_target_percent),
    ]
    waiting = (
        Table("waiting", _("Menunggu per layanan"), ["code", "name", "outside", "inside"],
              [[s.code, s.name, s.outside, s.inside] for s in q.by_service])
        if q.gate
        else Table("waiting", _("Menunggu per layanan"), ["code", "name", "waiting"],
                   [[s.code, s.name, s.outside + s.inside] for s in q.by_service])
    )  # fmt: skip
    open_rows = [[code, label, n] for code, label, n in applications.open_by_status]
    return [
        Table("today", _("Angka hari ini"), ["code", "name", "value"], [list(row) for row in counts]),
        waiting,
        Table("times", _("Waktu hari ini per layanan"),
              ["code", "name", "wait_avg_minutes", "wait_p90_minutes", "service_avg_minutes"],
              [[code, services.get(code, ""), f.wait_avg_minutes, f.wait_p90_minutes, f.service_avg_minutes]
               for code, f in t.by_service.items()]),
        Table("counters", _("Loket"), ["code", "name", "officer", "ticket", "status", "service_avg_minutes"],
              [[c.number, c.name, c.officer, c.ticket, c.status, _service_avg(t, c.number)] for c in q.counters]),
        Table("calls", _("Panggilan terakhir"), ["at", "ticket", "counter", "status"],
              [[f"{c.at.astimezone(tz):%H:%M}", c.number, c.counter, c.status] for c in q.calls]),
        Table("applications", _("Permohonan daring"), ["code", "name", "value"], open_rows + [
            ["late", _("Lewat target selesai"), applications.late],
            ["done_today", _("Selesai hari ini"), applications.done_today],
            ["rejected_today", _("Ditolak hari ini"), applications.rejected_today],
        ]),
    ]  # fmt: skip


def _service_avg(t: Stats, number: int) -> float | None:
    found = t.by_counter.get(str(number))
    return found.service_avg_minutes if found else None


def _heading(column: str) -> str:
    return {"code": _("kode"), "name": _("nama")}.get(column, column)


def csv_of(tables: Iterable[Table]) -> str:
    """One CSV of all the tables: a `table` column, then every table's columns (blank where a table
    has none of that name)."""
    tables = list(tables)
    columns = list(dict.fromkeys(column for table in tables for column in table.columns))
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(["table", *columns])
    for table in tables:
        for row in table.rows:
            cells = dict(zip(table.columns, row, strict=True))
            writer.writerow([table.key, *("" if cells.get(c) is None else safe(cells[c]) for c in columns)])
    return stream.getvalue()


def xlsx_of(tables: Iterable[Table], *, heading: str) -> bytes:
    """A workbook of a sheet per table, under `heading` (the office and the days)."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for table in tables:
        sheet = book.create_sheet(table.title)
        sheet.append([heading])
        sheet.append([_heading(column) for column in table.columns])
        for row in table.rows:
            sheet.append([safe(value) for value in row])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text, never a formula
        sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
