"""The head of office watches today's queue, read-only: the day's figures, and no button that changes it."""

import re

import pytest

from antre.applications.models import Application, AppStatus
from antre.conftest import MONDAY, NIK_MADE, TUESDAY, nik_for, wita
from antre.gate import services as gate
from antre.offices.models import Counter
from antre.queueing import calling
from antre.queueing.models import Status, Ticket
from antre.queueing.services import book_ticket, cancel_ticket
from antre.reports.figures import queue_today


@pytest.fixture
def a_busy_morning(office, staff, clock):
    """Monday from 09.00: eight numbers, five in, one fever, one cancel; two counters at work."""
    at = iter(wita(MONDAY, 9, minute) for minute in range(60))

    def book(code, i, name="Warga Tabanan", nik=None):
        return book_ticket(
            office=office, service_code=code, name=name, nik=nik or nik_for(i), now=next(at)
        ).ticket

    def screen(ticket, temperature="36,5"):
        gate.screen(
            office=office,
            ticket_ref=ticket.token,
            temperature_c=temperature,
            mask=True,
            hands_washed=True,
            officer=staff["satpam"],
            now=next(at),
        )

    a1, a2, a3 = book("KTP", 1, "Ni Made Sari Dewi", NIK_MADE), book("KTP", 2), book("KTP", 3)
    a4, d1, _d2, e1, e2 = (
        book("KTP", 4),
        book("CAPIL", 5),
        book("CAPIL", 6),
        book("LEGAL", 7),
        book("LEGAL", 8),
    )
    for ticket in (a1, a2, a3, d1, e1):
        screen(ticket)
    screen(e2, "38,2")
    cancel_ticket(token=a4.token, now=next(at))
    loket1, loket2 = Counter.objects.get(number=1), Counter.objects.get(number=2)
    petugas = staff["petugas"]

    def act(ticket, action):
        calling.act(token=ticket.token, action=action, officer=petugas, now=next(at))

    assert calling.call_next(counter=loket1, officer=petugas, now=next(at)) == a1
    act(a1, "start")
    act(a1, "finish")
    assert calling.call_next(counter=loket1, officer=petugas, now=next(at)) == a2
    act(a2, "no_show")
    assert calling.call_next(counter=loket1, officer=petugas, now=next(at)) == a3
    assert calling.call_next(counter=loket2, officer=petugas, now=next(at)) == d1
    act(d1, "start")
    clock.move_to(wita(MONDAY, 10))
    return office


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
    from antre.applications.tests.test_applications import form

    waiting = book_ticket(office=office, service_code="KTP", name="Warga", nik=nik_for(1)).ticket
    client.post("/k/tabanan/permohonan/KK-TAMBAH/", form())
    application = Application.objects.get()
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
