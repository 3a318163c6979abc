"""Every page and API operation, called as anonymous, as each role and as staff of another office.

The routes come from the URL configuration and the OpenAPI document; what each may answer comes from
antre/tests/access.py, written once. A route without a decision there fails
`test_every_route_has_a_permission_decision`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished
from django.db import close_old_connections, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from antre.applications.tests.factories import apply, jpeg
from antre.conftest import KETUT, MADE, WAYAN
from antre.gate import services as gate
from antre.offices.tests.factories import another_office
from antre.outreach.models import ShortLink
from antre.people.models import ApiToken, Role, User
from antre.people.tests.factories import officer
from antre.queueing.models import Status, Ticket
from antre.queueing.tests.factories import book
from antre.survey.services import token_for
from antre.tests import access
from antre.tests.access import API, PAGES, ROLES, VARIANTS, Access
from antre.whatsapp.models import BusinessNumber, Conversation

LOGIN = "/masuk/"


def _url_routes(patterns=None, prefix: str = "", namespace: str = ""):
    """(key, pattern) of every route of the URL configuration; key: the URL name or the pattern."""
    for item in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(item, URLResolver):
            inner = item.namespace or ""
            ns = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            yield from _url_routes(item.url_patterns, prefix + str(item.pattern), ns)
        elif isinstance(item, URLPattern):
            pattern = prefix + str(item.pattern)
            name = f"{namespace}:{item.name}" if namespace and item.name else item.name
            yield name or pattern, pattern


def _openapi_path(pattern: str) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", pattern)


def openapi(client: Client) -> dict:
    return client.get("/api/v1/openapi.json").json()


def api_operations(document: dict) -> set[str]:
    return {
        f"{method.upper()} /api/v1{path}" if not path.startswith("/api/") else f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        for method in item
    }


def page_routes(document: dict) -> set[str]:
    """Every route of the URL configuration but the API's operations; Django's admin as one."""
    documented = set(document["paths"])
    keys = set()
    for key, pattern in _url_routes():
        if key.startswith("admin:") or pattern.startswith("admin/"):
            keys.add("admin:*")
        elif _openapi_path(pattern) not in documented:
            keys.add(key)
    return keys


def test_every_route_has_a_permission_decision(db, client):
    document = openapi(client)
    assert page_routes(document) == set(PAGES), "a page without a decision in antre/tests/access.py"
    assert api_operations(document) == set(API), (
        "an API operation without a decision in antre/tests/access.py"
    )


def test_a_new_route_without_a_decision_is_noticed(db, client, settings):
    document = openapi(client)
    settings.ROOT_URLCONF = "antre.tests.urls_with_a_new_route"
    assert page_routes(document) - set(PAGES) == {"undecided"}


def test_the_role_matrix_in_the_docs_is_the_table():
    assert access.documented_matrix() == access.matrix(), "run `python -m antre.tests.access`"


# --- the world every route is called in ---------------------------------------------------------


@dataclass
class World:
    params: dict[str, object]  # path parameters by name
    other_office_staff: dict[str, object]
    staff: dict[str, object]
    applicant: Client  # the browser that sent the application
    hidden: tuple[str, ...]  # what of the demo office another office's staff must not see


@pytest.fixture
def world(office, staff, clock, settings, tmp_path) -> World:
    settings.DATA_DIR = tmp_path
    _SIGNED_IN.clear()
    settings.WHATSAPP = {
        "api_base": "http://127.0.0.1:9/none",
        "token": "t",
        "app_secret": "s",
        "verify_token": "v",
    }
    ticket = book(office, KETUT, phone="081234567890")
    turned_away = book(office, MADE)
    gate.screen(
        office=office, ticket_ref=turned_away.token, temperature_c="39", mask=True, hands_washed=True,
        officer=staff["satpam"],
    )  # fmt: skip
    served = book(office, WAYAN)
    Ticket.objects.filter(pk=served.pk).update(status=Status.DONE, finished_at=timezone.now())
    applicant = Client()
    application = apply(applicant, bukti=SimpleUploadedFile("akta.jpg", jpeg(40, 30)))
    number = BusinessNumber.objects.create(office=office, phone_number_id="1100", display_number="0811")
    chat = Conversation.objects.create(
        number=number, citizen="6281299990000", phone="+6281299990000", last_inbound_at=timezone.now()
    )
    ShortLink.objects.create(office=office, slug="ig", created_at=timezone.now())
    badung = another_office()
    return World(
        params={
            "office": office.slug,
            "counter_id": office.counters.order_by("number").first().pk,
            "token": ticket.token,
            "ticket_id": ticket.token,
            "advice_token": turned_away.token,
            "code": application.code,
            "document_id": application.documents.first().pk,
            "kind": application.kind.code,
            "service_code": "KTP",
            "village": "51.02.05.2001",
            "district": "51.02.05",
            "pk": chat.pk,
            "seq": 1,
            "slug": "ig",
            "survey": token_for("visit", served.pk, office.pk),
            "action": "start",
        },
        other_office_staff={role: officer(role, badung, username=f"{role}_badung") for role in Role.values},
        staff={user.role: user for user in staff.values()},
        applicant=applicant,
        hidden=(application.code, "6281299990000", ticket.number),
    )


# --- how each route is called --------------------------------------------------------------------

# Path parameters that a name alone does not fill.
PAGE_PARAMS = {
    "queueing:book": {"code": "service_code"},
    "applications:apply": {"kind": "kind"},
    "gate:advice": {"token": "advice_token"},
    "outreach:poster": {"code": "village"},
    "outreach:letter": {"code": "village"},
    "outreach:district_posters": {"code": "district"},
    "survey:answer": {"token": "survey"},
}


def page_url(key: str, world: World) -> str:
    if key == "admin:*":
        return "/admin/queueing/ticket/"
    if key.startswith("POST "):
        key = key.removeprefix("POST ")
    pattern = dict(_url_routes())[key]
    if pattern == key:  # a route without a name
        return "/" + key.strip("^$") + QUERIES.get(key, "")
    names = re.findall(r"<(?:\w+:)?(\w+)>", pattern)
    fill = PAGE_PARAMS.get(key, {})
    return reverse(key, kwargs={n: world.params[fill.get(n, n)] for n in names})


BODIES = {
    "POST /api/v1/offices/{office}/gate/entries": lambda w: {
        "ticket": w.params["ticket_id"],
        "temperature_c": 36.5,
    },
    "POST /api/v1/offices/{office}/gate/exits": lambda w: {"ticket": w.params["ticket_id"]},
    "POST /api/v1/offices/{office}/tickets channel=walk_in": lambda w: {
        "service": "KTP",
        "name": "Budi Santoso",
        "channel": "walk_in",
    },  # fmt: skip
}


def call_api(client: Client, key: str, world: World):
    method, path = key.split(" ")[:2]
    url = re.sub(r"\{(\w+)\}", lambda m: str(world.params[m.group(1)]), path)
    body = BODIES.get(key)
    if body is None:
        return client.generic(method, url)
    return client.generic(method, url, json.dumps(body(world)), content_type="application/json")


# What a caller adds to the address: Meta's subscription check carries the verify token.
QUERIES = {"whatsapp/webhook": "?hub.mode=subscribe&hub.verify_token=v&hub.challenge=ok"}

# Pages that take only a POST, and what the test's POST sends (the right form, so a refusal is about who).
POSTS = {
    "applications:pickup_day": {},
    "POST outreach:links": {"slug": "fb", "note": "Facebook"},
}


def call_page(client: Client, key: str, world: World, *, follow: bool):
    if key in POSTS:
        return client.post(page_url(key, world), POSTS[key], follow=follow)
    return client.get(page_url(key, world), follow=follow)


_SIGNED_IN: dict[int, Client] = {}


def as_user(user) -> Client:
    """A browser signed in as `user`, once per test: the session outlives each route's savepoint."""
    if user.pk not in _SIGNED_IN:
        _SIGNED_IN[user.pk] = Client()
        _SIGNED_IN[user.pk].force_login(user)
    return _SIGNED_IN[user.pk]


