"""The monthly report: the PDF the head of office signs, with the seeded Monday's figures worked out
by hand in test_stats, the survey's eight answers of test_rules, and four applications worked out
below; the month is chosen on its page, and nobody but kepala and admin may have it."""

from __future__ import annotations

import datetime as dt
import re

import pypdfium2
import pytest

from antre.applications.models import Application, ApplicationKind, AppStatus, StatusChange
from antre.audit.models import AuditEntry
from antre.conftest import MADE, MONDAY, wita
from antre.offices.models import Region
from antre.reports.monthly import month_of
from antre.reports.tests.test_stats import seed
from antre.survey.tests.test_report import store
from antre.survey.tests.test_rules import EIGHT

pytestmark = pytest.mark.django_db
URL = "/kepala/tabanan/laporan/"
MONTH = f"{MONDAY:%Y-%m}"
NEXT_MONTH = (MONDAY.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def pdf_text(content: bytes) -> str:
    document = pypdfium2.PdfDocument(content)
    return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))


def application(office, kind, submitted: dt.datetime, *ended: tuple[str, dt.datetime]) -> Application:
    made = Application.objects.create(
        office=office, kind=kind, nik=MADE.nik, name=MADE.name, address="Jl. Gatot Subroto 1",
        village=Region.objects.get(code="51.02.05.2001"), consent_at=submitted,
    )  # fmt: skip
    Application.objects.filter(pk=made.pk).update(submitted_at=submitted, status=AppStatus.SUBMITTED)
    for status, at in ended:
        change = StatusChange.objects.create(application=made, status=status)
        StatusChange.objects.filter(pk=change.pk).update(at=at)
        Application.objects.filter(pk=made.pk).update(status=status)
    return made


@pytest.fixture
def a_month(office, staff, clock):
    """The Monday of test_stats, eight survey answers, and four applications of one kind (three
    working days promised): A done the same day (on time), B sent fourteen days before and done on
    Monday (late), C refused on Monday, D still open."""
    office.agency_line, office.head_name, office.head_nip = (
        "PEMERINTAH KABUPATEN TABANAN",
        "I Made Kepala",
        "1970",
    )
    office.letter_city = "Tabanan"
    office.save()
    seed(office, staff["petugas"])
    store(office, EIGHT)
    kind = ApplicationKind.objects.filter(office=office).order_by("pk").first()
    kind.sla_days = 3
    kind.save()
    application(office, kind, wita(MONDAY, 9), (AppStatus.DONE, wita(MONDAY, 14)))
    application(office, kind, wita(MONDAY - dt.timedelta(days=14), 9), (AppStatus.DONE, wita(MONDAY, 15)))
    application(office, kind, wita(MONDAY, 10), (AppStatus.REJECTED, wita(MONDAY, 16)))
    application(office, kind, wita(MONDAY, 11))
    clock.move_to(wita(NEXT_MONTH + dt.timedelta(days=2), 9))  # the month has ended
    return kind


def test_the_report_carries_the_months_figures_worked_out_by_hand(client, staff, a_month):
    client.force_login(staff["kepala"])
    response = client.get(URL + f"?month={MONTH}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    lines = text.splitlines()
    # The letterhead, the month, and the signature block with the name set in the admin.
    assert "PEMERINTAH KABUPATEN TABANAN" in text and "LAPORAN BULANAN" in text
    assert "bulan belum selesai" not in text
    assert "I Made Kepala" in text and "NIP. 1970" in text
    # The summary (test_stats): 7 numbers, 3 served, 2 no-shows (one expired), waits 10, 20, 30, 40.
    assert "Nomor antrean diambil (semua kanal) 7 0" in lines
    assert "Selesai dilayani 3 (42,9 %) 0" in lines
    assert "Tidak hadir 2 (28,6 %) 0" in lines
    assert "Rata-rata menunggu (menit) 25,0 -" in lines
    assert "9 dari 10 menunggu paling lama (menit) 40,0 -" in lines
    assert "Menunggu lebih dari target 25 menit 2 (50,0 %) 0" in lines  # 30 and 40 of the 4 called
    assert "Rata-rata lama dilayani (menit) 15,0 -" in lines
    # Per service and per kecamatan, as the API gives them.
    flat = " ".join(text.split())  # a cell that wraps is one run of words
    assert re.search(r"CAPIL [^0-9]+ 2 1 1 35,0 40,0 20,0 KTP [^0-9]+ 5 2 1 15,0 20,0 12,5 ", flat)
    assert "51.02.01 Selemadeg 5 2 1 - (tanpa NIK) 1 1 0 51.02.02 Selemadeg Timur 1 0 1" in flat
    # Per officer (test_stats): petugas called 1, 3, 4 (waits 10, 30, 40; served 10 and 20 minutes),
    # I Wayan Sudarma called 2 (20; 15).
    assert "petugas 3 2 1 26,7 40,0 15,0 I Wayan Sudarma 1 1 0 20,0 20,0 15,0" in flat
    # Applications: received A, C, D (B too when its day falls in the month); done A and B, one on time.
    received = 3 + ((MONDAY - dt.timedelta(days=14)).month == MONDAY.month)
    assert f"{a_month.name} {received} 2 1 (50,0 %) 1 Jumlah {received} 2 1 (50,0 %) 1" in flat
    assert "Masih diproses saat laporan dibuat: 1 permohonan" in text
    # The SKM of the eight answers (test_rules): IKM 81.60, B.
    assert "IKM 81,60, mutu pelayanan B (Baik)." in text
    assert "Responden: 8 dari sampel minimum" in text
    assert "3 Waktu penyelesaian 2,625 0,292 C" in lines
    assert AuditEntry.objects.filter(subject="laporan-bulanan", actor=staff["kepala"]).count() == 1


def test_the_month_under_way_says_so(client, staff, a_month, clock):
    clock.move_to(wita(MONDAY + dt.timedelta(days=1), 9))
    client.force_login(staff["admin"])
    text = pdf_text(client.get(URL + f"?month={MONTH}").content)
    assert "bulan belum selesai" in text


def test_a_month_badly_written_or_not_yet_come_is_refused_with_words(client, staff, a_month):
    client.force_login(staff["kepala"])
    for asked, message in (("2026-13", "Bukan bulan"), ("bulan lalu", "Bukan bulan"),
                           (f"{NEXT_MONTH.year + 1}-01", "Bulan itu belum tiba")):  # fmt: skip
        page = client.get(URL + f"?month={asked}")
        assert page.status_code == 422 and message in page.content.decode()
    assert not AuditEntry.objects.filter(subject="laporan-bulanan").exists()


def test_the_page_offers_the_last_twelve_months(client, staff, a_month):
    client.force_login(staff["kepala"])
    page = client.get(URL).content.decode()
    assert page.count('href="?month=') == 12 and f'href="?month={MONTH}"' in page


def test_the_default_month_is_the_last_finished_one():
    assert month_of(None, today=dt.date(2031, 3, 5)) == (dt.date(2031, 2, 1), dt.date(2031, 2, 28), "")
    assert month_of("2031-03", today=dt.date(2031, 3, 5))[:2] == (dt.date(2031, 3, 1), dt.date(2031, 3, 5))


@pytest.mark.parametrize("role", ["petugas", "satpam", "verifikator"])
def test_other_staff_are_refused(client, staff, a_month, role):
    client.force_login(staff[role])
    assert client.get(URL + f"?month={MONTH}").status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(client, a_month):
    response = client.get(URL + f"?month={MONTH}")
    assert response.status_code == 302 and "/masuk/" in response["Location"]
