"""Who opened a citizen's personal data: the back office's application page, the help desk's
search, the admin's ticket and application pages each leave one entry per view, and the head of
office reads them on the audit page and through the API."""

from __future__ import annotations

from antre.applications.tests.factories import apply
from antre.audit.models import Action, AuditEntry
from antre.conftest import MADE, MONDAY, NIK_MADE, TUESDAY
from antre.offices.models import Office
from antre.people.models import ApiToken, Role
from antre.people.tests.factories import officer
from antre.queueing.tests.factories import book


def log() -> list[tuple[str, str, str]]:
    return list(AuditEntry.objects.order_by("at", "pk").values_list("actor_username", "action", "subject"))


def test_opening_an_application_in_the_back_office_is_logged_once_per_view(client, open_all_day, staff):
    application = apply(client)
    client.force_login(staff["verifikator"])
    for _ in range(2):
        response = client.get(f"/kantor/permohonan/{application.code}/")
        assert response.status_code == 200 and NIK_MADE in response.content.decode()
    assert log() == [("verifikator", Action.VIEW_APPLICATION, application.code)] * 2


def test_staff_of_another_office_are_refused_and_leave_no_entry(client, open_all_day, staff):
    application = apply(client)
    elsewhere = Office.objects.create(name="Disdukcapil Badung", slug="badung", region_code="51.03")
    client.force_login(officer(Role.VERIFIKATOR, elsewhere))
    assert client.get(f"/kantor/permohonan/{application.code}/").status_code == 403
    assert log() == []


def test_a_help_desk_search_logs_each_ticket_it_shows_without_the_nik(client, office, staff, monday):
    today = book(office, MADE, service="CAPIL", day=MONDAY)
    tomorrow = book(office, MADE, service="LEGAL", day=TUESDAY)
    client.force_login(staff["satpam"])
    client.post("/bantuan/tabanan/", {"action": "search", "q": NIK_MADE})
    page = client.get("/bantuan/tabanan/").content.decode()
    assert MADE.name in page
    assert log() == [
        ("satpam", Action.VIEW_TICKET, today.number),
        ("satpam", Action.VIEW_TICKET, tomorrow.number),
    ]
    entries = AuditEntry.objects.all()
    assert [e.subject_day for e in entries] == [MONDAY, TUESDAY]
    assert all(e.detail == {"found_by": "nik"} for e in entries)
    assert not any(NIK_MADE in str(e.detail) + e.subject for e in entries)


def test_a_search_that_finds_nobody_logs_nothing(client, office, staff, monday):
    client.force_login(staff["satpam"])
    client.post("/bantuan/tabanan/", {"action": "search", "q": NIK_MADE})
    client.get("/bantuan/tabanan/")
    assert log() == []


def test_the_admins_ticket_and_application_pages_are_logged(client, open_all_day, staff):
    admin = staff["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    ticket = book(open_all_day, MADE, service="CAPIL")
    application = apply(client)
    client.force_login(admin)
    assert client.get(f"/admin/queueing/ticket/{ticket.pk}/change/").status_code == 200
    assert client.get(f"/admin/applications/application/{application.pk}/change/").status_code == 200
    client.get("/admin/queueing/ticket/")  # the list shows masked NIKs and short names only
    assert log() == [
        ("admin", Action.VIEW_TICKET, ticket.number),
        ("admin", Action.VIEW_APPLICATION, application.code),
    ]
    assert {e.detail["via"] for e in AuditEntry.objects.all()} == {"admin"}


def test_the_head_of_office_reads_who_opened_what(client, office, staff, monday):
    ticket = book(office, MADE, service="CAPIL", day=MONDAY)
    client.force_login(staff["satpam"])
    client.post("/bantuan/tabanan/", {"action": "search", "q": ticket.number})
    client.get("/bantuan/tabanan/")
    client.force_login(staff["kepala"])
    page = client.get(f"/kepala/tabanan/audit/?from={MONDAY}&to={MONDAY}&action=view_ticket").content.decode()
    assert "Membuka data warga pada nomor antrean" in page and "dicari dengan nomor" in page
    assert ticket.number in page and MADE.name not in page
    client.logout()
    key = ApiToken.for_user(staff["admin"]).key
    answer = client.get(
        "/api/v1/offices/tabanan/audit",
        {"from": MONDAY, "action": "view_ticket"},
        headers={"Authorization": f"Token {key}"},
    ).json()
    assert [(e["actor"], e["subject"], e["detail"]) for e in answer["entries"]] == [
        ("satpam", ticket.number, {"found_by": "number"})
    ]


def test_a_ticket_looked_up_at_the_gate_is_logged_with_its_name_shown(client, open_all_day, staff):
    ticket = book(open_all_day, MADE, service="CAPIL")
    client.force_login(staff["satpam"])
    assert MADE.name in client.get(f"/pintu/tabanan/?q={ticket.number}").content.decode()
    client.get("/pintu/tabanan/")  # the gate without a search shows nobody
    assert log() == [("satpam", Action.VIEW_TICKET, ticket.number)]
    assert AuditEntry.objects.get().detail == {"via": "gate"}
