"""`GET /api/v1/offices/{office}/stats`: every figure on a seeded Monday worked out by hand below,
and who may read it."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from antre.conftest import MONDAY, TUESDAY, wita
from antre.offices.models import Counter
from antre.people.models import ApiToken, Role, User
from antre.people.tests.factories import officer as make_officer
from antre.queueing.models import Channel, Status, Ticket
from antre.queueing.tests.factories import book

# Seven tickets on Monday (the office has a gate: a wait runs from the admission to the call), called
# by two officers: A (the `officer` given, "petugas", no full name) and B ("wayan", I Wayan Sudarma).
#   no  service channel   NIK kecamatan  arrived called started finished counter by  ends       wait service
#   1   KTP     web       51.02.01       08:00   08:10  08:11   08:21    1       A   served     10   10
#   2   KTP     whatsapp  51.02.01       08:05   08:25  08:25   08:40    1       B   served     20   15
#   3   CAPIL   web       51.02.02       08:10   08:40  -       -        2       A   no-show    30   -
#   4   CAPIL   walk_in   (none)         08:20   09:00  09:00   09:20    2       A   served     40   20
#   5   KTP     web       51.02.01       -       -      -       -        -       -   cancelled  -    -
#   6   KTP     web       51.02.01       -       -      -       -        -       -   turned away
#   7   KTP     web       51.02.01       -       -      -       -        -       -   expired: a no-show
# Waits 10, 20, 30, 40: average 25; the 90th percentile by nearest rank is the ceil(0.9 × 4) = 4th,
# 40. Service times 10, 15, 20: average 15. Over the office's 25-minute target: the waits of 30 and 40.
# Per officer: A called 1, 3, 4 (waits 10, 30, 40: average 80 / 3 = 26.7, p90 the ceil(2.7) = 3rd,
# 40; served 1 and 4 in 10 and 20: 15; over the target 30 and 40) and B called 2 (20; 15).
SEEDED = [
    # (service, channel, nik, arrived, called, started, finished, counter, officer, status)
    ("KTP", Channel.WEB, "5102011203850001", "08:00", "08:10", "08:11", "08:21", 1, "A", Status.DONE),
    ("KTP", Channel.WHATSAPP, "5102014507900002", "08:05", "08:25", "08:25", "08:40", 1, "B", Status.DONE),
    ("CAPIL", Channel.WEB, "5102020101600003", "08:10", "08:40", None, None, 2, "A", Status.NO_SHOW),
    ("CAPIL", Channel.WALK_IN, "", "08:20", "09:00", "09:00", "09:20", 2, "A", Status.DONE),
    ("KTP", Channel.WEB, "5102011203850005", None, None, None, None, None, "", Status.CANCELLED),
    ("KTP", Channel.WEB, "5102011203850006", None, None, None, None, None, "", Status.TURNED_AWAY),
    ("KTP", Channel.WEB, "5102011203850007", None, None, None, None, None, "", Status.EXPIRED),
]


def seed(office, officer) -> None:
    office.wait_target_minutes = 25  # the office promises at most 25 minutes: 30 and 40 are over it
    office.save(update_fields=["wait_target_minutes"])
    wayan = User.objects.filter(username="wayan").first() or make_officer(
        Role.PETUGAS_LOKET, office, username="wayan", first_name="I Wayan", last_name="Sudarma"
    )
    by = {"A": officer, "B": wayan, "": None}
    for i, (service, channel, nik, arrived, called, started, finished, counter, who, status) in enumerate(
        SEEDED
    ):
        walk_in = channel == Channel.WALK_IN  # issued at the counter when the citizen came
        ticket = book(office, i, service=service, channel=channel, nik=nik, day=MONDAY,
                      now=wita(MONDAY, 8, 20) if walk_in else wita(MONDAY, 7, 0), issued_by=officer if walk_in else None)  # fmt: skip

        def at(hhmm: str | None):
            return wita(MONDAY, *map(int, hhmm.split(":"))) if hhmm else None

        Ticket.objects.filter(pk=ticket.pk).update(
            status=status,
            arrived_at=at(arrived),
            called_at=at(called),
            called_by=by[who],
            started_at=at(started),
            finished_at=at(finished) or (wita(MONDAY, 7, 30) if status == Status.CANCELLED else None),
            counter=Counter.objects.get(office=office, number=counter) if counter else None,
        )


@pytest.fixture
def tokens(staff):
    return {name: {"Authorization": f"Token {ApiToken.for_user(user).key}"} for name, user in staff.items()}


def figures(
    booked, served, no_show, cancelled, turned_away, wait_avg, wait_p90, service_avg, over, called
) -> dict:
    return {
        "booked": booked,
        "served": served,
        "no_show": no_show,
        "cancelled": cancelled,
        "turned_away": turned_away,
        "wait_avg_minutes": wait_avg,
        "wait_p90_minutes": wait_p90,
        "service_avg_minutes": service_avg,
        "over_wait_target": over,
        "called": called,
    }


def test_every_figure_of_a_seeded_day(client, office, clock, tokens, staff):
    seed(office, staff["petugas"])
    clock.move_to(wita(TUESDAY, 10))
    answer = client.get(
        f"/api/v1/offices/{office.slug}/stats?from={MONDAY}&to={MONDAY}", headers=tokens["kepala"]
    )
    assert answer.status_code == 200
    body = answer.json()
    assert (body["office"], body["from"], body["to"]) == (office.slug, str(MONDAY), str(MONDAY))
    assert body["wait_target_minutes"] == 25
    assert {k: body[k] for k in figures(*[0] * 10)} == figures(7, 3, 2, 1, 1, 25.0, 40.0, 15.0, 2, 4)
    assert body["by_service"] == {
        "CAPIL": figures(2, 1, 1, 0, 0, 35.0, 40.0, 20.0, 2, 2),  # waits 30, 40
        "KTP": figures(5, 2, 1, 1, 1, 15.0, 20.0, 12.5, 0, 2),  # waits 10, 20: the 2nd of two
    }
    assert body["by_counter"] == {
        "1": figures(2, 2, 0, 0, 0, 15.0, 20.0, 12.5, 0, 2),
        "2": figures(2, 1, 1, 0, 0, 35.0, 40.0, 20.0, 2, 2),
    }
    assert body["by_officer"] == {
        "petugas": {**figures(3, 2, 1, 0, 0, 26.7, 40.0, 15.0, 2, 3), "name": "petugas"},  # no name set
        "wayan": {**figures(1, 1, 0, 0, 0, 20.0, 20.0, 15.0, 0, 1), "name": "I Wayan Sudarma"},
    }
    assert body["by_channel"] == {
        "walk_in": figures(1, 1, 0, 0, 0, 40.0, 40.0, 20.0, 1, 1),
        "web": figures(5, 1, 2, 1, 1, 20.0, 30.0, 10.0, 1, 2),  # waits 10, 30
        "whatsapp": figures(1, 1, 0, 0, 0, 20.0, 20.0, 15.0, 0, 1),
    }
    assert body["by_kecamatan"] == {
        "": {**figures(1, 1, 0, 0, 0, 40.0, 40.0, 20.0, 1, 1), "name": ""},
        "51.02.01": {**figures(5, 2, 1, 1, 1, 15.0, 20.0, 12.5, 0, 2), "name": "Selemadeg"},
        "51.02.02": {**figures(1, 0, 1, 0, 0, 30.0, 30.0, None, 1, 1), "name": "Selemadeg Timur"},
    }
    # Days without tickets: zeros, and no average of nothing.
    empty = client.get(
        f"/api/v1/offices/{office.slug}/stats?from={TUESDAY}&to={TUESDAY}", headers=tokens["admin"]
    )
    assert {k: empty.json()[k] for k in figures(*[0] * 10)} == figures(0, 0, 0, 0, 0, None, None, None, 0, 0)


def test_today_s_tickets_still_in_the_queue_count_as_booked_only(client, office, clock, tokens):
    clock.move_to(wita(MONDAY, 9))
    ticket = book(office, 1, day=MONDAY)
    Ticket.objects.filter(pk=ticket.pk).update(
        status=Status.CALLED, arrived_at=wita(MONDAY, 8, 30), called_at=wita(MONDAY, 8, 50),
        counter=Counter.objects.get(office=office, number=1),
    )  # fmt: skip
    body = client.get(
        f"/api/v1/offices/{office.slug}/stats?from={MONDAY}&to={MONDAY}", headers=tokens["kepala"]
    ).json()
    assert {k: body[k] for k in figures(*[0] * 10)} == figures(1, 0, 0, 0, 0, 20.0, 20.0, None, 0, 1)


@pytest.mark.parametrize("role", ["petugas", "satpam", "verifikator"])
def test_other_staff_are_refused_in_plain_words(client, office, tokens, role):
    answer = client.get(f"/api/v1/offices/{office.slug}/stats", headers=tokens[role])
    assert answer.status_code == 403
    assert answer.json()["error"]["message"] == (
        "Angka kinerja kantor hanya untuk kepala dinas dan administrator kantor ini."
    )


def test_without_signing_in_it_is_401_and_nothing_is_told(client, office):
    answer = client.get(f"/api/v1/offices/{office.slug}/stats")
    assert answer.status_code == 401
    assert "booked" not in answer.content.decode()


def test_kepala_reads_but_cannot_write(client, office, tokens):
    assert client.post(f"/api/v1/offices/{office.slug}/stats", headers=tokens["kepala"]).status_code == 405


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2020-12-10&to=2020-12-01", "from"),  # past days, whatever the day today
        ("from=2025-01-01&to=2026-12-31", "to"),
        ("from=besok", "from"),
        ("from=2999-01-01&to=2999-01-31", "from"),  # days that have not come: nothing to read yet
    ],
)
def test_a_bad_span_is_refused_with_the_field_named(client, office, tokens, query, field):
    answer = client.get(f"/api/v1/offices/{office.slug}/stats?{query}", headers=tokens["kepala"])
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "invalid_fields" and field in error["fields"]


def test_the_head_of_office_reads_the_same_figures_on_the_summary_page(client, office, clock, staff):
    seed(office, staff["petugas"])
    clock.move_to(wita(TUESDAY, 10))
    client.force_login(staff["kepala"])
    assert "/rekap/" in client.get(f"/kepala/{office.slug}/").content.decode()
    page = client.get(f"/kepala/{office.slug}/rekap/?from={MONDAY}&to={MONDAY}")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="sum-booked"><strong>7<' in html and 'id="sum-served"><strong>3<' in html
    assert 'id="sum-wait"><strong>25,0<' in html and 'id="sum-wait-p90"><strong>40,0<' in html
    assert 'id="sum-over-target"><strong>2 <small>(50%)</small><' in html and "lebih dari 25 menit" in html
    assert 'data-code="CAPIL"' in html and 'data-code="51.02.02"' in html
    officers = html.split('id="by-officer"', 1)[1].split("</table>", 1)[0]
    assert re.findall(r'<tr data-code="(\w+)"><td>(.*?)</td>\s*<td class="num">(\d+)</td>', officers) == [
        ("petugas", '<span title="petugas">petugas</span>', "3"),
        ("wayan", 'I Wayan Sudarma <span class="muted">wayan</span>', "1"),
    ]
    assert "5102011203850001" not in html  # codes and counts, never a NIK


def test_the_summary_page_explains_a_bad_date_and_refuses_other_staff(client, office, staff):
    client.force_login(staff["kepala"])
    page = client.get(f"/kepala/{office.slug}/rekap/?from=kemarin")
    assert page.status_code == 422
    assert "Bukan tanggal: tulis TTTT-BB-HH" in page.content.decode()
    client.force_login(staff["petugas"])
    assert client.get(f"/kepala/{office.slug}/rekap/").status_code == 403


def test_the_summary_downloads_as_csv_and_xlsx_with_the_same_figures(client, office, clock, staff):
    import csv
    import io

    from openpyxl import load_workbook

    seed(office, staff["petugas"])
    clock.move_to(wita(TUESDAY, 10))
    client.force_login(staff["kepala"])
    page = f"/kepala/{office.slug}/rekap/?from={MONDAY}&to={MONDAY}"
    answer = client.get(page + "&format=csv")
    assert (
        answer["Content-Disposition"] == f'attachment; filename="rekap-{office.slug}-{MONDAY}-{MONDAY}.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(answer.content.decode())))
    total = next(r for r in rows if r["table"] == "total")
    assert (total["booked"], total["wait_avg_minutes"], total["wait_p90_minutes"]) == ("7", "25.0", "40.0")
    capil = next(r for r in rows if r["table"] == "service" and r["code"] == "CAPIL")
    assert capil["name"].startswith("Pencatatan sipil") and capil["no_show"] == "1"
    walk_in = next(r for r in rows if r["table"] == "channel" and r["code"] == "walk_in")
    assert walk_in["name"] == "Loket manual" and walk_in["served"] == "1"
    officers = {r["code"]: r for r in rows if r["table"] == "officer"}
    assert {code: (r["name"], r["booked"], r["wait_avg_minutes"]) for code, r in officers.items()} == {
        "petugas": ("petugas", "3", "26.7"),
        "wayan": ("I Wayan Sudarma", "1", "20.0"),
    }
    assert "5102011203850001" not in answer.content.decode()

    book = load_workbook(io.BytesIO(client.get(page + "&format=xlsx").content))
    assert book.sheetnames == ["Jumlah", "Per periode", "Layanan", "Loket", "Petugas", "Kanal", "Kecamatan"]
    by_officer = {row[0]: row for row in book["Petugas"].iter_rows(min_row=3, values_only=True)}
    assert by_officer["wayan"][1:4] == ("I Wayan Sudarma", 1, 1)
    assert by_officer["petugas"][8] == 40.0  # the p90 of 10, 30, 40
    sheet = book["Kecamatan"]
    assert [c.value for c in sheet[2]][:3] == ["kode", "nama", "booked"]
    by_code = {row[0]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert by_code["51.02.01"][2:5] == (5, 2, 1) and by_code["51.02.02"][9] is None  # nobody served there


def test_a_name_that_looks_like_a_formula_stays_text_in_the_downloads(client, office, clock, staff):
    import csv
    import io

    from openpyxl import load_workbook

    from antre.offices.models import Service

    Service.objects.filter(office=office, code="CAPIL").update(
        name='=HYPERLINK("http://evil.example","klik")'
    )
    seed(office, staff["petugas"])
    clock.move_to(wita(TUESDAY, 10))
    client.force_login(staff["admin"])
    page = f"/kepala/{office.slug}/rekap/?from={MONDAY}&to={MONDAY}"
    rows = csv.DictReader(io.StringIO(client.get(page + "&format=csv").content.decode()))
    assert next(r for r in rows if r["code"] == "CAPIL")["name"].startswith("'=HYPERLINK(")
    sheet = load_workbook(io.BytesIO(client.get(page + "&format=xlsx").content))["Layanan"]
    cell = next(row[1] for row in sheet.iter_rows(min_row=3) if row[0].value == "CAPIL")
    assert cell.data_type == "s" and cell.value.startswith("'=HYPERLINK(")


def test_the_90th_percentile_is_the_nearest_rank_not_the_longest():
    from antre.reports.tally import percentile

    waits = [float(m) for m in range(1, 21)]  # 1..20 minutes: nine in ten waited 18 or less
    assert percentile(waits, 90) == 18.0
    assert percentile([7.0, 3.0, 5.0], 90) == 7.0  # ceil(2.7) = the 3rd of three
    assert percentile([], 90) is None


def test_counters_are_listed_in_their_numbers_order():
    from antre.reports.tally import Row, grouped

    def row(counter: str) -> Row:
        return Row("KTP", counter, "web", "", "served", 5.0, 5.0)

    assert list(grouped([row("10"), row("2"), row("1")], lambda r: r.counter, 30)) == ["1", "2", "10"]


def test_a_span_into_the_future_ends_today_and_says_so(client, office, clock, tokens):
    clock.move_to(wita(MONDAY, 9))
    body = client.get(
        f"/api/v1/offices/{office.slug}/stats?from={MONDAY}&to={TUESDAY}", headers=tokens["kepala"]
    ).json()
    assert (body["from"], body["to"]) == (str(MONDAY), str(MONDAY))


def test_the_head_of_another_office_is_refused(client, office):
    from antre.offices.models import Office
    from antre.people.models import Role
    from antre.people.tests.factories import officer

    other = Office.objects.create(
        slug="badung", name="Disdukcapil Badung", region_code="51.03", timezone="Asia/Makassar"
    )
    for role in (Role.KEPALA, Role.ADMIN):
        head = officer(role, other, username=f"{role}-badung")
        token = {"Authorization": f"Token {ApiToken.for_user(head).key}"}
        assert client.get(f"/api/v1/offices/{office.slug}/stats", headers=token).status_code == 403
        assert client.get(f"/api/v1/offices/{other.slug}/stats", headers=token).status_code == 200


def test_the_history_comes_per_day_week_or_month(client, office, clock, tokens, staff):
    from antre.reports.stats import PERIODS

    seed(office, staff["petugas"])
    clock.move_to(wita(TUESDAY, 10))
    url = f"/api/v1/offices/{office.slug}/stats?from={MONDAY}&to={TUESDAY}"
    total = figures(7, 3, 2, 1, 1, 25.0, 40.0, 15.0, 2, 4)  # Tuesday has no ticket: no row for it
    week = "{}-W{:02d}".format(*MONDAY.isocalendar()[:2])
    for per, key in (("day", str(MONDAY)), ("week", week), ("month", f"{MONDAY:%Y-%m}")):
        body = client.get(f"{url}&per={per}", headers=tokens["kepala"]).json()
        assert (body["per"], body["by_period"]) == (per, {key: total})
    assert client.get(f"{url}&per=year", headers=tokens["kepala"]).status_code == 422
    # Keys sort in time order, and a week runs Monday to Sunday.
    friday, next_monday = MONDAY + dt.timedelta(days=4), MONDAY + dt.timedelta(days=7)
    assert PERIODS["week"](friday) == week < PERIODS["week"](next_monday)
    client.force_login(staff["kepala"])
    page = client.get(f"/kepala/{office.slug}/rekap/?from={MONDAY}&to={TUESDAY}&per=week").content.decode()
    assert f'data-code="{week}"' in page and "Per minggu" in page


def test_the_openapi_documents_the_figures_per_officer(client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    by_officer = schemas["StatsOut"]["properties"]["by_officer"]
    assert "username" in by_officer["description"]
    assert by_officer["additionalProperties"]["$ref"].endswith("/OfficerOut")
    assert {"name", "booked", "wait_p90_minutes"} <= set(schemas["OfficerOut"]["properties"])
