"""What posters and letters share on an A4 page (fpdf2): Latin-1 text, headings, lists, the QR code."""

from __future__ import annotations

import io

import segno
from fpdf import FPDF

from antre.paper import latin

A4_WIDTH = 210
MARGIN = 15
TEXT_WIDTH = A4_WIDTH - 2 * MARGIN


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


def qr(pdf: FPDF, url: str, *, x: float, y: float, size: float) -> None:
    """The QR code of `url`, `size` mm wide including its quiet zone (four modules, as scanners
    need), drawn from a PNG made in memory with one pixel per module scaled up sharp."""
    code = segno.make(url, error="m")
    png = io.BytesIO()
    code.save(png, kind="png", scale=8, border=4)
    png.seek(0)
    pdf.image(png, x=x, y=y, w=size, h=size)
