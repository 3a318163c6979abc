"""The head of office watches today's queue, read-only: the day's figures, and no button that changes it."""

import datetime as dt
import re

from antre.applications.models import Application, AppStatus
from antre.conftest import MONDAY, NIK_MADE, TUESDAY, wita
from antre.offices.models import Counter
from antre.queueing.models import Status, Ticket
from antre.queueing.tests.factories import book
from antre.reports.figures import queue_today


def figure(page: str, name: str) -> str:
    return re.search(rf'id="fig-{name}"><strong>([^<]*)</strong>', page).group(1)


def test_kepala_sees_the_days_figures(client, staff, a_busy_morning):
    client.force_login(staff["kepala"])
    response = client.get("/kepala/tabanan/")
    assert response.status_code == 200
    page = response.content.decode()
    assert {
        name: figure(page, name)
        for name in (
            "booked",
            "outside",
            "inside",
            "waiting-inside",
            "called",
            "serving",
            "served",
            "no-show",
            "turned-away",
            "cancelled",
        )
    } == {
        "booked": "8",
        "outside": "1",  # D-002, not come yet
        "inside": "3/13",  # A-003 at the counter, D-001 served, E-001 waiting
        "waiting-inside": "1",
        "called": "1",
        "serving": "1",
        "served": "1",
        "no-show": "1",
        "turned-away": "1",
        "cancelled": "1",
    }
    by_service = re.findall(
        r'<tr data-service="(\w+)"><td>.*?</td><td class="num">(\d+)</td><td class="num">(\d+)</td>', page
    )
    assert (
        ("CAPIL", "1", "0") in by_service
        and ("LEGAL", "0", "1") in by_service
        and ("KTP", "0", "0") in by_service
    )
    counters = dict(
        re.findall(r'<tr data-counter="(\d)">(?:(?!</tr>).)*?<strong>([A-Z]-\d+)</strong>', page, re.S)
    )
    assert counters == {"1": "A-003", "2": "D-001"}
    calls = re.findall(
        r"<td><strong>([A-Z]-\d+)</strong> <span class=\"muted\">([^<]*)</span></td><td>(\d)</td><td>([^<]*)</td>",
        page,
    )
    assert [c[0] for c in calls] == ["D-001", "A-003", "A-002", "A-001"]
    assert ("A-001", "Ni Made S.", "1", "Selesai") in calls
    assert NIK_MADE not in page and "Sari Dewi" not in page  # numbers and short names only


def test_the_figures_follow_the_clock_they_are_given(a_busy_morning):
    assert queue_today(a_busy_morning, now=wita(MONDAY, 10)).served == 1
    tomorrow = queue_today(a_busy_morning, now=wita(TUESDAY, 10))
    assert (tomorrow.booked, tomorrow.inside, tomorrow.calls) == (0, 0, [])


def test_kepalas_page_offers_no_action(client, staff, a_busy_morning):
    client.force_login(staff["kepala"])
    main = client.get("/kepala/tabanan/").content.decode().split("<main>", 1)[1].split("</main>", 1)[0]
    assert re.findall(r'<form[^>]*action="([^"]*)"', main) == ["/keluar/"]  # only the way out
    assert main.count("<button") == 1
    assert re.findall(r"<input[^>]*>", main) == [
        re.search(r'<input type="hidden" name="csrfmiddlewaretoken"[^>]*>', main)[0]
    ]


