"""The optional second step (TOTP) for the admin and the head of office: enrol with an app, then a
login asks for its code after the password; the admin's own login cannot skip it."""

import datetime as dt

import pytest
import time_machine
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from antre.people.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def code(device: TOTPDevice, later: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time += later
    return f"{totp.token():06d}"


@pytest.fixture
def kepala_with_an_app(client, staff):
    """The head of office scans the QR and confirms with the app's first code."""
    client.force_login(staff["kepala"])
    page = client.get("/staf/dua-langkah/").content.decode()
    assert 'id="two-step-qr"' in page and "<svg" in page
    device = TOTPDevice.objects.get(user=staff["kepala"])
    assert device.config_url.startswith("otpauth://totp/") and "Antre" in device.config_url
    response = client.post("/staf/dua-langkah/", {"code": code(device)}, follow=True)
    assert 'id="two-step-on"' in response.content.decode()
    client.logout()
    device.refresh_from_db()
    assert device.confirmed
    return device


def password_step(client, username="kepala", next_url=""):
    url = f"/masuk/?next={next_url}" if next_url else "/masuk/"
    return client.post(url, {"username": username, "password": PASSWORD})


def test_a_wrong_code_does_not_turn_it_on(client, staff):
    client.force_login(staff["admin"])
    client.get("/staf/dua-langkah/")
    response = client.post("/staf/dua-langkah/", {"code": "000000"})
    assert response.status_code == 422 and "Kode salah" in response.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


def test_without_an_app_the_password_alone_signs_in(client, staff):
    response = password_step(client)
    assert response.headers["Location"] == "/kepala/"
    assert "_auth_user_id" in client.session


def test_with_an_app_the_password_asks_for_the_code_and_the_code_signs_in(client, kepala_with_an_app):
    response = password_step(client)
    assert response.headers["Location"] == "/masuk/kode/"
    assert "_auth_user_id" not in client.session  # not signed in on the password alone
    assert client.get("/kepala/tabanan/").status_code == 302
    page = client.get("/masuk/kode/").content.decode()
    assert "aplikasi autentikator" in page
    response = client.post("/masuk/kode/", {"code": code(kepala_with_an_app, later=30)})
    assert response.status_code == 302 and response.headers["Location"] == "/kepala/"
    assert client.get("/kepala/tabanan/").status_code == 200


def test_a_wrong_code_is_refused_in_indonesian(client, kepala_with_an_app):
    password_step(client, next_url="/kepala/tabanan/audit/")
    response = client.post("/masuk/kode/", {"code": "123456"})
    assert response.status_code == 422
    assert "Kode salah" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_code_page_without_the_password_first_sends_to_the_login(client, kepala_with_an_app):
    response = client.post("/masuk/kode/", {"code": code(kepala_with_an_app)})
    assert response.headers["Location"] == "/masuk/"
    assert "_auth_user_id" not in client.session


def test_a_password_typed_long_ago_needs_typing_again(client, kepala_with_an_app):
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as traveller:
        password_step(client)
        traveller.shift(dt.timedelta(minutes=6))
        response = client.post("/masuk/kode/", {"code": code(kepala_with_an_app)})
    assert response.headers["Location"] == "/masuk/"


def test_the_admin_login_form_sends_such_an_account_to_masuk(client, staff, kepala_with_an_app):
    kepala = staff["kepala"]
    kepala.is_staff = True
    kepala.save()
    response = client.post("/admin/login/", {"username": "kepala", "password": PASSWORD})
    assert response.status_code == 200
    assert "/masuk/?next=/admin/" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_is_turned_off_with_a_code(client, staff, kepala_with_an_app):
    client.force_login(staff["kepala"])
    response = client.post("/staf/dua-langkah/", {"code": code(kepala_with_an_app, later=30)}, follow=True)
    assert 'id="two-step-off"' in response.content.decode()
    assert not TOTPDevice.objects.filter(user=staff["kepala"], confirmed=True).exists()


@pytest.mark.parametrize("username", ["petugas", "satpam", "verifikator"])
def test_other_roles_have_no_such_page(client, staff, username):
    client.force_login(staff[username])
    response = client.get("/staf/dua-langkah/")
    assert response.status_code == 403
    page = response.content.decode()
    # The head of office may use it too: the refusal names both roles, not the administrator only.
    assert "Kode dua langkah hanya untuk administrator dan kepala dinas." in page
    assert "hanya untuk administrator." not in page


def test_guessing_codes_is_slowed_down(client, kepala_with_an_app):
    password_step(client)
    client.post("/masuk/kode/", {"code": "123456"})
    response = client.post("/masuk/kode/", {"code": code(kepala_with_an_app, later=30)})
    assert "Terlalu sering salah" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_admin_lists_the_devices_in_indonesian_and_turns_one_off(client, staff, kepala_with_an_app):
    """A head of office lost their phone: another administrator turns the second step off in the admin."""
    staff["admin"].is_staff = staff["admin"].is_superuser = True
    staff["admin"].save()
    client.force_login(staff["admin"])
    index = client.get("/admin/").content.decode()
    assert "Kode dua langkah" in index and "Perangkat TOTP" in index
    assert "TOTP devices" not in index and "Otp_Totp" not in index
    listing = client.get("/admin/otp_totp/totpdevice/").content.decode()
    assert "kepala" in listing and "Terakhir dipakai" in listing and "Last used" not in listing
    page = client.get(f"/admin/otp_totp/totpdevice/{kepala_with_an_app.pk}/change/").content.decode()
    assert "Nama perangkat" in page and kepala_with_an_app.key not in page  # no secret shown
    client.post(f"/admin/otp_totp/totpdevice/{kepala_with_an_app.pk}/delete/", {"post": "yes"})
    assert not TOTPDevice.objects.filter(user=staff["kepala"]).exists()
    assert (
        client.get("/admin/otp_totp/totpdevice/add/").status_code == 403
    )  # enrolling is the user's own page
