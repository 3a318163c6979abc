"""The application receipt as a PDF (fpdf2): what was received, and how to follow it.

Written in the active language: the language of the visitor who downloads it.
"""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from antre.applications.models import Application
from antre.paper import latin
from antre.people.rules import mask_nik


def receipt_pdf(application: Application, track_url: str) -> bytes:
    office = application.office
    submitted = timezone.localtime(application.submitted_at, office.tzinfo)
    pdf = FPDF(format=(148, 210))  # A5, in millimetres
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 12)
    pdf.multi_cell(0, 6, latin(office.name), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(0, 5, latin(_("Tanda terima permohonan daring")), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 24)
    pdf.cell(0, 12, application.code, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(
        0,
        5,
        latin(_("Kode lacak: simpan kode ini. Untuk melihat status, masukkan kode dan NIK Anda.")),
        align="C",
    )
    pdf.ln(4)
    rows = [
        (_("Jenis"), application.kind.name),
        (_("Nama"), application.name),
        (_("NIK"), mask_nik(application.nik)),
        (
            _("Diajukan"),
            f"{formats.date_format(submitted.date(), 'j F Y')} {submitted:%H.%M} {office.tz_label}",
        ),
    ]
    for label, value in rows:
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(28, 6, latin(label))
        pdf.set_font("Helvetica", "", 10)
        pdf.multi_cell(0, 6, latin(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 6, latin(_("Berkas yang diterima")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    for document in application.documents.filter(current=True, is_result=False).select_related("requirement"):
        assert document.requirement is not None  # only a result (is_result) answers no requirement
        pdf.multi_cell(0, 5, latin(f"- {document.requirement.name}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(
        0, 5, latin(_("Lacak permohonan: %(url)s") % {"url": track_url}), new_x="LMARGIN", new_y="NEXT"
    )
    pdf.multi_cell(
        0, 5, latin(_("Semua layanan administrasi kependudukan gratis.")), new_x="LMARGIN", new_y="NEXT"
    )
    return bytes(pdf.output())
