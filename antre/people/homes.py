"""Which page each role starts from: where the login lands, and what a refused page points to."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from antre.people.models import Role

# URL names, not imports: the pages live in the apps above this one.
HOMES = {
    Role.PETUGAS_LOKET: ("queueing:console_home", _("Konsol loket")),
    Role.PETUGAS_PINTU: ("gate:home", _("Pintu masuk")),
    Role.VERIFIKATOR: ("backoffice:worklist", _("Permohonan daring")),
    Role.KEPALA: ("reports:today_home", _("Antrean hari ini")),
    Role.ADMIN: ("people:staff_home", _("Beranda petugas")),
}


@dataclass(frozen=True)
class Home:
    url: str
    label: str  # the page's name
    role: str  # the role's name, as the page says it


def home_for(user) -> Home | None:
    """The page this user works from, or None for an account without a role (nothing to open)."""
    if not (user.is_authenticated and user.is_active):
        return None
    role = user.role if user.role in HOMES else (Role.ADMIN if user.is_superuser else None)
    if role is None:
        return None
    name, label = HOMES[role]
    return Home(reverse(name), str(label), str(Role(role).label))
