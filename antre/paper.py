"""What every file the office downloads or prints needs: spreadsheet cells that stay text, text that
the built-in PDF fonts (Latin-1) can print, and the A4 pieces (fpdf2) that posters, letters and
reports share: paragraphs, lists, tables, the QR code, the letterhead and the signature block."""

from __future__ import annotations

import io
from typing import Protocol

import segno
from django.utils.translation import gettext as _
from fpdf import FPDF

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# The built-in PDF fonts are Latin-1: dashes, quotes, bullets and the like get stand-ins; letters
# outside Latin-1 become "?".
_STANDINS: dict[str, str | int | None] = {
    "—": "-", "–": "-", "“": '"', "”": '"', "’": "'", "…": "...", "•": "*", "×": "x",
}  # fmt: skip

A4_WIDTH = 210
MARGIN = 15
TEXT_WIDTH = A4_WIDTH - 2 * MARGIN


def safe(value):
    """A cell a spreadsheet shows as typed: text that a spreadsheet would read as a formula (a
    service named "=HYPERLINK(…)" in the admin) gets a leading apostrophe. Numbers pass as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def latin(text: str) -> str:
    return text.translate(str.maketrans(_STANDINS)).encode("latin-1", "replace").decode("latin-1")


class Head(Protocol):
    """What a letterhead and a signature block print (antre.offices.letterhead.Letterhead)."""

    @property
    def agency(self) -> str: ...

    @property
    def office(self) -> str: ...

    @property
    def address(self) -> str: ...

    @property
    def contact(self) -> str: ...

    @property
    def head_name(self) -> str: ...

    @property
    def head_nip(self) -> str: ...


def new_page(pdf: FPDF | None = None) -> FPDF:
    """A4 in millimetres, one more page when a document is given (a kecamatan's villages in one file)."""
    if pdf is None:
        pdf = FPDF(format="A4")
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_auto_page_break(auto=True, margin=MARGIN)
    pdf.add_page()
    return pdf


def text(
    pdf: FPDF,
    size: float,
    line: str,
    *,
    style: str = "",
    align: str = "L",
    height: float = 0,
    width: float = 0,
):
    """One paragraph that wraps within `width` (the rest of the line by default)."""
    pdf.set_font("Helvetica", style, size)
    pdf.multi_cell(width, height or size * 0.5, latin(line), align=align, new_x="LMARGIN", new_y="NEXT")


def bullets(pdf: FPDF, items: list[str], *, x: float, width: float, size: float = 11) -> None:
    pdf.set_font("Helvetica", "", size)
    for item in items:
        pdf.set_x(x)
        pdf.multi_cell(width, size * 0.5, latin(f"- {item}"), new_x="LEFT", new_y="NEXT")


def rows(
    pdf: FPDF, pairs: list[tuple[str, str]], *, x: float, label_width: float, width: float, size: float = 11
):
    """A two-column list (weekday and hours; number and desk), each row on its own line."""
    for label, value in pairs:
        pdf.set_x(x)
        pdf.set_font("Helvetica", "B", size)
        pdf.cell(label_width, size * 0.5, latin(label))
        pdf.set_font("Helvetica", "", size)
        pdf.multi_cell(width - label_width, size * 0.5, latin(value), new_x="LEFT", new_y="NEXT")
        pdf.set_x(x)


def table(
    pdf: FPDF,
    title: str,
    header: list[str],
    body: list[list[str]],
    *,
    widths: tuple[int, ...] | None = None,
    numbers_from: int | None = None,
) -> None:
    """A titled table with its header row repeated on each page; `body` is text already formatted.
    Columns from `numbers_from` on are right-aligned (figures line up). A title never ends a page."""
    if pdf.get_y() + 25 > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, latin(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    align = None
    if numbers_from is not None:
        align = tuple("LEFT" if i < numbers_from else "RIGHT" for i in range(len(header)))
    with pdf.table(
        text_align=align or "LEFT", line_height=5, first_row_as_headings=True, col_widths=widths
    ) as drawn:
        drawn.row([latin(h) for h in header])
        for row in body or [["-"] * len(header)]:
            drawn.row([latin(cell) for cell in row])
    pdf.ln(3)


def qr(pdf: FPDF, url: str, *, x: float, y: float, size: float) -> None:
    """The QR code of `url`, `size` mm wide including its quiet zone (four modules, as scanners
    need), drawn from a PNG made in memory with one pixel per module scaled up sharp."""
    code = segno.make(url, error="m")
    png = io.BytesIO()
    code.save(png, kind="png", scale=8, border=4)
    png.seek(0)
    pdf.image(png, x=x, y=y, w=size, h=size)


def letterhead(pdf: FPDF, head: Head) -> None:
    """The office's letterhead (kop surat): its agency, name, address and contact, centred over a
    double rule."""
    if head.agency:
        text(pdf, 13, head.agency, style="B", align="C", height=6)
    text(pdf, 15, head.office, style="B", align="C", height=7)
    for line in (head.address, head.contact):
        if line:
            text(pdf, 9, line, align="C", height=4.5)
    y = pdf.get_y() + 2
    pdf.set_line_width(0.8)
    pdf.line(MARGIN, y, MARGIN + TEXT_WIDTH, y)
    pdf.set_line_width(0.2)
    pdf.line(MARGIN, y + 1.2, MARGIN + TEXT_WIDTH, y + 1.2)
    pdf.set_y(y + 5)


def signature(pdf: FPDF, head: Head, *, size: float, above: str = "") -> None:
    """The head of office's signature block on the right half: `above` (a place and date), the
    title, room to sign, the name and the NIP (dotted lines where the admin left them empty)."""
    x, width = MARGIN + TEXT_WIDTH / 2 + 10, TEXT_WIDTH / 2 - 10
    pdf.ln(6)
    if above:
        pdf.set_x(x)
        text(pdf, size, above, height=5.5, width=width)
    pdf.set_x(x)
    text(pdf, size, _("KEPALA %(office)s,") % {"office": head.office.upper()}, height=5.5, width=width)
    pdf.ln(18)
    pdf.set_x(x)
    name = head.head_name or "...................................."
    text(pdf, size, name, style="BU", height=5.5, width=width)
    pdf.set_x(x)
    nip = head.head_nip or "...................."
    text(pdf, size, _("NIP. %(nip)s") % {"nip": nip}, height=5.5, width=width)
