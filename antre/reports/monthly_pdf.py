"""The monthly report (antre.reports.monthly) as an A4 PDF under the office's letterhead, always in
Indonesian (it goes to the regent): the summary against the month before, the two history charts,
the breakdowns, the applications, the SKM, the villages, and the head of office's signature block."""

from __future__ import annotations

from django.utils import formats, translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from antre import paper
from antre.paper import MARGIN, TEXT_WIDTH, latin, text
from antre.queueing.models import Channel
from antre.reports import charts
from antre.reports.history import history
from antre.reports.monthly import MonthReport
from antre.reports.tally import Figures

MOST_KECAMATAN = 15  # the rest of the regency's kecamatan in one row


class Report(FPDF):
    """A4 pages with the report's name and the page number at the foot of each."""

    foot = ""

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(100, 116, 139)
        self.cell(0, 5, latin(self.foot), align="L")
        self.set_x(MARGIN)
        self.cell(
            0, 5, latin(_("Halaman %(n)s dari %(all)s") % {"n": self.page_no(), "all": "{nb}"}), align="R"
        )
        self.set_text_color(0, 0, 0)


def month_name(report: MonthReport) -> str:
    return formats.date_format(report.first, "F Y")


def as_pdf(report: MonthReport) -> bytes:
    with translation.override("id"):
        pdf = Report(format="A4")
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_auto_page_break(auto=True, margin=16)
        pdf.foot = _("Laporan bulanan %(office)s, %(month)s") % {
            "office": report.office.name,
            "month": month_name(report),
        }
        pdf.add_page()
        _title(pdf, report)
        _summary(pdf, report)
        _charts(pdf, report)
        _breakdowns(pdf, report)
        _applications(pdf, report)
        _survey(pdf, report)
        _villages(pdf, report)
        _closing(pdf, report)
        return bytes(pdf.output())


def _title(pdf: FPDF, report: MonthReport) -> None:
    paper.letterhead(pdf, report.office.letterhead())
    text(pdf, 13, _("LAPORAN BULANAN PELAYANAN ADMINISTRASI KEPENDUDUKAN"), style="B", align="C", height=6)
    line = _("Bulan %(month)s") % {"month": month_name(report)}
    if not report.complete:
        line += " " + _("(sampai dengan %(day)s, bulan belum selesai)") % {
            "day": formats.date_format(report.last, "j F Y")
        }
    text(pdf, 11, line, align="C", height=6)
    pdf.ln(3)


def _number(value: float | int | None, decimals: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, int):
        return formats.number_format(value, 0, force_grouping=True)
    return formats.number_format(round(value, decimals), decimals)


def _share(part: int, whole: int) -> str:
    return f"{_number(part)} ({_number(100 * part / whole)} %)" if whole else _number(part)


def summary_rows(now: Figures, before: Figures, target: int) -> list[list[str]]:
    """(what, this month, the month before) for the figures the head of office answers for."""

    def both(read) -> list[str]:
        return [read(now), read(before)]

    return [
        [_("Nomor antrean diambil (semua kanal)"), *both(lambda f: _number(f.booked))],
        [_("Selesai dilayani"), *both(lambda f: _share(f.served, f.booked))],
        [_("Tidak hadir"), *both(lambda f: _share(f.no_show, f.booked))],
        [_("Dibatalkan warga"), *both(lambda f: _number(f.cancelled))],
        [_("Ditolak di pintu (skrining)"), *both(lambda f: _number(f.turned_away))],
        [_("Rata-rata menunggu (menit)"), *both(lambda f: _number(f.wait_avg_minutes))],
        [_("9 dari 10 menunggu paling lama (menit)"), *both(lambda f: _number(f.wait_p90_minutes))],
        [_("Menunggu lebih dari target %(n)s menit") % {"n": target},
         *both(lambda f: _share(f.over_wait_target, f.called))],
        [_("Rata-rata lama dilayani (menit)"), *both(lambda f: _number(f.service_avg_minutes))],
    ]  # fmt: skip


def _summary(pdf: FPDF, report: MonthReport) -> None:
    before = formats.date_format(report.before.first, "F Y")
    rows = summary_rows(report.queue.total, report.before.total, report.queue.wait_target_minutes)
    header = [_("Keterangan"), month_name(report), before]
    paper.table(pdf, _("1. Ringkasan antrean"), header, rows, widths=(90, 45, 45), numbers_from=1)


