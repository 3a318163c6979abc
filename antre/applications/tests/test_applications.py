"""Online applications: submitting with documents, bad uploads refused, and who may see what."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from antre.applications.models import Application, Document
from antre.applications.services import open_document
from antre.applications.storage import stored_names
from antre.applications.tests.factories import URL, apply, form, pdf
from antre.conftest import NIK_MADE


def test_a_name_that_climbs_out_of_the_folder_is_refused():
    from antre.applications.uploads import UploadRefused, check_upload

    for name in ("../../etc/kk.pdf", "..\\kk.pdf", "kk\x00.pdf"):
        with pytest.raises(UploadRefused) as refused:
            check_upload(name, pdf())
        assert refused.value.code == "bad_name"


def test_over_http_a_climbing_name_cannot_place_a_file_anywhere(client, office, tmp_path):
    # Django's upload parser keeps only the last part of a name; the file is stored under a random name.
    from pathlib import Path

    assert client.post(URL, form(kk=("../../../../tmp/evil-antre.pdf", pdf()))).status_code == 302
    assert not Path("/tmp/evil-antre.pdf").exists()
    names = stored_files()  # each `<code>/<random>.<ext>` in the documents' storage
    assert names and all(len(name.split("/")) == 2 for name in names)
    assert not any("evil" in name for name in names)  # stored under a random name


def stored_files() -> list[str]:
    return stored_names()


def test_a_citizen_applies_and_receives_a_tracking_code_and_receipt(client, office):
    response = client.post(URL, form())
    assert response.status_code == 302, response.content.decode()[:2000]
    application = Application.objects.get()
    assert response.headers["Location"] == f"/permohonan/{application.code}/"
    assert application.name == "Ni Made Sari Dewi" and application.phone == "+6281234567890"
    assert application.history.get().status == "submitted"
    page = client.get(response.headers["Location"]).content.decode()
    assert application.code in page and "Diterima" in page and "5102**********02" in page
    receipt = client.get(f"/permohonan/{application.code}/tanda-terima.pdf")
    assert receipt["Content-Type"] == "application/pdf" and receipt.content.startswith(b"%PDF")
    photo = Document.objects.get(requirement__code="bukti")
    with open_document(photo) as handle, Image.open(handle) as image:
        assert max(image.size) == 2000  # reduced from 4000 px
        assert not image.getexif()  # the phone's metadata is not kept


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            ("kk.pdf", b"MZ\x90\x00\x03" + b"\x00" * 2000),
            "Jenis berkas tidak didukung",
        ),  # an .exe renamed .pdf
        (("kk.pdf", b"%PDF-1.7\n" + b"A" * (5 * 1024 * 1024)), "terlalu besar"),
        (("kk.pdf", b""), "Berkas kosong"),
        (("kk.pdf", b"%PDF-1.4\nthis is not really a pdf"), "rusak"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(client, office, upload, message):
    name, content = upload
    response = client.post(URL, form(kk=(name, content if content is not None else pdf())))
    page = response.content.decode()
    assert response.status_code == 422
    assert message in page
    assert Application.objects.count() == 0 and Document.objects.count() == 0
    assert stored_files() == []


def test_a_decompression_bomb_is_refused(client, office):
    bomb = io.BytesIO()
    Image.new("1", (10_000, 5_000)).save(bomb, "PNG")  # 50 megapixels in a few kilobytes
    assert len(bomb.getvalue()) < 100_000
    response = client.post(URL, form(bukti=("foto.png", bomb.getvalue())))
    assert response.status_code == 422
    assert "Gambar terlalu besar" in response.content.decode()
    assert stored_files() == []


def test_missing_fields_are_named_in_indonesian(client, office):
    data = form()
    data.pop("consent")
    data.pop("kk")
    data["village"] = "31.71.01.1001"  # a kelurahan in Jakarta, not this office's regency
    page = client.post(URL, data).content.decode()
    assert "Wajib diunggah." in page
    assert "menyetujui pemberitahuan data pribadi" in page
    assert "Pilih desa/kelurahan dari daftar." in page
    assert Application.objects.count() == 0


def test_tracking_needs_the_code_and_the_nik(client, office):
    code = apply(client).code
    stranger = client.__class__()
    assert stranger.get(f"/permohonan/{code}/").status_code == 404  # the code alone is not enough
    wrong = stranger.post("/lacak/", {"code": code, "nik": "5102011203850001"})
    assert wrong.status_code == 404 and "Periksa kode lacak dan NIK" in wrong.content.decode()
    right = stranger.post("/lacak/", {"code": code.lower(), "nik": NIK_MADE})
    assert right.headers["Location"] == f"/permohonan/{code}/"
    assert code in stranger.get(right.headers["Location"]).content.decode()


def test_documents_are_served_only_to_the_applicant_and_the_verifier(client, office, staff):
    application = apply(client)
    document = application.documents.get(requirement__code="kk")
    url = f"/permohonan/{application.code}/berkas/{document.pk}/"
    assert b"".join(client.get(url).streaming_content).startswith(b"%PDF")
    outsider = client.__class__()
    assert outsider.get(url).status_code == 404
    outsider.force_login(staff["petugas"])
    assert outsider.get(url).status_code == 404
    verifier = client.__class__()
    verifier.force_login(staff["verifikator"])
    response = verifier.get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_api_lists_kinds_submits_and_reports_status(client, office):
    kinds = client.get("/api/v1/offices/tabanan/application-kinds").json()
    kk = next(k for k in kinds if k["code"] == "KK-TAMBAH")
    assert kk["service"] == "KK"
    assert {"code": "kk", "name": "Kartu Keluarga", "required": True} in kk["requirements"]
    assert {k["code"] for k in kinds} >= {
        "KTP-BARU",
        "KTP-HILANG",
        "KK-BARU",
        "PINDAH-KELUAR",
        "PINDAH-DATANG",
        "PRA-SANTUNAN",
    }
    data = form() | {"kind": "KK-TAMBAH", "consent": "true"}
    response = client.post("/api/v1/offices/tabanan/applications", data)
    assert response.status_code == 201, response.content
    code = response.json()["code"]
    assert response.json()["status"] == "submitted"
    status = client.get(f"/api/v1/applications/{code}", {"nik": NIK_MADE}).json()
    assert status["status"] == "submitted" and status["history"][0]["label"] == "Diterima"
    assert client.get(f"/api/v1/applications/{code}").status_code == 404
    refused = client.post(
        "/api/v1/offices/tabanan/applications", form(kk=("kk.pdf", b"MZ")) | {"kind": "KK-TAMBAH"}
    )
    assert refused.status_code == 422 and "kk" in refused.json()["error"]["fields"]


def test_the_tracking_api_is_rate_limited(client, office, rate_limited):
    codes = [client.get("/api/v1/applications/ABCDEFGH", {"nik": NIK_MADE}).status_code for _ in range(22)]
    assert codes[:20] == [404] * 20 and codes[20:] == [429, 429]


def test_access_from_a_browser_lapses_after_half_an_hour(client, office):
    from unittest import mock

    code = apply(client).code
    assert client.get(f"/permohonan/{code}/").status_code == 200
    import time as clock

    later = clock.time() + 31 * 60
    with mock.patch("antre.applications.views.time.time", return_value=later):
        assert client.get(f"/permohonan/{code}/").status_code == 404


def test_a_verifier_of_another_office_sees_nothing(client, office):
    from antre.offices.tests.factories import another_office
    from antre.people.models import Role
    from antre.people.tests.factories import officer

    application = apply(client)
    other = officer(Role.VERIFIKATOR, another_office())
    stranger = client.__class__()
    stranger.force_login(other)
    document = application.documents.first()
    assert stranger.get(f"/permohonan/{application.code}/berkas/{document.pk}/").status_code == 404
    assert stranger.get(f"/kantor/permohonan/{application.code}/").status_code == 403
