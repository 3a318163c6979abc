"""The head of office reads the log: filters narrow it, downloads carry the same rows, times in WITA,
no citizen's NIK, name or phone; everyone else is refused, and nobody can change it."""

from __future__ import annotations

import io

import pytest
from django.db import transaction
from openpyxl import load_workbook

from antre.audit import services as audit
from antre.audit.models import Action, AuditEntry
from antre.audit.tests.conftest import KETUT_PHONE
from antre.conftest import KETUT, MADE, MONDAY, TUESDAY, wita
from antre.gate.tests.factories import enter
from antre.offices.models import Office
from antre.people.models import Role, User
from antre.people.tests.factories import officer
from antre.queueing.tests.factories import book

URL = "/kepala/tabanan/audit/"


@pytest.fixture
def two_days(office, staff, clock, a_logged_morning):
    """Monday's nine entries, and on Tuesday one citizen let in by the satpam; the clock on Tuesday."""
    ticket = book(office, 4, service="KTP", now=wita(TUESDAY, 9))
    enter(office, ticket, staff["satpam"], now=wita(TUESDAY, 9, 1))
    clock.move_to(wita(TUESDAY, 10))
    return a_logged_morning


def rows(page: str) -> int:
    return page.count("<tr data-action=")


def test_the_log_opens_on_today_and_the_filters_narrow_it(client, staff, two_days):
    client.force_login(staff["kepala"])
    assert rows(client.get(URL).content.decode()) == 1  # today: Tuesday
    monday = {"from": MONDAY, "to": MONDAY}
    assert rows(client.get(URL, monday).content.decode()) == 9
    assert rows(client.get(URL, {"from": MONDAY, "to": TUESDAY}).content.decode()) == 10
    by_satpam = client.get(URL, {**monday, "actor": staff["satpam"].pk}).content.decode()
    assert rows(by_satpam) == 3 and 'data-action="call"' not in by_satpam
    calls = client.get(URL, {**monday, "action": "call"}).content.decode()
    assert rows(calls) == 2 and calls.count('data-action="call"') == 2
    ketut = two_days["ketut"].number
    about_ketut = client.get(URL, {**monday, "subject": ketut.lower()}).content.decode()
    assert rows(about_ketut) == 5  # admit, call, recall, start, finish; typed in lower case
    assert "Memanggil ulang" in about_ketut and "Selesai melayani" in about_ketut  # Indonesian labels
    assert "9.07" in about_ketut  # the recall at 09.07 WITA


