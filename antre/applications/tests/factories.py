"""Applications for tests: Ni Made applies to add a member to her family card (KK-TAMBAH) with a PDF
and a photo, through the citizen's form or the service behind it, and a verifier reviews it through
the real verbs."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from antre.applications import review, services
from antre.applications.models import Application
from antre.conftest import MADE, NIK_MADE
from antre.offices.models import Office

URL = "/k/tabanan/permohonan/KK-TAMBAH/"  # the citizen's form for that application
VILLAGE = "51.02.05.2001"  # a desa in Kecamatan Tabanan
ADDRESS = "Jl. Gunung Agung No. 5, Banjar Delod Peken"


def jpeg(width=4000, height=3000) -> bytes:
    """A phone's photo: large, with the camera's EXIF, which the upload must strip."""
    out = io.BytesIO()
    image = Image.new("RGB", (width, height), (200, 180, 160))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def pdf() -> bytes:
    from fpdf import FPDF

    doc = FPDF()
    # A fixed creation date: the same document made twice is the same bytes, however slow the test.
    doc.set_creation_date(dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    doc.add_page()
    doc.set_font("Helvetica", size=12)
    doc.cell(0, 10, "Kartu Keluarga")
    return bytes(doc.output())


def form(**files) -> dict:
    """The form as Made fills it in, with her family card (kk) and a birth certificate (bukti);
    `files` replace those or add others by requirement code (None leaves one out)."""
    data = {
        "nik": NIK_MADE,
        "kk_number": "5102050101900001",
        "name": "ni made sari dewi",
        "phone": "081234567890",
        "address": ADDRESS,
        "village": VILLAGE,
        "consent": "on",
    }
    uploads = {"kk": ("kk.pdf", pdf()), "bukti": ("akta.jpg", jpeg())} | files
    data.update(
        {
            code: SimpleUploadedFile(name, content)
            for code, (name, content) in uploads.items()
            if content is not None
        }
    )
    return data


def apply(client, **changes) -> Application:
    """Made sends the form from `client`'s browser (which may then follow the application);
    `changes` replace fields of `form()`."""
    response = client.post(URL, form() | changes)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Application.objects.get(code=response.headers["Location"].strip("/").split("/")[-1])


def submit(
    office: Office, files: dict[str, tuple[str, bytes]], *, kind: str = "KK-TAMBAH", **fields
) -> Application:
    """Made's application of `kind` with `files`, sent to the service directly (as the API and
    the bot do); `fields` are submit()'s others, or replace Made's."""
    data = {
        "nik": MADE.nik,
        "name": MADE.name,
        "address": ADDRESS,
        "village_code": VILLAGE,
        "consent": True,
    } | fields
    return services.submit(office=office, kind_code=kind, files=files, **data)


def step(application: Application, officer, *actions: str, note: str = "", fix_codes=None) -> Application:
    """`officer` takes each of `actions` in turn (claim, needs_fix, approve, reject, message) by
    the verb the back office's button of that name calls; the application after the last."""
    for action in actions:
        application = review.review_verb(action, fix_codes=fix_codes)(
            code=application.code, officer=officer, note=note
        )
    return application
