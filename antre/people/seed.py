"""The demo office's staff: one of each role, with random passwords written for the admin to read."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from antre.offices.models import Office
from antre.people.models import Role, User

DEMO_USERS = [
    ("admin", Role.ADMIN, "Administrator", True),
    ("petugas", Role.PETUGAS_LOKET, "Petugas Loket", False),
    ("satpam", Role.PETUGAS_PINTU, "Petugas Pintu", False),
    ("verifikator", Role.VERIFIKATOR, "Verifikator", False),
    ("kepala", Role.KEPALA, "Kepala Dinas", False),
]


def random_password(user: User) -> str:
    """16 random characters that keep the password policy (a draw that happens to spell the user's
    name or a breached word is drawn again)."""
    while True:
        password = secrets.token_urlsafe(12)
        try:
            validate_password(password, user)
        except ValidationError:
            continue
        return password


def create_demo_users(office: Office, credentials_file: Path) -> list[tuple[str, str, str]]:
    """Demo staff with random passwords, written (owner-readable only) to the data dir."""
    created = []
    for username, role, full_name, superuser in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            continue
        first, _, last = full_name.partition(" ")
        user = User(
            username=username, role=role, office=office, first_name=first, last_name=last,
            is_staff=True, is_superuser=superuser,
        )  # fmt: skip
        password = random_password(user)
        user.set_password(password)
        user.save()
        created.append((username, str(role.label), password))
    if created:
        lines = [f"{u}\t{p}\t({r})" for u, r, p in created]
        credentials_file.touch(mode=0o600, exist_ok=True)
        with credentials_file.open("a") as fh:
            fh.write("\n".join(lines) + "\n")
    return created


# Counter officers of the demo office's past days (antre.queueing.seed), beside the demo's own
# `petugas`: accounts with no password, so nobody signs in as them until the admin sets one.
PAST_OFFICERS = [
    ("wayan", "I Wayan", "Sudarsana"),
    ("luhputu", "Ni Luh Putu", "Ariani"),
    ("komang", "Komang Ayu", "Widiastuti"),
]


def past_officers(office: Office) -> list[User]:
    """The office's counter officers for the demo's past days: the demo's `petugas` (if there is
    one) and PAST_OFFICERS, made where missing."""
    officers = list(User.objects.filter(office=office, username="petugas"))
    for username, first, last in PAST_OFFICERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username, role=Role.PETUGAS_LOKET, office=office, first_name=first, last_name=last,
                is_staff=True,
            )  # fmt: skip
            user.set_unusable_password()
            user.save()
        officers.append(user)
    return officers
