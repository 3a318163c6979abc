"""The survey's results as files: XLSX (one sheet per table) and the PDF survey report in the
usual layout (the period, per element NRR and weighted NRR, the IKM and its band, the sample, the
respondents' profile, the suggestions with personal data masked)."""

from __future__ import annotations

import io
from collections.abc import Iterator

from django.utils import formats
from django.utils.translation import gettext as _
from fpdf import FPDF
from openpyxl import Workbook

from antre import paper
from antre.paper import latin, safe
from antre.survey.figures import SurveyFigures


def _number(value: float | None) -> str:
    return "—" if value is None else formats.number_format(value, 4 if value < 5 else 2)


def tables(found: SurveyFigures) -> Iterator[tuple[str, list[str], list[list]]]:
    """(title, header, rows) of every table of the report, in the report's order."""
    yield (
        _("Nilai per unsur"),
        [_("No."), _("Unsur pelayanan"), _("NRR"), _("NRR tertimbang"), _("Mutu")],
        [[i, e.title, e.mean, e.weighted, e.grade] for i, e in enumerate(found.elements, 1)],
    )
    yield (
        _("IKM"),
        [_("Keterangan"), _("Nilai")],
        [
            [_("Jumlah NRR tertimbang"), found.weighted_sum],
            [_("IKM (× 25)"), found.ikm],
            [_("Mutu pelayanan"), found.grade],
            [_("Kinerja unit pelayanan"), found.label],
            [_("Jumlah responden"), found.respondents],
            [_("Populasi (dilayani)"), found.population],
            [_("Sampel minimum (Krejcie–Morgan)"), found.minimum],
        ],
    )
    for title, rows in found.profile:
        yield title, [title, _("Jumlah")], [[label, n] for label, n in rows]
    yield (
        _("Per layanan"),
        [_("Kode"), _("Layanan"), _("Responden"), _("IKM"), _("Mutu")],
        [[g.code, g.name, g.respondents, g.ikm, g.grade] for g in found.by_service],
    )
    yield (
        _("Saran"),
        [_("Tanggal"), _("Layanan"), _("Saran (data pribadi disamarkan)")],
        [[day.isoformat(), code, text] for day, code, text in found.suggestions],
    )


def as_xlsx(found: SurveyFigures, *, office: str) -> bytes:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, header, rows in tables(found):
        sheet = book.create_sheet(title[:31])
        sheet.append([safe(f"{office} · {found.first.isoformat()} – {found.last.isoformat()}")])
        sheet.append(header)
        for row in rows:
            sheet.append([safe(value) for value in row])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text, never a formula
        sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _latin(value) -> str:
    text = "" if value is None else str(value)
    return latin(text)


def _cell(value) -> str:
    if isinstance(value, float):
        return formats.number_format(value, 4 if value < 5 else 2)
    return _latin(value if value not in (None, "") else "-")


def as_pdf(found: SurveyFigures, *, office: str) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(
        0, 7, _latin(_("Laporan Survei Kepuasan Masyarakat")), align="C", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font("Helvetica", "", 11)
    period = f"{formats.date_format(found.first, 'j F Y')} - {formats.date_format(found.last, 'j F Y')}"
    pdf.multi_cell(0, 6, _latin(office), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(
        0, 6, _latin(_("Periode: %(p)s") % {"p": period}), align="C", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(3)
    _headline(pdf, found)
    for title, header, rows in tables(found):
        if title == _("IKM"):
            continue
        body = [[_cell(value) for value in row] for row in rows]
        paper.table(pdf, title, header, body, widths=WIDTHS.get(len(header)))
    pdf.set_font("Helvetica", "I", 8)
    pdf.multi_cell(
        0, 4, _latin(_("Nama orang dalam saran tidak dapat dikenali dengan pasti dan tidak disamarkan.")),
        new_x="LMARGIN", new_y="NEXT",
    )  # fmt: skip
    return bytes(pdf.output())


def _headline(pdf: FPDF, found: SurveyFigures) -> None:
    pdf.set_font("Helvetica", "B", 12)
    ikm = _cell(found.ikm) if found.ikm is not None else "-"
    pdf.multi_cell(0, 7, _latin(_("IKM: %(ikm)s") % {"ikm": ikm}), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    lines = [
        _("Mutu pelayanan: %(grade)s") % {"grade": found.grade or "-"},
        _("Kinerja unit pelayanan: %(label)s") % {"label": found.label or "-"},
        _("Responden: %(n)s dari sampel minimum %(min)s (populasi %(pop)s, tabel Krejcie–Morgan)")
        % {"n": found.respondents, "min": found.minimum, "pop": found.population},
    ]
    for line in lines:
        pdf.multi_cell(0, 5, _latin(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


# Relative column widths by the number of columns: the element and service tables give the name room.
WIDTHS = {5: (12, 70, 25, 30, 15), 3: (22, 20, 100), 2: (70, 30)}