def _is_api(key: str) -> bool:
    return "/api/v1/" in key


def _call(client: Client, key: str, world: World, *, follow: bool = True):
    if _is_api(key):
        return call_api(client, key, world)
    return call_page(client, key, world, follow=follow)


# --- the checks -----------------------------------------------------------------------------------


def _anonymous_problem(key: str, decision: Access, world: World) -> str | None:
    answer = _call(Client(), key, world, follow=False)
    _close(answer)
    if decision.who == access.HOLDER:
        return None if answer.status_code == 404 else f"{key}: a stranger gets {answer.status_code}"
    if _is_api(key):
        # A walk-in is asked on the citizens' booking endpoint, where a sign-in prompt means nothing.
        expected = {401, 403} if "channel=walk_in" in key else {401}
        return None if answer.status_code in expected else f"{key} as anonymous: {answer.status_code}"
    if answer.status_code != 302 or not answer.headers["Location"].startswith(LOGIN):
        return f"{key} as anonymous: {answer.status_code} {answer.headers.get('Location', '')}"
    return None


def _refused(key: str, decision: Access, answer) -> bool:
    """The answer says no: 404 to a stranger to an application (its code is not confirmed), else 401
    or 403, or the sign-in page."""
    if decision.who == access.HOLDER:
        return answer.status_code == 404
    signed_out = any(LOGIN in url for url, _status in getattr(answer, "redirect_chain", []))
    return answer.status_code in (401, 403) or signed_out


