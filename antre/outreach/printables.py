"""The poster and the circular letter (surat edaran) for a kecamatan or a desa, as A4 PDFs, always
in Indonesian: they are printed for village offices. Each carries the region's own link and QR."""

from __future__ import annotations

import datetime as dt

from django.utils import formats, translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from antre import paper
from antre.offices.models import RegionLevel
from antre.outreach.content import Printable
from antre.paper import MARGIN, TEXT_WIDTH, bullets, latin, rows, text

POSTER_QR_MM = 100  # a code this size scans from a metre away on a notice board
LETTER_QR_MM = 45
COLUMN = TEXT_WIDTH / 2 - 4


def region_line(item: Printable) -> str:
    if item.is_village:
        assert item.district is not None  # a desa always sits in its kecamatan
        return _("Desa/Kelurahan %(desa)s, Kecamatan %(kec)s") % {
            "desa": item.region.name,
            "kec": item.district.name,
        }
    return _("Kecamatan %(kec)s") % {"kec": item.region.name}


def posters(items: list[Printable]) -> bytes:
    """One poster per page."""
    pdf = None
    with translation.override("id"):
        for item in items:
            pdf = paper.new_page(pdf)
            _poster(pdf, item)
    assert pdf is not None, "at least one region"
    return bytes(pdf.output())


def _poster(pdf: FPDF, item: Printable) -> None:
    if item.letterhead.agency:
        text(pdf, 10, item.letterhead.agency, align="C")
    text(pdf, 11, item.letterhead.office, style="B", align="C")
    pdf.ln(3)
    text(pdf, 30, _("Ambil nomor antrean dari rumah"), style="B", align="C", height=13)
    pdf.ln(1)
    text(pdf, 15, _("Untuk warga %(region)s") % {"region": region_line(item)}, align="C", height=7)
    pdf.ln(3)
    top = pdf.get_y()
    paper.qr(pdf, item.url, x=(paper.A4_WIDTH - POSTER_QR_MM) / 2, y=top, size=POSTER_QR_MM)
    pdf.set_y(top + POSTER_QR_MM + 1)
    text(pdf, 12, _("Pindai dengan kamera HP, atau buka:"), align="C", height=6)
    text(pdf, 13, item.url, style="B", align="C", height=6)
    pdf.ln(4)
    _columns(pdf, item, size=11)
    _whatsapp(pdf, item, size=11)
    pdf.ln(2)
    text(pdf, 10, _("Alamat kantor: %(address)s") % {"address": item.letterhead.address}, align="C")
    text(pdf, 10, _("Semua layanan administrasi kependudukan gratis."), style="B", align="C")


def _columns(pdf: FPDF, item: Printable, *, size: float) -> None:
    """Left: what is done fully online; right: the opening hours. Below the longer of the two."""
    top = pdf.get_y()
    pdf.set_font("Helvetica", "B", size + 1)
    pdf.cell(COLUMN, 7, latin(_("Bisa diurus daring, tanpa datang:")))
    pdf.set_xy(MARGIN, top + 7)
    bullets(pdf, item.online or [_("(belum ada)")], x=MARGIN, width=COLUMN, size=size)
    left_end = pdf.get_y()
    right = MARGIN + COLUMN + 8
    pdf.set_xy(right, top)
    pdf.set_font("Helvetica", "B", size + 1)
    pdf.cell(COLUMN, 7, latin(_("Jam buka kantor:")))
    pdf.set_xy(right, top + 7)
    rows(pdf, item.hours, x=right, label_width=22, width=COLUMN, size=size)
    pdf.set_xy(MARGIN, max(left_end, pdf.get_y()) + 3)


def _whatsapp(pdf: FPDF, item: Printable, *, size: float) -> None:
    if not item.numbers:
        return
    text(pdf, size + 1, _("WhatsApp kantor (kirim pesan yang sudah terisi):"), style="B", height=7)
    for number in item.numbers:
        text(pdf, size, f"{number.number} ({number.desk}) - {number.link}", height=size * 0.5)


