"""Staff for tests: a user with a role, at an office or at none."""

from __future__ import annotations

from antre.offices.models import Office
from antre.people.models import User

PASSWORD = "rahasia-123"  # every test persona's: the login form's tests type it


def officer(role: str, office: Office | None = None, *, username: str | None = None, **fields) -> User:
    """A member of staff with `role` at `office` (None: at no office yet), who can log in."""
    username = username or f"{role}_{office.slug if office else 'tanpa_kantor'}"
    return User.objects.create_user(username=username, password=PASSWORD, role=role, office=office, **fields)