STAFF_ROUTES = {key: d for key, d in (PAGES | API | VARIANTS).items() if d.is_staff_only or d.roles}
OPEN_ROUTES = {
    key: d for key, d in (PAGES | API).items() if key not in STAFF_ROUTES and d.who != access.DJANGO_ADMIN
}


def _close(answer) -> None:
    """Close a response (a file it streams, too) as the server would, keeping the test's database
    connection: Django's end-of-request signal would close it."""
    request_finished.disconnect(close_old_connections)
    try:
        answer.close()
    finally:
        request_finished.connect(close_old_connections)


def _body(answer) -> str:
    if answer.streaming:
        return b"".join(answer.streaming_content).decode(errors="replace")
    return answer.content.decode(errors="replace")


def _leaks(answer, world: World) -> list[str]:
    body = _body(answer)
    return [marker for marker in world.hidden if marker in body]


def _staff_route_problems(key: str, decision: Access, world: World) -> list[str]:
    """What is wrong with who `key` lets in (empty: nothing)."""
    problems = []
    anonymous = _anonymous_problem(key, decision, world)
    if anonymous:
        problems.append(anonymous)
    for role in ROLES:
        answer = _call(as_user(world.staff[role]), key, world)
        _close(answer)
        if role in decision.roles and _refused(key, decision, answer):
            problems.append(f"{key} refuses {role}, whom the table lets in: {answer.status_code}")
        if role not in decision.roles and not _refused(key, decision, answer):
            problems.append(f"{key} lets {role} in: {answer.status_code}")
    for role in decision.roles:
        answer = _call(as_user(world.other_office_staff[role]), key, world)
        if decision.office == access.PATH and not (
            answer.status_code in (403, 404) or _refused(key, decision, answer)
        ):
            problems.append(f"{key}: {role} of another office got {answer.status_code}")
        if decision.office == access.OWN and (seen := _leaks(answer, world)):
            problems.append(f"{key}: {role} of another office sees {seen}")
        _close(answer)
    return problems


def _each_route(routes: dict[str, Access], check) -> list[str]:
    """`check` on every route, each in a savepoint rolled back after it: one route's call (a counter
    opened, a ticket called) never changes what the next one meets."""
    problems: list[str] = []
    for key, decision in routes.items():
        with transaction.atomic():
            problems += check(key, decision)
            transaction.set_rollback(True)
    return problems


STAFF_ROUTES = {key: d for key, d in (PAGES | API | VARIANTS).items() if d.is_staff_only}
# The two live streams never end; through Django's test client each would also keep a database
# connection open in a worker thread. They are public, and their own tests call them
# (live/tests, queueing/tests/test_ticket_live.py, transport/tests).
STREAMS = {"GET /api/v1/offices/{office}/events", "GET /api/v1/tickets/{ticket_id}/events"}
# The sign-in's second step: without a right password just given, it sends back to the sign-in page
# (people/tests/test_two_step.py signs in through it).
SIGN_IN_STEPS = {"people:two_step_code"}
OPEN_ROUTES = {
    key: d
    for key, d in (PAGES | API).items()
    if d.who in (access.PUBLIC, access.SECRET) and key not in STREAMS | SIGN_IN_STEPS
}


