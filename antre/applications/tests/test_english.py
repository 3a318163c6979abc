"""A citizen who chose English reads the system's history notes and the receipt in English."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from antre.applications import review
from antre.applications.models import PICKUP_AT, Application, StatusChange
from antre.applications.tests.factories import apply, pdf, step
from antre.conftest import TUESDAY, WEDNESDAY, tanggal


def in_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})


def english_day(day) -> str:
    return f"{day:%A}, {day.day} {day:%B} {day.year}"  # "Tuesday, 8 December 2026"


@pytest.fixture
def submitted(client, office, monday):
    return apply(client)


def test_the_history_follows_the_citizens_language(client, submitted, staff):
    step(submitted, staff["verifikator"], "claim")
    step(
        submitted,
        staff["verifikator"],
        "needs_fix",
        note="Foto akta buram, mohon foto ulang.",
        fix_codes=["bukti"],
    )
    client.post(f"/permohonan/{submitted.code}/", {"bukti": SimpleUploadedFile("baru.pdf", pdf())})
    step(submitted, staff["verifikator"], "approve")
    review.publish(code=submitted.code, officer=staff["verifikator"], result="pickup", pickup_day=TUESDAY)
    number = Application.objects.get().pickup_ticket.number

    in_english(client)
    page = client.get(f"/permohonan/{submitted.code}/").content.decode()
    assert "Fixed documents sent." in page and "Berkas perbaikan dikirim." not in page
    assert (
        f"Please collect the document at the office with queue number {number} on {english_day(TUESDAY)}."
        in page
    )
    assert "Foto akta buram, mohon foto ulang." in page  # an officer's note stays as written

    # A note written while the citizen reads English is stored in Indonesian all the same.
    client.post(f"/permohonan/{submitted.code}/hari-ambil/", {"pickup_day": WEDNESDAY.isoformat()})
    moved = Application.objects.get().pickup_ticket
    page = client.get(f"/permohonan/{submitted.code}/").content.decode()
    assert f"Pickup day changed: queue number {moved.number} on {english_day(WEDNESDAY)}." in page
    assert submitted.history.last().note == (
        f"Hari pengambilan diganti: nomor antrean {moved.number} pada {tanggal(WEDNESDAY)}."
    )

    api = client.get(f"/api/v1/applications/{submitted.code}", {"nik": submitted.nik}).json()
    assert "Fixed documents sent." in [h["note"] for h in api["history"]]

    # The back office reads Indonesian, and the stored copy stays Indonesian for older readers.
    verifier = client.__class__()
    verifier.force_login(staff["verifikator"])
    desk = verifier.get(f"/kantor/permohonan/{submitted.code}/").content.decode()
    assert f"nomor antrean {number} pada {tanggal(TUESDAY)}." in desk
    assert submitted.history.filter(note="Berkas perbaikan dikirim.").exists()


def test_delivery_and_download_notes_in_english(client, office, staff, monday):
    for result, extra, expected in [
        ("delivery", {"delivery_address": "Banjar Delod Peken, Tabanan"}, "The document will be delivered to: "
         "Banjar Delod Peken, Tabanan."),
        ("document", {"file": ("kk.pdf", pdf())}, "The result document can be downloaded on this page."),
    ]:  # fmt: skip
        Application.objects.all().delete()
        application = apply(client)
        step(application, staff["verifikator"], "claim", "approve")
        review.publish(code=application.code, officer=staff["verifikator"], result=result, **extra)
        in_english(client)
        assert expected in client.get(f"/permohonan/{application.code}/").content.decode()
        client.cookies.pop("django_language", None)


def test_the_receipt_is_written_in_the_language_of_who_downloads_it(client, submitted):
    def receipt_text() -> str:
        response = client.get(f"/permohonan/{submitted.code}/tanda-terima.pdf")
        assert response["Content-Type"] == "application/pdf"
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)

    indonesian = receipt_text()
    assert "Tanda terima permohonan daring" in indonesian and "Berkas yang diterima" in indonesian
    in_english(client)
    english = receipt_text()
    assert "Online application receipt" in english
    assert "Documents received" in english and "Berkas yang diterima" not in english
    assert "All civil registry services are free of charge." in english
    assert "Submitted" in english and submitted.code in english


def test_older_system_notes_get_their_key(submitted):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("antre.applications.migrations.0004_system_notes_get_their_key")
    old_pickup = StatusChange.objects.create(
        application=submitted,
        status="done",
        note=f"Silakan ambil dokumen di kantor dengan nomor antrean F-007 pada {TUESDAY:%d-%m-%Y}.",
    )
    message = StatusChange.objects.create(application=submitted, status="done", note="Terima kasih.")
    migration.give_keys(apps, None)
    old_pickup.refresh_from_db()
    assert old_pickup.note_key == PICKUP_AT
    assert old_pickup.note_params == {"number": "F-007", "day": TUESDAY.isoformat()}
    from django.utils import translation

    with translation.override("en"):
        assert old_pickup.text() == (
            f"Please collect the document at the office with queue number F-007 on {english_day(TUESDAY)}."
        )
    with translation.override("id"):
        assert old_pickup.text() == (
            f"Silakan ambil dokumen di kantor dengan nomor antrean F-007 pada {tanggal(TUESDAY)}."
        )
    message.refresh_from_db()
    assert message.note_key == "" and message.text() == "Terima kasih."
