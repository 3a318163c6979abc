"""A refused application form keeps the documents that passed, for that form and that browser only."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from antre import worker
from antre.applications import holding, services
from antre.applications.holding import Holding
from antre.applications.models import Application
from antre.applications.tests.factories import URL, form, jpeg, pdf, submit
from antre.conftest import MONDAY_MORNING
from antre.errors import Refusal

EXE = ("akta.pdf", b"MZ\x90\x00\x03" + b"\x00" * 2000)  # a program renamed .pdf


def browser_of_made() -> Holding:
    return Holding(
        form_id=holding.new_form_id(), owner="session-secret-of-made-" + "x" * 16, kind="KK-TAMBAH"
    )


def stored_bytes(application, code) -> bytes:
    document = application.documents.get(requirement__code=code)
    with services.open_document(document) as handle:
        return handle.read()


def test_a_document_that_passed_is_used_when_the_form_is_sent_again(office, clock):
    made = browser_of_made()
    kk = pdf()
    with pytest.raises(Refusal) as refused:
        submit(office, {"kk": ("kk.pdf", kk), "bukti": EXE}, form=made)
    assert set(refused.value.fields) == {"bukti"}
    assert holding.received(made) == {"kk": "kk.pdf"}
    assert Application.objects.count() == 0

    application = submit(office, {"bukti": ("akta.jpg", jpeg(800, 600))}, form=made)  # only the fixed one
    assert stored_bytes(application, "kk") == kk
    assert set(application.documents.values_list("requirement__code", flat=True)) == {"kk", "bukti"}
    assert made.form_id not in holding.forms()  # released once stored with the application


def test_the_form_sent_again_through_another_machine_finds_what_was_held(office, clock, settings, tmp_path):
    # PostgreSQL, several machines: the refused send reached A, the next one reaches B, which never
    # sees A's disk; what passed is held in the database.
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("one machine on SQLite: its folder")
    made = browser_of_made()
    kk = pdf()
    settings.DATA_DIR = tmp_path / "machine-a"
    with pytest.raises(Refusal):
        submit(office, {"kk": ("kk.pdf", kk), "bukti": EXE}, form=made)
    assert not any(p.is_file() for p in tmp_path.rglob("*"))  # nothing on A's disk
    settings.DATA_DIR = tmp_path / "machine-b"
    assert holding.received(made) == {"kk": "kk.pdf"}
    application = submit(office, {"bukti": ("akta.jpg", jpeg(800, 600))}, form=made)
    assert stored_bytes(application, "kk") == kk
    assert holding.forms() == []


def test_a_document_held_under_another_refusal_is_kept_until_the_form_is_right(office, clock):
    made = browser_of_made()
    with pytest.raises(Refusal) as refused:
        submit(
            office, {"kk": ("kk.pdf", pdf()), "bukti": ("akta.jpg", jpeg(800, 600))}, form=made, consent=False
        )
    assert set(refused.value.fields) == {"consent"}
    with pytest.raises(Refusal) as refused:
        submit(office, {}, form=made, nik="5102000000000000")  # now a wrong NIK; no file chosen again
    assert set(refused.value.fields) == {"nik"}
    application = submit(office, {}, form=made)
    assert application.documents.count() == 2


def test_documents_held_for_another_browser_are_never_used(office, clock):
    made = browser_of_made()
    with pytest.raises(Refusal):
        submit(office, {"kk": ("kk.pdf", pdf()), "bukti": EXE}, form=made)
    stranger = Holding(form_id=made.form_id, owner="another-browser-" + "y" * 20, kind="KK-TAMBAH")
    assert holding.received(stranger) == {}
    with pytest.raises(Refusal) as refused:
        submit(office, {"bukti": ("akta.jpg", jpeg(800, 600))}, form=stranger)
    assert refused.value.fields == {"kk": "Wajib diunggah."}
    assert holding.received(made) == {"kk": "kk.pdf"}  # the stranger's send replaced nothing
    assert Application.objects.count() == 0


def test_held_documents_expire(office, clock):
    made = browser_of_made()
    with pytest.raises(Refusal):
        submit(office, {"kk": ("kk.pdf", pdf()), "bukti": EXE}, form=made)
    clock.move_to(MONDAY_MORNING + holding.HOLD_FOR + dt.timedelta(minutes=1))
    assert holding.received(made) == {}  # past its time, even before the worker has run
    with pytest.raises(Refusal) as refused:
        submit(office, {"bukti": ("akta.jpg", jpeg(800, 600))}, form=made)
    assert refused.value.fields == {"kk": "Wajib diunggah."}


def test_the_worker_removes_expired_documents(office, clock):
    made = browser_of_made()
    with pytest.raises(Refusal):
        submit(office, {"kk": ("kk.pdf", pdf()), "bukti": EXE}, form=made)
    assert len(holding.forms()) == 1
    clock.move_to(MONDAY_MORNING + holding.HOLD_FOR + dt.timedelta(minutes=1))
    assert worker.remove_held_documents() == 1
    assert holding.forms() == []


def test_the_worker_leaves_forms_still_being_filled_in(office, clock):
    made = browser_of_made()
    with pytest.raises(Refusal):
        submit(office, {"kk": ("kk.pdf", pdf()), "bukti": EXE}, form=made)
    clock.move_to(MONDAY_MORNING + holding.HOLD_FOR - dt.timedelta(minutes=5))
    assert worker.remove_held_documents() == 0
    assert holding.received(made) == {"kk": "kk.pdf"}


def form_id_of(page: str) -> str:
    return re.search(r'name="form_id" value="([^"]+)"', page).group(1)


def test_the_page_says_what_was_received_and_what_to_choose_again(client, office, clock):
    form_id = form_id_of(client.get(URL).content.decode())
    first = client.post(URL, form(bukti=EXE) | {"form_id": form_id})
    page = first.content.decode()
    assert first.status_code == 422
    assert "Sudah diterima: kk.pdf" in page  # by the requirement, with a way to replace it
    assert (
        "Jenis berkas tidak didukung" in page
        and "Berkas ini tidak diterima; pilih berkas yang benar." in page
    )
    assert form_id_of(page) == form_id
    assert (
        'id="file-kk" name="kk" accept="application/pdf,image/jpeg,image/png">' in page
    )  # no longer required

    data = form() | {"form_id": form_id}
    data.pop("kk")  # the browser sends the held one no more
    data["bukti"] = SimpleUploadedFile("akta.jpg", jpeg(800, 600))
    second = client.post(URL, data)
    assert second.status_code == 302, second.content.decode()[:3000]
    application = Application.objects.get()
    kk = application.documents.get(requirement__code="kk")
    assert kk.original_name == "kk.pdf" and kk.sha256 == hashlib.sha256(pdf()).hexdigest()
    assert application.documents.count() == 2


def test_another_browser_sending_the_same_form_id_gets_nothing_held(client, office, clock):
    form_id = form_id_of(client.get(URL).content.decode())
    client.post(URL, form(bukti=EXE) | {"form_id": form_id})
    data = form() | {"form_id": form_id}
    data.pop("kk")
    stranger = client.__class__()
    refused = stranger.post(URL, data)
    assert refused.status_code == 422
    page = refused.content.decode()
    assert "Wajib diunggah." in page and "Sudah diterima" not in page
    assert Application.objects.count() == 0


def test_a_replacement_that_fails_keeps_the_document_received_before(client, office, clock):
    form_id = form_id_of(client.get(URL).content.decode())
    client.post(URL, form(bukti=EXE) | {"form_id": form_id})
    again = client.post(URL, form(kk=EXE, bukti=("akta.jpg", jpeg(800, 600))) | {"form_id": form_id})
    page = again.content.decode()
    assert again.status_code == 422
    assert "Sudah diterima: kk.pdf" in page
    assert "Berkas pengganti ini tidak diterima; berkas sebelumnya tetap dipakai." in page
    assert "Sudah diterima: akta.jpg" in page


@pytest.mark.django_db(transaction=True)  # PostgreSQL: held in the database, each thread its connection
def test_a_form_sent_twice_at_once_keeps_every_document_it_received(clock):
    """A double tap sends the refused form twice at the same moment (to two machines, on
    PostgreSQL): nothing is lost or half-kept."""
    import threading

    from django.db import connections

    from antre.applications.uploads import check_upload

    errors = []
    for _round in range(15):
        made = browser_of_made()
        kk, akta = check_upload("kk.pdf", pdf()), check_upload("akta.jpg", jpeg())
        start = threading.Barrier(2)

        def send_twice(uploads, made=made, start=start):
            try:
                start.wait()
                holding.keep(made, uploads)
            except Exception as exc:  # noqa: BLE001 (collected, the test fails on it)
                errors.append(repr(exc))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=send_twice, args=(u,)) for u in ({"kk": kk}, {"akta": akta})]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert set(holding.held(made)) == {"kk", "akta"}
    assert errors == []