def test_bad_filters_are_told_in_indonesian(client, staff, two_days):
    client.force_login(staff["kepala"])
    response = client.get(URL, {"from": TUESDAY, "to": MONDAY, "action": "delete"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Tanggal akhir sebelum tanggal awal." in page and "Pilih aksi dari daftar." in page


def test_newest_first_fifty_a_page(client, office, staff, clock):
    with transaction.atomic():
        for minute in range(60):
            audit.record(
                office=office,
                actor=staff["petugas"],
                action=Action.START,
                subject=f"A-{minute + 1:03d}",
                subject_day=MONDAY,
                at=wita(MONDAY, 9, minute),
            )
    client.force_login(staff["kepala"])
    first = client.get(URL).content.decode()
    assert rows(first) == 50 and first.index("A-060") < first.index("A-059")
    second = client.get(URL, {"page": 2}).content.decode()
    assert rows(second) == 10 and "A-001" in second and "A-060" not in second


def test_downloads_carry_the_filtered_rows_in_wita(client, staff, two_days):
    client.force_login(staff["kepala"])
    asked = {"from": MONDAY, "to": MONDAY, "actor": staff["petugas"].pk}
    shown = rows(client.get(URL, asked).content.decode())
    assert shown == 6
    csv_text = client.get(URL, {**asked, "format": "csv"}).content.decode()
    lines = csv_text.strip().splitlines()
    assert lines[0] == "at,actor,role,action,action_label,subject,subject_day,detail"
    assert len(lines) - 1 == shown
    assert lines[-1].startswith(f"{MONDAY}T09:06:00+08:00,petugas,Petugas loket,call,Memanggil,")
    response = client.get(URL, {**asked, "format": "xlsx"})
    assert response["Content-Disposition"] == f'attachment; filename="audit-tabanan-{MONDAY}-{MONDAY}.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row - 2 == shown
    assert sheet.cell(row=3, column=1).value.endswith("+08:00")
    # Each download is itself in the log, by whom and of what.
    exports = AuditEntry.objects.filter(action=Action.EXPORT, actor_username="kepala")
    assert [e.detail["format"] for e in exports.order_by("pk")] == ["csv", "xlsx"]


def test_no_citizens_nik_name_or_phone_on_the_page_or_in_the_files(client, staff, two_days):
    client.force_login(staff["kepala"])
    asked = {"from": MONDAY, "to": TUESDAY}
    page = client.get(URL, asked).content.decode()
    files = [client.get(URL, {**asked, "format": f}).content for f in ("csv", "xlsx")]
    sheet = load_workbook(io.BytesIO(files[1])).active
    texts = [page, files[0].decode(), " ".join(str(c.value) for row in sheet.iter_rows() for c in row)]
    assert rows(page) == 10
    for text in texts:
        for personal in (
            KETUT.nik,
            MADE.nik,
            "Ketut",
            "Arsana",
            "Made",
            "Sari",
            KETUT_PHONE,
            KETUT_PHONE[1:],
        ):
            assert personal not in text


def test_a_formula_looking_username_stays_text(client, office, staff, clock):
    sly = officer(Role.PETUGAS_LOKET, office, username="=cmd")
    with transaction.atomic():
        audit.record(office=office, actor=sly, action=Action.START, subject="A-001", at=wita(MONDAY, 9))
    client.force_login(staff["kepala"])
    assert ",'=cmd," in client.get(URL, {"actor": sly.pk, "format": "csv"}).content.decode()
    sheet = load_workbook(io.BytesIO(client.get(URL, {"actor": sly.pk, "format": "xlsx"}).content)).active
    assert sheet.cell(row=3, column=2).value == "'=cmd"


@pytest.mark.parametrize("role", ["petugas", "satpam", "verifikator"])
def test_other_staff_are_refused_the_page_and_the_downloads(client, staff, two_days, role):
    client.force_login(staff[role])
    for asked in ({}, {"format": "csv"}, {"format": "xlsx"}):
        response = client.get(URL, asked)
        assert response.status_code == 403
        assert "hanya untuk kepala dinas dan administrator" in response.content.decode()
    assert not AuditEntry.objects.filter(action=Action.EXPORT).exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, two_days):
    for asked in ({}, {"format": "csv"}):
        response = client.get(URL, asked)
        assert response.status_code == 302 and "/masuk/" in response.headers["Location"]


def test_the_head_of_another_office_is_refused_and_the_admin_is_let_in(client, office, staff, two_days):
    other = Office.objects.create(
        slug="badung", name="Disdukcapil Badung", region_code="51.03", timezone="Asia/Makassar"
    )
    client.force_login(officer(Role.KEPALA, other, username="kepala-badung"))
    assert client.get(URL).status_code == 403
    assert client.get(URL, {"format": "csv"}).status_code == 403
    client.force_login(staff["admin"])
    assert client.get(URL).status_code == 200


def test_the_page_changes_nothing(client, staff, two_days):
    client.force_login(staff["kepala"])
    before = AuditEntry.objects.count()
    assert client.post(URL, {"from": MONDAY}).status_code == 405
    assert AuditEntry.objects.count() == before


def test_the_admin_shows_the_log_read_only_even_to_a_superuser(client, office, two_days):
    root = User.objects.create_superuser(username="root", password="rahasia-123")
    client.force_login(root)
    entry = AuditEntry.objects.first()
    listing = client.get("/admin/audit/auditentry/")
    assert listing.status_code == 200 and "delete_selected" not in listing.content.decode()
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
    change = client.get(f"/admin/audit/auditentry/{entry.pk}/change/")
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"subject": "X"}).status_code == 403
    assert client.get(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 403
    entry.refresh_from_db()
    assert entry.subject != "X"


def test_a_download_is_told_by_its_days_or_its_month(client, staff, two_days):
    client.force_login(staff["kepala"])
    client.get("/kepala/tabanan/rekap/", {"from": MONDAY, "to": TUESDAY, "format": "csv"})
    client.get("/kepala/tabanan/laporan/", {"month": MONDAY.strftime("%Y-%m")})
    page = client.get(URL, {"action": "export"}).content.decode()
    assert f"rekap {MONDAY}–{TUESDAY} (csv)" in page
    assert f"laporan-bulanan {MONDAY:%Y-%m} (pdf)" in page
    assert "menjadi" not in page  # a transfer's wording, not a download's
