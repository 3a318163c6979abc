"""Who may do what: every role at its own office and at another, and the refusal each "no" becomes."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from antre.errors import Refusal
from antre.people import authorizers as authz
from antre.people.models import Role, User

# An office as the predicates see it: anything with a pk (they never look it up).
TABANAN = SimpleNamespace(pk=1)
BADUNG = SimpleNamespace(pk=2)


def staff_of(role: str, office=TABANAN, **kw) -> User:
    return User(
        username=f"{role or 'nobody'}_{office and office.pk}", role=role, office_id=office and office.pk, **kw
    )


ROLES = [r.value for r in Role]

# Each predicate bound to one office, and the roles it lets act there.
AT_AN_OFFICE = {
    authz.may_call: {Role.ADMIN, Role.PETUGAS_LOKET},
    authz.may_staff_counter: {Role.ADMIN, Role.PETUGAS_LOKET},
    authz.may_screen: {Role.ADMIN, Role.PETUGAS_PINTU},
    authz.may_use_helpdesk: {Role.ADMIN, Role.PETUGAS_LOKET, Role.PETUGAS_PINTU},
    authz.may_issue_walk_in: {Role.ADMIN, Role.PETUGAS_LOKET, Role.PETUGAS_PINTU},
    authz.may_list_counters: {Role.ADMIN, Role.PETUGAS_LOKET, Role.PETUGAS_PINTU, Role.KEPALA},
    authz.may_review_applications: {Role.ADMIN, Role.VERIFIKATOR},
    authz.may_see_reports: {Role.ADMIN, Role.KEPALA},
}
# Pages that only open a role's way in (the office is chosen after): the role is enough.
ANY_OFFICE = {
    authz.may_open_console: {Role.ADMIN, Role.PETUGAS_LOKET},
    authz.may_open_reports: {Role.ADMIN, Role.KEPALA},
    authz.may_open_staff_home: {Role.ADMIN},
}
# Pages that show only the user's own office.
OWN_OFFICE_PAGES = {
    authz.may_use_back_office: {Role.ADMIN, Role.VERIFIKATOR},
    authz.may_answer_whatsapp_inbox: {Role.ADMIN, Role.VERIFIKATOR},
}

MESSAGES = {
    authz.may_call: "Hanya petugas loket kantor ini yang dapat memanggil.",
    authz.may_staff_counter: "Hanya petugas loket kantor ini yang dapat membuka, mengistirahatkan atau menutup loket.",
    authz.may_screen: "Hanya petugas pintu kantor ini yang dapat melakukan ini.",
    authz.may_use_helpdesk: (
        "Hanya petugas loket, petugas pintu dan administrator kantor ini yang dapat mencari nomor antrean."
    ),
    authz.may_issue_walk_in: "Tiket manual hanya dapat dibuat oleh petugas kantor ini.",
    authz.may_list_counters: "Anda tidak berhak melihat data ini.",
    authz.may_review_applications: "Hanya verifikator kantor ini yang dapat melakukan ini.",
}


def name(predicate) -> str:
    return predicate.__name__


@pytest.mark.parametrize("predicate", AT_AN_OFFICE, ids=name)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_acts_at_its_own_office_only_and_only_where_its_role_may(predicate, role):
    user = staff_of(role)
    allowed = role in AT_AN_OFFICE[predicate]
    assert predicate(user, TABANAN) is allowed
    assert predicate(user, TABANAN.pk) is allowed  # an object's office_id says the same
    assert predicate(user, BADUNG) is False


@pytest.mark.parametrize("predicate", AT_AN_OFFICE, ids=name)
def test_a_superuser_acts_at_every_office_and_nobody_else_without_a_role(predicate):
    assert predicate(staff_of("", office=None, is_superuser=True), BADUNG) is True
    assert predicate(staff_of("", office=TABANAN), TABANAN) is False


@pytest.mark.parametrize("predicate", AT_AN_OFFICE, ids=name)
def test_nobody_signed_in_an_inactive_account_or_staff_without_an_office_act_nowhere(predicate):
    role = next(iter(AT_AN_OFFICE[predicate] - {Role.ADMIN}))
    assert predicate(None, TABANAN) is False
    assert predicate(AnonymousUser(), TABANAN) is False
    assert predicate(staff_of(role, is_active=False), TABANAN) is False
    assert predicate(staff_of(role, office=None), TABANAN) is False


@pytest.mark.parametrize("predicate", ANY_OFFICE, ids=name)
@pytest.mark.parametrize("role", ROLES)
def test_a_way_in_opens_to_the_role_whatever_its_office(predicate, role):
    allowed = role in ANY_OFFICE[predicate]
    assert predicate(staff_of(role)) is allowed
    assert predicate(staff_of(role, office=BADUNG)) is allowed
    assert predicate(staff_of(role, office=None)) is allowed
    assert predicate(AnonymousUser()) is False
    assert predicate(staff_of(role, is_active=False)) is False


@pytest.mark.parametrize("predicate", OWN_OFFICE_PAGES, ids=name)
@pytest.mark.parametrize("role", ROLES)
def test_own_office_pages_need_the_role_and_an_office_of_ones_own(predicate, role):
    allowed = role in OWN_OFFICE_PAGES[predicate]
    assert predicate(staff_of(role)) is allowed
    assert predicate(staff_of(role, office=None)) is False
    assert predicate(AnonymousUser()) is False


@pytest.mark.parametrize("predicate", OWN_OFFICE_PAGES, ids=name)
def test_a_superuser_sees_only_the_own_office_on_those_pages(predicate):
    assert predicate(staff_of("", office=TABANAN, is_superuser=True)) is True
    assert predicate(staff_of("", office=None, is_superuser=True)) is False


@pytest.mark.parametrize("role", ROLES)
def test_the_back_office_opens_an_application_of_the_users_own_office_only(role):
    verifier = staff_of(role)
    allowed = role in OWN_OFFICE_PAGES[authz.may_use_back_office]
    assert authz.may_use_back_office(verifier, TABANAN.pk) is allowed
    assert authz.may_use_back_office(verifier, BADUNG.pk) is False
    assert authz.may_use_back_office(staff_of("", is_superuser=True), BADUNG.pk) is False


def refusal_of(predicate, user, office=TABANAN) -> Refusal:
    with pytest.raises(Refusal) as refused:
        authz.require(predicate, user, office)
    return refused.value


@pytest.mark.parametrize("predicate", MESSAGES, ids=name)
def test_require_lets_the_allowed_through_and_refuses_the_wrong_role_or_office_with_its_text(predicate):
    role = next(iter(AT_AN_OFFICE[predicate]))
    assert authz.require(predicate, staff_of(role), TABANAN) is None
    for refused in (refusal_of(predicate, staff_of(role), BADUNG), refusal_of(predicate, staff_of(""))):
        assert (refused.code, refused.status, refused.message) == ("forbidden", 403, MESSAGES[predicate])


@pytest.mark.parametrize("predicate", sorted(set(MESSAGES) - {authz.may_issue_walk_in}, key=name), ids=name)
@pytest.mark.parametrize("nobody", [None, AnonymousUser()], ids=["none", "anonymous"])
def test_require_asks_whoever_is_not_signed_in_to_sign_in(predicate, nobody):
    refused = refusal_of(predicate, nobody)
    assert (refused.code, refused.status, refused.message) == (
        "unauthorized",
        401,
        "Silakan masuk sebagai petugas.",
    )


def test_a_walk_in_ticket_asked_for_without_signing_in_is_forbidden_not_a_sign_in_prompt():
    # The citizens' booking endpoint: a citizen sending channel=walk_in is not asked to sign in.
    refused = refusal_of(authz.may_issue_walk_in, None)
    assert (refused.code, refused.status) == ("forbidden", 403)


def test_every_office_bound_predicate_that_refuses_has_a_text():
    assert set(MESSAGES) <= set(AT_AN_OFFICE)
    assert set(AT_AN_OFFICE) - set(MESSAGES) == {authz.may_see_reports}  # a page: its template explains


def test_refusals_are_said_in_the_language_of_the_request():
    with translation.override("en"):
        assert (
            refusal_of(authz.may_call, staff_of("")).message
            == "Only this office's counter officers can call."
        )
        assert refusal_of(authz.may_call, None).message == "Please sign in as staff."