def _charts(pdf: FPDF, report: MonthReport) -> None:
    if not report.queue.by_period:
        return
    drawn = history(report.queue)
    titles = [_("Nomor antrean per hari"), _("Waktu menunggu per hari (menit)")]
    for chart, title in zip(drawn, titles, strict=True):
        if pdf.get_y() + 62 > pdf.h - 16:
            pdf.add_page()
        text(pdf, 10, title, style="B", height=6)
        y = pdf.get_y()
        charts.draw(pdf, chart, x=MARGIN, y=y, width=TEXT_WIDTH, height=42, latin=latin)
        pdf.set_y(y + 50)


def _breakdowns(pdf: FPDF, report: MonthReport) -> None:
    found = report.queue
    services = dict(report.office.services.values_list("code", "name"))
    channels = {code: str(label) for code, label in Channel.choices}
    paper.table(
        pdf,
        _("2. Per layanan"),
        [_("Kode"), _("Layanan"), _("Nomor"), _("Dilayani"), _("Tidak hadir"), _("Tunggu"), _("p90"), _("Layanan")],
        [[code, services.get(code, ""), *_cells(f)] for code, f in found.by_service.items()],
        widths=(22, 50, 18, 18, 18, 18, 16, 20),
        numbers_from=2,
    )  # fmt: skip
    paper.table(
        pdf,
        _("3. Per loket"),
        [_("Loket"), _("Dipanggil"), _("Dilayani"), _("Tidak hadir"), _("Tunggu"), _("p90"), _("Layanan")],
        [[code, _number(f.called), *_cells(f)[1:]] for code, f in found.by_counter.items()],
        numbers_from=1,
    )  # fmt: skip
    paper.table(
        pdf,
        _("4. Per petugas (yang memanggil)"),
        [_("Petugas"), _("Dipanggil"), _("Dilayani"), _("Tidak hadir"), _("Tunggu"), _("p90"), _("Layanan")],
        [[found.officer_names.get(user, user), _number(f.called), *_cells(f)[1:]]
         for user, f in found.by_officer.items()],
        widths=(50, 22, 22, 22, 20, 20, 24),
        numbers_from=1,
    )  # fmt: skip
    paper.table(
        pdf,
        _("5. Per kanal pendaftaran"),
        [_("Kanal"), _("Nomor"), _("Dilayani"), _("Tidak hadir"), _("Tunggu"), _("p90"), _("Layanan")],
        [[channels.get(code, code), *_cells(f)] for code, f in found.by_channel.items()],
        numbers_from=1,
    )  # fmt: skip
    paper.table(
        pdf,
        _("6. Per kecamatan (dari NIK)"),
        [_("Kode"), _("Kecamatan"), _("Nomor"), _("Dilayani"), _("Tidak hadir")],
        _kecamatan_rows(found.by_kecamatan, found.kecamatan_names),
        widths=(25, 75, 25, 25, 25),
        numbers_from=2,
    )
    text(
        pdf,
        8,
        _("Tunggu: rata-rata menit menunggu. p90: 9 dari 10 warga menunggu tidak lebih dari ini (menit)."),
        height=4,
    )
    pdf.ln(2)


def _cells(f: Figures) -> list[str]:
    return [
        _number(f.booked),
        _number(f.served),
        _number(f.no_show),
        _number(f.wait_avg_minutes),
        _number(f.wait_p90_minutes),
        _number(f.service_avg_minutes),
    ]


def _kecamatan_rows(by: dict[str, Figures], names: dict[str, str]) -> list[list[str]]:
    ranked = sorted(by.items(), key=lambda item: (-item[1].booked, item[0]))
    rows = [[code or "-", names.get(code, "") if code else _("(tanpa NIK)"), *_cells(f)[:3]]
            for code, f in ranked[:MOST_KECAMATAN]]  # fmt: skip
    rest = ranked[MOST_KECAMATAN:]
    if rest:
        rows.append(
            ["", _("%(n)s kecamatan lainnya") % {"n": len(rest)}]
            + [_number(sum(getattr(f, name) for _c, f in rest)) for name in ("booked", "served", "no_show")]
        )
    return rows


