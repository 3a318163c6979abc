"""ANTRE_PUBLIC_URL: the address citizens reach, in every link sent by WhatsApp and on paper."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from django.urls import set_script_prefix

from antre import config
from antre.links import public_url
from antre.queueing.tests.factories import book
from antre.testing import free_port

PUBLIC = "https://antrean.tabanankab.go.id"


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("https://antrean.tabanankab.go.id/", PUBLIC),
        ("  http://192.168.1.10:8000 ", "http://192.168.1.10:8000"),
        ("https://tabanankab.go.id/antre/", "https://tabanankab.go.id/antre"),
        ("", ""),
    ],
)
def test_a_sound_public_url_is_kept_without_its_trailing_slash(monkeypatch, value, kept):
    monkeypatch.setenv("ANTRE_PUBLIC_URL", value)
    assert config.public_url() == kept


@pytest.mark.parametrize(
    "value",
    [
        "antrean.tabanankab.go.id",
        "ftp://antrean.tabanankab.go.id",
        "https://",
        "https://antrean.tabanankab.go.id/?kantor=1",
        "https://antrean.tabanankab.go.id:delapan",
        "https://petugas:rahasia@antrean.tabanankab.go.id",
        "https://antrean tabanan.go.id",
    ],
)
def test_a_malformed_public_url_stops_with_an_indonesian_message(monkeypatch, value):
    monkeypatch.setenv("ANTRE_PUBLIC_URL", value)
    with pytest.raises(SystemExit) as stopped:
        config.public_url()
    assert "ANTRE_PUBLIC_URL harus alamat lengkap yang dibuka warga" in str(stopped.value)


@pytest.mark.parametrize("command", [["serve", "--port", "0"], ["worker"]])
def test_antre_does_not_start_with_a_malformed_public_url(command, tmp_path):
    env = dict(os.environ, ANTRE_PUBLIC_URL="antrean.tabanankab.go.id", ANTRE_DATA_DIR=str(tmp_path))
    env["ANTRE_DATABASE_URL"] = f"sqlite:///{tmp_path / 'never-created.sqlite3'}"
    if command[0] == "serve":
        command = ["serve", "--port", str(free_port())]
    done = subprocess.run(
        [sys.executable, "-m", "antre.cli", *command], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0
    assert "ANTRE_PUBLIC_URL harus alamat lengkap yang dibuka warga" in done.stderr
    assert not (tmp_path / "never-created.sqlite3").exists()  # stopped before touching anything


def test_one_helper_builds_public_addresses(rf, settings):
    settings.PUBLIC_URL = ""
    settings.ALLOWED_HOSTS = ["10.0.0.5"]
    request = rf.get("/", HTTP_HOST="10.0.0.5:8000")
    assert public_url("/tiket/abc/", request) == "http://10.0.0.5:8000/tiket/abc/"  # pages: their address
    assert public_url("/tiket/abc/") == "http://localhost:8000/tiket/abc/"  # a message without a request
    settings.PUBLIC_URL = PUBLIC
    assert public_url("/tiket/abc/", request) == f"{PUBLIC}/tiket/abc/"
    settings.PUBLIC_URL = "https://tabanankab.go.id/antre"  # served under a sub-path
    set_script_prefix("/antre/")
    try:
        assert public_url("/antre/tiket/abc/", request) == "https://tabanankab.go.id/antre/tiket/abc/"
    finally:
        set_script_prefix("/")
    assert public_url("/tiket/abc/") == "https://tabanankab.go.id/antre/tiket/abc/"  # the worker's view


def test_the_ticket_page_and_the_api_give_the_public_link(client, open_all_day, settings):
    ticket = book(open_all_day)
    page = client.get(f"/tiket/{ticket.token}/").content.decode()
    assert f'href="http://testserver/tiket/{ticket.token}/"' in page  # not set: the request's address
    settings.PUBLIC_URL = PUBLIC
    page = client.get(f"/tiket/{ticket.token}/").content.decode()
    assert f'href="{PUBLIC}/tiket/{ticket.token}/"' in page  # also the QR code's content
    assert client.get(f"/api/v1/tickets/{ticket.token}").json()["url"] == f"{PUBLIC}/tiket/{ticket.token}/"


def test_the_walk_in_ticket_printed_at_the_gate_carries_the_public_link(
    client, open_all_day, staff, settings
):
    from unittest import mock

    settings.PUBLIC_URL = PUBLIC
    open_all_day.printer_address = "192.168.1.50:9100"
    open_all_day.save()
    client.force_login(staff["satpam"])
    form = {"service": "LEGAL", "name": "Nenek Wayan", "nik": "", "priority": "", "form_id": "form-print"}
    with mock.patch("antre.gate.printing.print_ticket") as printed:
        client.post("/pintu/tabanan/tiket-baru/", form)
    ticket, url = printed.call_args.args
    assert url == f"{PUBLIC}/tiket/{ticket.token}/"


def test_the_application_receipt_prints_the_public_tracking_link(client, office, settings, tmp_path):
    from pypdf import PdfReader

    from antre.applications.models import Application
    from antre.applications.tests.factories import URL, form

    settings.DATA_DIR = tmp_path
    settings.PUBLIC_URL = PUBLIC
    assert client.post(URL, form()).status_code == 302
    code = Application.objects.get().code
    receipt = client.get(f"/permohonan/{code}/tanda-terima.pdf").content
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(receipt)).pages)
    assert f"{PUBLIC}/lacak/" in text.replace("\n", "")


def test_start_up_warns_when_whatsapp_has_a_token_but_no_public_url(settings, capsys):
    from antre.commands import warn_about_configuration

    settings.WHATSAPP = settings.WHATSAPP | {"token": "tok"}
    settings.PUBLIC_URL = ""
    warn_about_configuration()
    assert "ANTRE_PUBLIC_URL belum" in capsys.readouterr().err
    settings.PUBLIC_URL = PUBLIC
    warn_about_configuration()
    settings.WHATSAPP = settings.WHATSAPP | {"token": ""}
    settings.PUBLIC_URL = ""
    warn_about_configuration()  # no WhatsApp: no link is sent, nothing to warn about
    assert capsys.readouterr().err == ""


@pytest.mark.django_db(transaction=True)
def test_antre_worker_warns_at_start_up(office):
    from antre.testing import test_database_url

    env = dict(
        os.environ,
        ANTRE_DATABASE_URL=test_database_url(),
        ANTRE_WHATSAPP_TOKEN="tok",
        ANTRE_WHATSAPP_API_BASE="http://127.0.0.1:9/none",  # nothing leaves the machine
    )
    env.pop("ANTRE_PUBLIC_URL", None)
    worker = subprocess.Popen(
        [sys.executable, "-m", "antre.cli", "worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        seen = []
        for line in worker.stdout:
            seen.append(line)
            if "Antre worker berjalan" in line:
                break
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        worker.stdout.close()
    assert any("Peringatan: WhatsApp diatur" in line and "ANTRE_PUBLIC_URL" in line for line in seen), seen
