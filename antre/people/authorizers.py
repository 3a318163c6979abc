"""Who may do what: one predicate per object and action, and the refusal a "no" becomes.

Pages, the API, services and the WhatsApp inbox all ask here, so a role's reach is decided in one
place. Staff act for their own office only; a superuser has every role at every office. The office
comes in as an argument (an Office or an object's office id): `people` sits below the apps that own
counters, tickets and applications, and imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from antre.errors import Refusal
from antre.people.models import Role

COUNTER_ROLES = (Role.ADMIN, Role.PETUGAS_LOKET)
GATE_ROLES = (Role.ADMIN, Role.PETUGAS_PINTU)
FRONT_DESK_ROLES = (Role.ADMIN, Role.PETUGAS_LOKET, Role.PETUGAS_PINTU)  # help desk, walk-in tickets
BACK_OFFICE_ROLES = (Role.ADMIN, Role.VERIFIKATOR)  # online applications and the WhatsApp inbox
REPORT_ROLES = (Role.KEPALA, Role.ADMIN)
COUNTER_LIST_ROLES = (Role.ADMIN, Role.PETUGAS_LOKET, Role.PETUGAS_PINTU, Role.KEPALA)

Predicate = Callable[[Any, Any], bool]


def signed_in(user) -> bool:
    """A user behind the request (None or Django's anonymous user are nobody)."""
    return user is not None and user.is_authenticated


def _acts_as(user, roles: tuple[str, ...], office=None) -> bool:
    """Signed in with one of `roles` (active), and working at `office` unless it is None."""
    if not (signed_in(user) and user.has_role(*roles)):
        return False
    return office is None or user.works_at(office)


def _at_own_office(user, roles: tuple[str, ...], office_id: int | None) -> bool:
    """Pages that show only the user's own office: a superuser without one has nothing to see."""
    if not (_acts_as(user, roles) and user.office_id):
        return False
    return office_id is None or user.office_id == office_id


# --- the counter and the front desk -------------------------------------------------------------


def may_call(user, office) -> bool:
    """Call, recall, start, finish, mark no-show and transfer at `office`'s counters."""
    return _acts_as(user, COUNTER_ROLES, office)


def may_staff_counter(user, office) -> bool:
    """Open, pause and close `office`'s counters (the office's real staffing)."""
    return _acts_as(user, COUNTER_ROLES, office)


def may_open_console(user) -> bool:
    """The console's first page, which lists the counters of the user's own office."""
    return _acts_as(user, COUNTER_ROLES)


def may_screen(user, office) -> bool:
    """Screen, admit and count out citizens at `office`'s door; its gate pages and walk-in form."""
    return _acts_as(user, GATE_ROLES, office)


def may_use_helpdesk(user, office) -> bool:
    """Look a ticket up by number or NIK at `office`, and send its link again."""
    return _acts_as(user, FRONT_DESK_ROLES, office)


def may_issue_walk_in(user, office) -> bool:
    """Issue a walk-in ticket (no phone, no booking) at `office`."""
    return _acts_as(user, FRONT_DESK_ROLES, office)


def may_list_counters(user, office) -> bool:
    """Read `office`'s counters and the services each serves (the staff API)."""
    return _acts_as(user, COUNTER_LIST_ROLES, office)


# --- the back office ------------------------------------------------------------------------------


def may_review_applications(user, office) -> bool:
    """Claim, review, publish and read the documents of `office`'s online applications."""
    return _acts_as(user, BACK_OFFICE_ROLES, office)


def may_use_back_office(user, office_id: int | None = None) -> bool:
    """The verifier's work list, of the user's own office; with `office_id`, an application there."""
    return _at_own_office(user, BACK_OFFICE_ROLES, office_id)


def may_answer_whatsapp_inbox(user) -> bool:
    """The WhatsApp inbox of the user's own office."""
    return _at_own_office(user, BACK_OFFICE_ROLES, None)


# --- the head of office and the administrator ----------------------------------------------------


def may_see_reports(user, office) -> bool:
    """`office`'s queue in figures, read-only."""
    return _acts_as(user, REPORT_ROLES, office)


def may_see_audit(user, office) -> bool:
    """`office`'s log of staff actions (who called, admitted, approved, opened documents), read-only."""
    return _acts_as(user, REPORT_ROLES, office)


def may_open_reports(user) -> bool:
    """The head of office's first page, which goes on to the user's own office."""
    return _acts_as(user, REPORT_ROLES)


def may_manage_outreach(user, office) -> bool:
    """Create `office`'s short links for social media (the head of office only reads them)."""
    return _acts_as(user, (Role.ADMIN,), office)


def may_open_staff_home(user) -> bool:
    """The administrator's page that links every tool."""
    return _acts_as(user, (Role.ADMIN,))


def may_use_two_step(user) -> bool:
    """A second step at login (TOTP), for the accounts that see every office's figures and settings."""
    return _acts_as(user, (Role.ADMIN, Role.KEPALA))


# --- refusals -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Refused:
    message: Any  # lazy: said in the language of the request that is refused
    sign_in: bool = True  # whether an anonymous caller is asked to sign in (401) rather than refused


# The texts are part of the public contract (the API's `message`, the English catalogue).
_REFUSALS: dict[Predicate, _Refused] = {
    may_call: _Refused(gettext_lazy("Hanya petugas loket kantor ini yang dapat memanggil.")),
    may_staff_counter: _Refused(
        gettext_lazy(
            "Hanya petugas loket kantor ini yang dapat membuka, mengistirahatkan atau menutup loket."
        )
    ),
    may_screen: _Refused(gettext_lazy("Hanya petugas pintu kantor ini yang dapat melakukan ini.")),
    may_use_helpdesk: _Refused(
        gettext_lazy(
            "Hanya petugas loket, petugas pintu dan administrator kantor ini yang dapat mencari nomor antrean."
        )
    ),
    # Asked on the citizens' booking endpoint, where a sign-in prompt would mean nothing.
    may_issue_walk_in: _Refused(
        gettext_lazy("Tiket manual hanya dapat dibuat oleh petugas kantor ini."), sign_in=False
    ),
    may_list_counters: _Refused(gettext_lazy("Anda tidak berhak melihat data ini.")),
    may_review_applications: _Refused(gettext_lazy("Hanya verifikator kantor ini yang dapat melakukan ini.")),
    may_manage_outreach: _Refused(
        gettext_lazy("Hanya administrator kantor ini yang dapat membuat tautan pendek.")
    ),
    may_see_reports: _Refused(
        gettext_lazy("Angka kinerja kantor hanya untuk kepala dinas dan administrator kantor ini.")
    ),
    may_see_audit: _Refused(
        gettext_lazy("Catatan aksi petugas hanya untuk kepala dinas dan administrator kantor ini.")
    ),
}


def require(predicate: Predicate, user, office) -> None:
    """Raise the Refusal for `predicate` saying no: 401 to sign in as staff, else 403 with its text."""
    if predicate(user, office):
        return
    refused = _REFUSALS[predicate]
    if refused.sign_in and not signed_in(user):
        raise Refusal("unauthorized", _("Silakan masuk sebagai petugas."), status=401)
    raise Refusal("forbidden", refused.message, status=403)
