"""The password policy: long, not about its owner, not breached; wherever a person sets a password."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command

from antre.people.models import Role, User
from antre.people.seed import random_password
from antre.people.tests.factories import PASSWORD, officer

pytestmark = pytest.mark.django_db


def refusals(password: str, user: User | None = None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return [str(m) for m in exc.messages]
    return []


@pytest.fixture
def wayan(office):
    return officer(Role.PETUGAS_LOKET, office, username="wayan", first_name="I Wayan", last_name="Sudarsana")


def test_a_long_unusual_password_is_accepted(wayan):
    assert refusals("kopi-susu-di-ubud-jam-tujuh", wayan) == []


@pytest.mark.parametrize("password", ["petugas1", "Rahasia-123", "kopi-susu-7"])
def test_fewer_than_twelve_characters_are_refused(wayan, password):
    assert any("12" in m for m in refusals(password, wayan))


@pytest.mark.parametrize(
    "password",
    [
        "wayan-menjaga-antrean",  # the username
        "Sudarsana!2026-rahasia",  # the family name
        "PetugasKita-2026!",  # the role's name
        "saya-di-loket-tiga-9",  # a word of the role
        "tabanan-kota-yang-indah",  # the office's slug
        "Disdukcapil#rahasiaku",  # a word of the office's name
    ],
)
def test_the_owners_name_role_or_office_is_refused(wayan, password):
    assert "Kata sandi tidak boleh memuat nama pengguna, nama, peran, atau kantor Anda." in refusals(
        password, wayan
    )


@pytest.mark.parametrize(
    "password", ["qwertyuiop123", "1234567890ab", "!!!superman2024", "Password12345", "iloveyou1234"]
)
def test_breached_passwords_are_refused_also_with_digits_around_them(wayan, password):
    messages = refusals(password, wayan)
    assert any("daftar kata sandi yang bocor" in m or "terlalu umum" in m.lower() for m in messages), messages


def test_the_demo_seeds_passwords_keep_the_policy(office):
    for username, role in [("admin", Role.ADMIN), ("kepala", Role.KEPALA), ("petugas", Role.PETUGAS_LOKET)]:
        user = User(username=username, role=role, office=office)
        assert refusals(random_password(user), user) == []


def test_the_change_password_page_refuses_a_weak_password_in_indonesian(client, wayan):
    client.force_login(wayan)
    response = client.post(
        "/staf/sandi/",
        {"old_password": PASSWORD, "new_password1": "wayan12345678", "new_password2": "wayan12345678"},
    )
    assert response.status_code == 200
    assert "tidak boleh memuat nama pengguna" in response.content.decode()
    wayan.refresh_from_db()
    assert wayan.check_password(PASSWORD)


def test_the_change_password_page_sets_a_good_password(client, wayan):
    client.force_login(wayan)
    response = client.post(
        "/staf/sandi/",
        {
            "old_password": PASSWORD,
            "new_password1": "kopi-susu-di-ubud-7",
            "new_password2": "kopi-susu-di-ubud-7",
        },
        follow=True,
    )
    assert "Kata sandi baru Anda sudah berlaku" in response.content.decode()
    wayan.refresh_from_db()
    assert wayan.check_password("kopi-susu-di-ubud-7")


def test_the_admins_user_form_refuses_a_weak_password(client, staff, office):
    admin = staff["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    response = client.post(
        "/admin/people/user/add/",
        {
            "username": "ketut",
            "password1": "ketut-loket-1",
            "password2": "ketut-loket-1",
            "usable_password": "true",
            "role": Role.PETUGAS_LOKET,
            "office": office.pk,
        },
    )
    assert response.status_code == 200
    assert "tidak boleh memuat nama pengguna" in response.content.decode()
    assert not User.objects.filter(username="ketut").exists()


def test_the_password_command_refuses_a_weak_password(wayan, monkeypatch):
    answers = iter(["wayan-2026-12", "wayan-2026-12"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(StopIteration):  # refused, so it asks again: no third answer
        call_command("changepassword", "wayan")
    wayan.refresh_from_db()
    assert wayan.check_password(PASSWORD)