def letters(items: list[Printable], *, today: dt.date) -> bytes:
    """One circular letter per page, dated `today` (the office's day)."""
    pdf = None
    with translation.override("id"):
        for item in items:
            pdf = paper.new_page(pdf)
            _letter(pdf, item, today)
    assert pdf is not None, "at least one region"
    return bytes(pdf.output())


def addressee(item: Printable) -> str:
    if item.region.level == RegionLevel.VILLAGE:
        return _("Perbekel/Lurah %(name)s") % {"name": item.region.name}
    return _("Camat %(name)s") % {"name": item.region.name}


def _heading(pdf: FPDF, item: Printable, today: dt.date) -> None:
    place = item.letterhead.city
    dated = formats.date_format(today, "j F Y")
    text(pdf, 11, f"{place}, {dated}" if place else dated, align="R", height=5.5)
    rows(
        pdf,
        [
            (_("Nomor"), ": ......../......../" + str(today.year)),
            (_("Sifat"), ": " + _("Penting")),
            (_("Perihal"), ": " + _("Pendaftaran antrean dan layanan daring")),
        ],
        x=MARGIN,
        label_width=22,
        width=TEXT_WIDTH,
    )
    pdf.ln(4)
    text(pdf, 11, _("Kepada Yth."), height=5.5)
    text(pdf, 11, addressee(item), style="B", height=5.5)
    text(pdf, 11, _("di tempat"), height=5.5)
    pdf.ln(4)
    text(pdf, 11, _("SURAT EDARAN"), style="BU", align="C", height=6)
    pdf.ln(2)


def _letter(pdf: FPDF, item: Printable, today: dt.date) -> None:
    paper.letterhead(pdf, item.letterhead)
    _heading(pdf, item, today)
    size = 10.5
    text(pdf, size, _("Dengan hormat,"), height=5.5)
    text(
        pdf,
        size,
        _(
            "Untuk mengurangi antrean dan kerumunan di kantor, warga %(region)s kini dapat mengambil "
            "nomor antrean dari rumah dan mengurus sebagian layanan sepenuhnya secara daring. Warga "
            "cukup datang pada hari dan jam yang tertera di nomor antreannya."
        )
        % {"region": region_line(item)},
        height=5.5,
    )
    pdf.ln(2)
    top = pdf.get_y()
    paper.qr(pdf, item.url, x=MARGIN + TEXT_WIDTH - LETTER_QR_MM, y=top, size=LETTER_QR_MM)
    wide = TEXT_WIDTH - LETTER_QR_MM - 5
    text(pdf, size, _("Tautan pendaftaran (atau pindai kode QR):"), style="B", height=5.5, width=wide)
    text(pdf, size, item.url, height=5.5, width=wide)
    pdf.ln(1)
    text(pdf, size, _("Layanan yang dapat diurus daring tanpa datang:"), style="B", height=5.5, width=wide)
    bullets(pdf, item.online, x=MARGIN, width=wide, size=size)
    pdf.set_y(max(pdf.get_y(), top + LETTER_QR_MM) + 2)
    text(pdf, size, _("Jam buka kantor:"), style="B", height=5.5)
    hours = "; ".join(f"{day} {span}" for day, span in item.hours)
    text(pdf, size, hours, height=5.5)
    if item.numbers:
        text(pdf, size, _("WhatsApp kantor:"), style="B", height=5.5)
        text(pdf, size, "; ".join(f"{n.number} ({n.desk})" for n in item.numbers), height=5.5)
    pdf.ln(2)
    text(
        pdf,
        size,
        _(
            "Kami mohon bantuan Bapak/Ibu untuk menyebarluaskan informasi ini kepada warga, antara lain "
            "dengan menempelkan poster terlampir di papan pengumuman. Semua layanan administrasi "
            "kependudukan tidak dipungut biaya. Atas perhatian dan kerja samanya, kami ucapkan terima kasih."
        ),
        height=5.5,
    )
    paper.signature(pdf, item.letterhead, size=size)