def _applications(pdf: FPDF, report: MonthReport) -> None:
    rows = [
        [k.name, _number(k.received), _number(k.done), _share(k.on_time, k.done), _number(k.rejected)]
        for k in report.kinds
    ]
    if report.kinds:
        total = [
            sum(getattr(k, name) for k in report.kinds)
            for name in ("received", "done", "on_time", "rejected")
        ]
        rows.append(
            [_("Jumlah"), _number(total[0]), _number(total[1]), _share(total[2], total[1]), _number(total[3])]
        )
    paper.table(
        pdf,
        _("7. Permohonan daring"),
        [_("Jenis permohonan"), _("Masuk"), _("Selesai"), _("Tepat waktu"), _("Ditolak")],
        rows,
        widths=(70, 22, 22, 38, 22),
        numbers_from=1,
    )
    still = sum(n for _s, _l, n in report.open_now.open_by_status)
    text(
        pdf,
        9,
        _(
            "Masih diproses saat laporan dibuat: %(open)s permohonan, %(late)s di antaranya melewati target selesai."
        )
        % {"open": _number(still), "late": _number(report.open_now.late)},
        height=5,
    )
    pdf.ln(3)


def _survey(pdf: FPDF, report: MonthReport) -> None:
    found = report.survey
    text(pdf, 11, _("8. Survei Kepuasan Masyarakat (SKM)"), style="B", height=7)
    if not found.respondents:
        text(pdf, 9, _("Belum ada jawaban survei pada bulan ini."), height=5)
        pdf.ln(3)
        return
    lines = [
        _("IKM %(ikm)s, mutu pelayanan %(grade)s (%(label)s).")
        % {"ikm": _number(found.ikm, 2), "grade": found.grade, "label": found.label},
        _(
            "Responden: %(n)s dari sampel minimum %(min)s untuk %(pop)s warga yang dilayani (tabel Krejcie-Morgan)."
        )
        % {"n": _number(found.respondents), "min": _number(found.minimum), "pop": _number(found.population)},
    ]
    for line in lines:
        text(pdf, 9, line, height=5)
    pdf.ln(1)
    paper.table(
        pdf,
        _("Nilai per unsur"),
        [_("No."), _("Unsur pelayanan"), _("NRR"), _("NRR tertimbang"), _("Mutu")],
        [[str(i), e.title, _number(e.mean, 3), _number(e.weighted, 3), e.grade or "-"]
         for i, e in enumerate(found.elements, 1)],
        widths=(12, 88, 25, 30, 15),
        numbers_from=2,
    )  # fmt: skip


def _villages(pdf: FPDF, report: MonthReport) -> None:
    rows, reached, villages = [], 0, 0
    for district in report.villages.districts:
        brought = len(district.villages) - district.villages_without
        reached, villages = reached + brought, villages + len(district.villages)
        rows.append(
            [district.name, _number(len(district.villages)), _number(brought),
             _number(district.villages_without), _number(district.tally.booked),
             _number(district.tally.applications)]
        )  # fmt: skip
    paper.table(
        pdf,
        _("9. Sosialisasi ke desa (tautan bertanda desa)"),
        [_("Kecamatan"), _("Desa"), _("Membawa pendaftar"), _("Belum ada"), _("Nomor"), _("Permohonan")],
        rows,
        widths=(50, 20, 35, 25, 25, 25),
        numbers_from=1,
    )
    if villages:
        text(
            pdf,
            9,
            _("%(n)s dari %(all)s desa/kelurahan membawa pendaftar lewat tautannya; surat edaran berikutnya "
              "sebaiknya ke desa yang belum ada.") % {"n": _number(reached), "all": _number(villages)},
            height=5,
        )  # fmt: skip


def _closing(pdf: FPDF, report: MonthReport) -> None:
    head = report.office.letterhead()
    made = report.office.local_now(report.made_at)
    dated = formats.date_format(made.date(), "j F Y")
    if pdf.get_y() + 50 > pdf.h - 16:
        pdf.add_page()
    paper.signature(pdf, head, size=10.5, above=f"{head.city}, {dated}" if head.city else dated)
    pdf.ln(4)
    text(
        pdf,
        7.5,
        _("Dibuat oleh Antre pada %(at)s dari catatan antrean, permohonan dan survei kantor.")
        % {"at": formats.date_format(made, "j F Y H:i")},
        height=4,
    )
