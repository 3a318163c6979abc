"""Where documents are kept: in the database on PostgreSQL (every machine reads them), in the data
dir's owner-only folder on SQLite; and an older machine's files carried into the database."""

from __future__ import annotations

import stat
from pathlib import Path
from unittest import mock

import pytest
from django.db import connection

from antre.applications.models import Document, StoredFile
from antre.applications.storage import move_files_in, stored_names
from antre.applications.tests.factories import apply, pdf, submit
from antre.errors import Refusal

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keeps the folder")
on_sqlite = pytest.mark.skipif(
    connection.vendor == "postgresql", reason="PostgreSQL keeps them in the database"
)


@on_postgres
def test_on_postgres_a_document_is_kept_in_the_database_and_served_from_it(
    client, office, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    application = apply(client)
    document = application.documents.get(requirement__code="kk")
    assert StoredFile.objects.get(name=f"documents/{document.path}").size == document.size
    assert not (tmp_path / "documents").exists() or not any((tmp_path / "documents").rglob("*.*"))
    served = client.get(f"/permohonan/{application.code}/berkas/{document.pk}/")
    assert served.status_code == 200 and served["Cache-Control"] == "private, no-store"
    assert b"".join(served.streaming_content).startswith(b"%PDF")


@on_postgres
def test_on_postgres_a_failed_application_leaves_no_bytes_behind(office):
    create = Document.objects.create
    calls = []

    def second_fails(**fields):
        calls.append(fields["path"])
        if len(calls) == 2:
            raise RuntimeError("the transaction fails after a file was written")
        return create(**fields)

    with mock.patch.object(Document.objects, "create", side_effect=second_fails), pytest.raises(RuntimeError):
        submit(office, {"kk": ("kk.pdf", pdf()), "polisi": ("p.pdf", pdf())}, kind="KTP-HILANG")
    assert len(calls) == 2
    assert StoredFile.objects.count() == 0 and Document.objects.count() == 0


@on_postgres
def test_a_missing_document_is_a_404_not_an_empty_file(client, office):
    application = apply(client)
    document = application.documents.get(requirement__code="kk")
    StoredFile.objects.filter(name=f"documents/{document.path}").delete()
    assert client.get(f"/permohonan/{application.code}/berkas/{document.pk}/").status_code == 404


@on_postgres
def test_an_older_machines_files_are_carried_into_the_database(client, office, tmp_path):
    application = apply(client)
    document = application.documents.get(requirement__code="kk")
    stored = StoredFile.objects.get(name=f"documents/{document.path}")
    content = bytes(stored.content)
    stored.delete()  # as before this change: the bytes in a folder of one machine
    old = tmp_path / "old-documents"
    (old / application.code).mkdir(parents=True)
    (old / document.path).write_bytes(content)
    (old / "ZZZZ" / "x.pdf").parent.mkdir()
    (old / "ZZZZ" / "x.pdf").write_bytes(b"%PDF- of a deleted application")
    assert move_files_in(old) == (2, 0)
    assert not any(p.is_file() for p in old.rglob("*"))  # moved, not copied
    assert bytes(StoredFile.objects.get(name=f"documents/{document.path}").content) == content
    served = client.get(f"/permohonan/{application.code}/berkas/{document.pk}/")
    assert b"".join(served.streaming_content) == content
    (old / document.path).write_bytes(content)  # run again on the same folder: nothing doubled
    assert move_files_in(old) == (0, 1)


@on_sqlite
def test_on_sqlite_documents_stay_in_the_owner_only_folder(client, office, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    application = apply(client)
    names = stored_names()
    assert len(names) == application.documents.count() == 2
    for name in names:
        path = tmp_path / "documents" / name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert move_files_in(Path(tmp_path / "documents")) == (0, 0)  # the storage is that folder: untouched
    assert len(stored_names()) == 2


@on_sqlite
def test_a_path_that_leaves_the_folder_is_not_served(client, office, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    (tmp_path / "secret.pdf").write_bytes(b"%PDF-not yours")
    application = apply(client)
    document = application.documents.get(requirement__code="kk")
    Document.objects.filter(pk=document.pk).update(path="../../secret.pdf")
    from antre.applications.services import open_document

    with pytest.raises(Refusal):
        open_document(Document.objects.get(pk=document.pk))