def test_every_staff_route_refuses_whoever_has_no_right_to_it(world):
    for user in [*world.staff.values(), *world.other_office_staff.values()]:
        as_user(user)  # signed in before the savepoints, which would take the sessions with them
    problems = _each_route(STAFF_ROUTES, lambda key, decision: _staff_route_problems(key, decision, world))
    assert not problems, "\n".join(problems)


def _form_problems(key: str, decision: Access, world: World) -> list[str]:
    """A staff page's form, sent by whoever may not open the page: refused (405 where the page
    takes no POST), whatever the form holds — a refusal must not hang on the GET alone."""
    url = page_url(key, world)
    problems = []
    anonymous = Client().post(url, {"action": "call"})
    if not (anonymous.status_code == 405 or anonymous.headers.get("Location", "").startswith(LOGIN)):
        problems.append(f"POST {key} as anonymous: {anonymous.status_code}")
    outsiders = [world.staff[r] for r in ROLES if r not in decision.roles]
    if decision.office == access.PATH:
        outsiders += [world.other_office_staff[r] for r in decision.roles]
    for user in outsiders:
        answer = as_user(user).post(url, {"action": "call"}, follow=True)  # a home goes on to its page
        if answer.status_code not in (403, 404, 405):
            problems.append(f"POST {key} as {user.username}: {answer.status_code}")
    return problems


STAFF_PAGES = {key: d for key, d in PAGES.items() if d.who == access.STAFF}


def test_every_staff_pages_form_refuses_whoever_may_not_open_the_page(world):
    for user in [*world.staff.values(), *world.other_office_staff.values()]:
        as_user(user)
    problems = _each_route(STAFF_PAGES, lambda key, decision: _form_problems(key, decision, world))
    assert not problems, "\n".join(problems)


def _open_route_problems(key: str, decision: Access, world: World) -> list[str]:
    answer = _call(Client(), key, world, follow=False)
    _close(answer)
    if answer.status_code in (401, 403) or answer.status_code >= 500:
        return [f"{key} as anonymous: {answer.status_code}"]
    if answer.headers.get("Location", "").startswith(LOGIN):
        return [f"{key} asks to sign in"]
    return []


def test_every_public_route_answers_anybody_without_asking_to_sign_in(world):
    problems = _each_route(OPEN_ROUTES, lambda key, decision: _open_route_problems(key, decision, world))
    assert not problems, "\n".join(problems)


ADMIN_PAGES = (
    "/admin/",
    "/admin/queueing/ticket/",
    "/admin/applications/application/",
    "/admin/people/user/",
)


def test_djangos_admin_is_for_superusers_and_staff_given_its_permissions(world, staff):
    for url in ADMIN_PAGES:
        answer = Client().get(url)
        assert answer.status_code == 302 and answer.headers["Location"].startswith("/admin/login/"), url
        for role in ROLES:  # an officer is not staff of the admin unless the administrator says so
            answer = as_user(world.staff[role]).get(url)
            assert answer.status_code == 302 and answer.headers["Location"].startswith("/admin/login/")
    kepala = world.staff[access.KEPALA]
    User.objects.filter(pk=kepala.pk).update(is_staff=True)  # let in, but given no model's permission
    for url in ADMIN_PAGES[1:]:
        assert as_user(kepala).get(url).status_code == 403, url
    root = User.objects.create_superuser("root", password="x")  # noqa: S106
    for url in ADMIN_PAGES:
        assert as_user(root).get(url).status_code == 200, url


def test_a_deactivated_administrators_token_and_session_open_nothing(world):
    admin = world.staff[access.ADMIN]
    token = ApiToken.for_user(admin).key
    browser = Client()
    browser.force_login(admin)
    User.objects.filter(pk=admin.pk).update(is_active=False)  # left the office
    problems = []
    for key, decision in STAFF_ROUTES.items():
        if decision.who != access.STAFF:
            continue
        with transaction.atomic():
            if _is_api(key):
                answer = _call(Client(HTTP_AUTHORIZATION=f"Token {token}"), key, world)
                if answer.status_code not in (401, 403):
                    problems.append(f"{key} with the token: {answer.status_code}")
            else:
                answer = _call(browser, key, world, follow=False)
                if not answer.headers.get("Location", "").startswith(LOGIN):
                    problems.append(f"{key} with the session: {answer.status_code}")
            _close(answer)
            transaction.set_rollback(True)
    assert not problems, "\n".join(problems)