def test_kepala_cannot_call_screen_or_approve(client, staff, office, clock, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    from antre.applications.tests.factories import apply

    waiting = book(office, 1)
    application = apply(client)
    client.force_login(staff["kepala"])
    loket1 = Counter.objects.get(number=1)

    assert client.post(f"/loket/{loket1.pk}/", {"action": "call_next"}).status_code == 403
    assert client.post(f"/api/v1/counters/{loket1.pk}/call-next").status_code == 403
    screened = client.post(
        "/pintu/tabanan/",
        {
            "action": "screen",
            "ticket": waiting.token,
            "temperature_c": "36,5",
            "mask": "on",
            "hands_washed": "on",
        },
    )
    assert screened.status_code == 403
    approved = client.post(f"/kantor/permohonan/{application.code}/", {"action": "claim"})
    assert approved.status_code == 403
    assert Ticket.objects.get(pk=waiting.pk).status == Status.BOOKED
    assert Application.objects.get().status == AppStatus.SUBMITTED


def test_kepala_sees_todays_waits_who_is_at_each_counter_and_the_applications(
    client, staff, office, a_busy_morning, clock, settings, tmp_path
):
    """The busy morning's four calls (antre/reports/tests/conftest.py), waits from the admission
    to the call: A-001 09.08→09.15 = 7, A-002 09.09→09.18 = 9, A-003 09.10→09.20 = 10, D-001
    09.11→09.21 = 10. Average 36 / 4 = 9.0; the 90th percentile by nearest rank is the
    ceil(3.6) = 4th, 10.0; nobody waited over the 30-minute target. A-001 was served in a minute."""
    settings.DATA_DIR = tmp_path
    from antre.applications.tests.factories import apply, step

    clock.move_to(wita(MONDAY - dt.timedelta(days=14), 9))  # ten working days ago: 3 promised
    late = apply(client)
    clock.move_to(wita(MONDAY, 9, 30))
    refused = apply(client, nik="5102014507900002")
    step(refused, staff["verifikator"], "claim", "reject", note="Berkas bukan milik pemohon")
    clock.move_to(wita(MONDAY, 10))

    client.force_login(staff["kepala"])
    page = client.get("/kepala/tabanan/").content.decode()
    assert (figure(page, "wait"), figure(page, "wait-p90"), figure(page, "over-target")) == (
        "9,0",
        "10,0",
        "0%",
    )
    assert "0 orang menunggu lebih dari 30 menit" in page
    times = dict(
        re.findall(r'<tr data-code="(\w+)"><td[^>]*>\w+</td>((?:<td class="num">[^<]*</td>){3})', page)
    )
    assert (
        times["KTP"] == '<td class="num">8,7</td><td class="num">10,0</td><td class="num">1,0</td>'
    )  # 7, 9, 10
    officers = dict(
        re.findall(r'<tr data-counter="(\d)">.*?<td class="officer"[^>]*>([^<]*)</td>', page, re.S)
    )
    petugas = staff["petugas"]
    assert officers["1"] == officers["2"] == (petugas.get_full_name() or petugas.username)
    assert "tutup" in re.search(r'<tr data-counter="3">.*?</tr>', page, re.S).group(0)
    applications = dict(
        re.findall(r'<tr data-status="([\w-]+)"[^>]*><td>[^<]*</td><td class="num">(?:<strong>)?(\d+)', page)
    )
    assert applications == {
        "submitted": "1", "in_review": "0", "needs_fix": "0", "approved": "0",
        "late": "1", "done-today": "0", "rejected-today": "1",
    }  # fmt: skip
    assert late.code not in page and NIK_MADE not in page


def test_the_page_downloads_as_csv_and_xlsx_with_the_numbers_it_shows(client, staff, a_busy_morning):
    import csv
    import io

    from openpyxl import load_workbook

    from antre.audit.models import Action, AuditEntry

    client.force_login(staff["kepala"])
    page = client.get("/kepala/tabanan/").content.decode()
    assert 'href="?format=csv"' in page and 'href="?format=xlsx"' in page
    answer = client.get("/kepala/tabanan/?format=csv")
    assert answer["Content-Disposition"] == f'attachment; filename="hari-ini-tabanan-{MONDAY}-1000.csv"'
    rows = list(csv.DictReader(io.StringIO(answer.content.decode())))
    today = {r["code"]: r["value"] for r in rows if r["table"] == "today"}
    shown = {name: figure(page, name.replace("_", "-")) for name in (
        "booked", "outside", "waiting_inside", "called", "serving", "served", "no_show", "turned_away",
        "cancelled", "wait", "wait_p90",
    )}  # fmt: skip
    assert shown == {
        "booked": today["booked"], "outside": today["outside"], "waiting_inside": today["waiting_inside"],
        "called": today["called"], "serving": today["serving"], "served": today["served"],
        "no_show": today["no_show"], "turned_away": today["turned_away"], "cancelled": today["cancelled"],
        "wait": today["wait_avg_minutes"].replace(".", ","), "wait_p90": today["wait_p90_minutes"].replace(".", ","),
    }  # fmt: skip
    assert (today["booked"], today["wait_avg_minutes"], today["wait_p90_minutes"]) == ("8", "9.0", "10.0")
    assert figure(page, "inside") == f"{today['inside']}/{today['capacity']}" == "3/13"
    assert figure(page, "over-target") == f"{today['over_target_percent']}%" == "0%"
    waiting = {r["code"]: (r["outside"], r["inside"]) for r in rows if r["table"] == "waiting"}
    assert waiting["CAPIL"] == ("1", "0") and waiting["LEGAL"] == ("0", "1")  # as the page's by-service
    times = {r["code"]: r["wait_avg_minutes"] for r in rows if r["table"] == "times"}
    assert times["KTP"] == "8.7"  # the page's 8,7 (7, 9, 10)
    counters = {r["code"]: (r["officer"], r["ticket"]) for r in rows if r["table"] == "counters"}
    assert counters["1"] == ("petugas", "A-003") and counters["2"] == ("petugas", "D-001")
    assert counters["3"] == ("", "")  # closed, nobody there
    calls = [(r["ticket"], r["counter"], r["at"]) for r in rows if r["table"] == "calls"]
    assert calls[0] == ("D-001", "2", "09:21") and len(calls) == 4
    assert "Ni Made" not in answer.content.decode() and NIK_MADE not in answer.content.decode()

    book = load_workbook(io.BytesIO(client.get("/kepala/tabanan/?format=xlsx").content))
    assert book.sheetnames == [
        "Angka hari ini", "Menunggu per layanan", "Waktu hari ini per layanan", "Loket",
        "Panggilan terakhir", "Permohonan daring",
    ]  # fmt: skip
    values = {row[0]: row[2] for row in book["Angka hari ini"].iter_rows(min_row=3, values_only=True)}
    assert (values["served"], values["no_show"], values["wait_p90_minutes"]) == (1, 1, 10.0)
    applications = {
        row[0]: row[2] for row in book["Permohonan daring"].iter_rows(min_row=3, values_only=True)
    }
    on_page = re.findall(
        r'<tr data-status="([\w-]+)"[^>]*><td>[^<]*</td><td class="num">(?:<strong>)?(\d+)', page
    )
    assert {code.replace("-", "_"): int(n) for code, n in on_page} == applications
    entries = AuditEntry.objects.filter(action=Action.EXPORT).order_by("pk")
    assert [(e.actor_username, e.subject, e.detail["format"]) for e in entries] == [
        ("kepala", "hari-ini", "csv"),
        ("kepala", "hari-ini", "xlsx"),
    ]


def test_other_staff_cannot_download_todays_tables(client, staff, a_busy_morning):
    from antre.audit.models import Action, AuditEntry

    for role in ("petugas", "satpam", "verifikator"):
        client.force_login(staff[role])
        answer = client.get("/kepala/tabanan/?format=csv")
        assert answer.status_code == 403 and b"A-001" not in answer.content
    client.logout()
    assert client.get("/kepala/tabanan/?format=xlsx").status_code == 302  # to the sign-in
    assert not AuditEntry.objects.filter(action=Action.EXPORT).exists()
