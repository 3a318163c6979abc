"""Who may open each route: the permission decisions, written once.

Every page of the URL configuration (by its URL name, or its pattern where it has none) and every
operation of the OpenAPI document (`METHOD /api/v1/...`) has one entry. `test_permissions.py` calls
each route as anonymous, as each role and as staff of another office and checks the answer against
this table; a route missing here fails it. docs/security.md's role matrix is printed from it
(`python -m antre.tests.access` rewrites it; a test checks the two agree).

The predicates behind the answers live in antre.people.authorizers; this table says what they add up
to, route by route, as a person meets them.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

ADMIN, KEPALA, VERIFIKATOR, LOKET, PINTU = "admin", "kepala", "verifikator", "petugas_loket", "petugas_pintu"
ROLES = (ADMIN, KEPALA, VERIFIKATOR, LOKET, PINTU)
ABBREVIATION = {ADMIN: "A", KEPALA: "K", VERIFIKATOR: "V", LOKET: "L", PINTU: "P"}

# Who is let in:
PUBLIC = "public"  # anyone, no secret needed
SECRET = "secret"  # anyone holding the secret the address carries (a ticket id, a signed link)
HOLDER = "holder"  # the browser that sent or unlocked the application (code + NIK), or `roles` of its office
STAFF = "staff"  # signed-in staff with one of `roles`
DJANGO_ADMIN = "django-admin"  # Django's admin: a superuser, or staff granted the model's permissions

# Which office a staff route acts for:
PATH = "path"  # the office the address names (its slug, or that of the counter, ticket, application, chat)
OWN = "own"  # the user's own office (nothing in the address names one)


@dataclass(frozen=True)
class Access:
    who: str
    roles: tuple[str, ...] = ()
    office: str = ""
    what: str = ""

    @property
    def is_staff_only(self) -> bool:
        return self.who in (STAFF, HOLDER)


def public(what: str) -> Access:
    return Access(PUBLIC, what=what)


def secret(what: str) -> Access:
    return Access(SECRET, what=what)


def staff(*roles: str, office: str = PATH, what: str) -> Access:
    return Access(STAFF, roles, office, what)


COUNTER = (ADMIN, LOKET)
GATE = (ADMIN, PINTU)
FRONT_DESK = (ADMIN, LOKET, PINTU)
BACK_OFFICE = (ADMIN, VERIFIKATOR)
REPORTS = (ADMIN, KEPALA)

PAGES: dict[str, Access] = {
    # Citizens
    "queueing:home": public("the list of offices"),
    "queueing:services": public("an office's services, to book"),
    "queueing:book": public("the booking form"),
    "queueing:ticket": secret("a ticket's page (the ticket id)"),
    "queueing:cancel": secret("cancelling a ticket (the ticket id)"),
    "queueing:print": secret("a ticket printed (the ticket id)"),
    "queueing:display": public("the waiting room's screen"),
    "queueing:announcement_audio": public("a call spoken, for the screen"),
    "gate:outdoor": public("the screen outside the door"),
    "applications:kinds": public("the online applications of an office"),
    "applications:apply": public("an application's form"),
    "applications:track": public("following an application (code + NIK)"),
    "applications:status": Access(HOLDER, BACK_OFFICE, PATH, "an application's page"),
    "applications:pickup_day": Access(HOLDER, BACK_OFFICE, PATH, "choosing the day to fetch a result"),
    "applications:receipt": Access(HOLDER, BACK_OFFICE, PATH, "an application's receipt (PDF)"),
    "applications:document": Access(HOLDER, BACK_OFFICE, PATH, "a document of an application"),
    "survey:answer": secret("the satisfaction survey (a signed link)"),
    "survey:thanks": public("the survey's thanks"),
    "outreach:follow": public("a short link from social media"),
    "set_language": public("Indonesian or English"),
    "whatsapp/webhook": public("Meta's deliveries (each checked by its signature)"),
    "people:login": public("staff sign-in"),
    "people:logout": public("staff sign-out"),
    "people:two_step_code": public("the sign-in's second step: a code from the app (after the password)"),
    "api:openapi-json": public("the API's OpenAPI document"),
    "api:openapi-view": public("the API's documentation page"),
    "api:api-root": public("the API's root (not found)"),
    "^api/v1/": public("any other address under the API (not found)"),
    # Staff
    "people:staff_home": staff(ADMIN, office=OWN, what="the administrator's tools"),
    "people:password_change": staff(*ROLES, office=OWN, what="one's own password"),
    "people:password_changed": staff(*ROLES, office=OWN, what="one's own password, changed"),
    "people:two_step": staff(ADMIN, KEPALA, office=OWN, what="one's own second step (TOTP)"),
    "admin:*": Access(DJANGO_ADMIN, what="Django's admin (settings, users, read-only history)"),
    "queueing:console_home": staff(*COUNTER, office=OWN, what="the counters to choose from"),
    "queueing:console": staff(*COUNTER, what="a counter's console"),
    "queueing:helpdesk_home": staff(*FRONT_DESK, office=OWN, what="the help desk, of one's office"),
    "queueing:helpdesk": staff(*FRONT_DESK, what="the help desk: a ticket by number or NIK"),
    "gate:home": staff(*GATE, office=OWN, what="the gate, of one's office"),
    "gate:gate": staff(*GATE, what="the gate: screen, admit, count out"),
    "gate:advice": staff(*GATE, what="the advice to a citizen turned away"),
    "gate:walk_in": staff(*GATE, what="a walk-in ticket, at the gate"),
    "gate:walk_in_ticket": staff(*GATE, what="a walk-in ticket, printed again"),
    "backoffice:worklist": staff(*BACK_OFFICE, office=OWN, what="the online applications to review"),
    "backoffice:detail": staff(*BACK_OFFICE, what="an application under review (full NIK)"),
    "inbox:conversations": staff(*BACK_OFFICE, office=OWN, what="the WhatsApp inbox"),
    "inbox:conversation": staff(*BACK_OFFICE, what="a WhatsApp conversation"),
    "reports:today_home": staff(*REPORTS, office=OWN, what="the head of office's page, of one's office"),
    "reports:today": staff(*REPORTS, what="today's queue in figures"),
    "reports:summary": staff(*REPORTS, what="the figures over days, and their downloads"),
    "reports:monthly": staff(*REPORTS, what="the monthly report (PDF)"),
    "survey:report": staff(*REPORTS, what="the satisfaction survey's report"),
    "audit:log": staff(*REPORTS, what="the log of staff actions"),
    "outreach:villages": staff(*REPORTS, what="the kecamatan and desa, with their printables"),
    "outreach:poster": staff(*REPORTS, what="a desa's poster (PDF)"),
    "outreach:letter": staff(*REPORTS, what="a desa's circular letter (PDF)"),
    "outreach:district_posters": staff(*REPORTS, what="a kecamatan's posters (PDF)"),
    "outreach:links": staff(*REPORTS, what="the short links (creating one: admin only)"),
}

API: dict[str, Access] = {
    "GET /api/v1/offices": public("the offices, with who is inside"),
    "GET /api/v1/offices/{office}/services": public("an office's services and today's places"),
    "GET /api/v1/offices/{office}/board": public("the waiting room's board"),
    "GET /api/v1/offices/{office}/events": public("the board's live events (SSE)"),
    "GET /api/v1/offices/{office}/application-kinds": public("the online applications of an office"),
    "POST /api/v1/offices/{office}/applications": public("sending an application"),
    "GET /api/v1/applications/{code}": secret("an application's status (code + NIK)"),
    "POST /api/v1/offices/{office}/tickets": public("booking a ticket (a walk-in: see below)"),
    "GET /api/v1/tickets/{ticket_id}": secret("a ticket (the ticket id)"),
    "DELETE /api/v1/tickets/{ticket_id}": secret("cancelling a ticket (the ticket id)"),
    "GET /api/v1/tickets/{ticket_id}/events": secret("a ticket's live events (SSE)"),
    "GET /api/v1/offices/{office}/counters": staff(ADMIN, LOKET, PINTU, KEPALA, what="an office's counters"),
    "POST /api/v1/counters/{counter_id}/call-next": staff(*COUNTER, what="call the next citizen"),
    "POST /api/v1/counters/{counter_id}/open": staff(*COUNTER, what="open a counter"),
    "POST /api/v1/counters/{counter_id}/pause": staff(*COUNTER, what="pause a counter"),
    "POST /api/v1/counters/{counter_id}/close": staff(*COUNTER, what="close a counter"),
    "POST /api/v1/tickets/{ticket_id}/{action}": staff(
        *COUNTER, what="recall, start, finish, no-show, transfer"
    ),
    "POST /api/v1/offices/{office}/gate/entries": staff(*GATE, what="screen and admit"),
    "POST /api/v1/offices/{office}/gate/exits": staff(*GATE, what="count a citizen out"),
    "GET /api/v1/offices/{office}/stats": staff(*REPORTS, what="the office's figures over days"),
    "GET /api/v1/offices/{office}/audit": staff(*REPORTS, what="the log of staff actions"),
}

# Decisions inside one route, which the route's own entry does not show: each is tested as a route.
VARIANTS: dict[str, Access] = {
    "POST /api/v1/offices/{office}/tickets channel=walk_in": staff(
        *FRONT_DESK, what="a walk-in ticket (no phone, no booking)"
    ),
    "POST outreach:links": staff(ADMIN, what="creating a short link"),
}


def _cell(access: Access, role: str) -> str:
    if access.who in (PUBLIC, SECRET, DJANGO_ADMIN):
        return "·" if access.who != DJANGO_ADMIN else ""
    if role not in access.roles:
        return ""
    return "✓" if access.office == PATH else "✓ own"


def matrix() -> str:
    """docs/security.md's role matrix, as Markdown: one row per route."""
    head = "| route | what | who | " + " | ".join(ABBREVIATION[r] for r in ROLES) + " |"
    lines = [head, "|" + " --- |" * (3 + len(ROLES))]
    for key, access in (PAGES | API | VARIANTS).items():
        who = {
            PUBLIC: "anyone",
            SECRET: "holder of the link",
            HOLDER: "applicant's browser, or staff",
            DJANGO_ADMIN: "superuser, or staff given the model's permissions",
        }.get(access.who, "staff")
        cells = " | ".join(_cell(access, role) for role in ROLES)
        lines.append(f"| `{key}` | {access.what} | {who} | {cells} |")
    return "\n".join(lines) + "\n"


DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
BEGIN, END = "<!-- role matrix: begin -->\n", "<!-- role matrix: end -->\n"
_BETWEEN = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.DOTALL)


def documented_matrix() -> str | None:
    """The matrix as docs/security.md has it (None when the markers are missing)."""
    found = _BETWEEN.search(DOC.read_text())
    return found.group(0)[len(BEGIN) : -len(END)] if found else None


def write_matrix() -> None:
    text = DOC.read_text()
    DOC.write_text(_BETWEEN.sub(lambda _m: BEGIN + matrix() + END, text))


if __name__ == "__main__":
    write_matrix()
    sys.stdout.write("docs/security.md: role matrix written\n")
