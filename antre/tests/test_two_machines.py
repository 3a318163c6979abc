"""Two machines against one PostgreSQL (#19): two `antre serve`, each with its own data directory,
sharing only the database and the shared configuration (the secret key and the personal-data key
file, docs/deployment.md). Nothing one machine keeps on its disk may be needed by the other."""

from __future__ import annotations

import time

import httpx
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from antre import ratelimit
from antre.applications.models import Application
from antre.applications.tests.factories import ADDRESS, VILLAGE, pdf
from antre.conftest import NIK_MADE
from antre.offices.models import Counter
from antre.people.models import ApiToken
from antre.queueing import staffing
from antre.queueing.models import Ticket
from antre.queueing.tests.factories import book
from antre.testing import Server, SSEClient, free_port

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="one machine on SQLite"),
]


@pytest.fixture
def two_machines(tmp_path):
    """Start machines A and B (each with its worker); stop them after the test."""
    started: list[Server] = []

    def start(*names: str) -> list[Server]:
        for name in names:
            (tmp_path / name).mkdir()
            server = Server(port=free_port()).start(
                timeout=60,
                ANTRE_DATA_DIR=str(tmp_path / name),
                ANTRE_FIELD_KEYS_FILE=str(settings.FIELD_KEYS_FILE),  # shared configuration
                ANTRE_RATELIMIT="on",
                ANTRE_WORKERS="1",
            )
            started.append(server)
        return started

    yield start
    for server in started:
        server.stop()


def clear_of_the_minute_turn() -> None:
    """The rate limit counts per clock minute: start its check where the minute will not turn."""
    if time.time() % 60 > 40:
        time.sleep(61 - time.time() % 60)


def application_form(**changes) -> dict[str, str]:
    return {
        "kind": "KK-TAMBAH",
        "nik": NIK_MADE,
        "name": "Ni Made Sari Dewi",
        "address": ADDRESS,
        "village": VILLAGE,
        "consent": "true",
        **changes,
    }


def test_documents_calls_and_the_rate_limit_cross_machines(
    two_machines, open_all_day, gate_off, staff, tmp_path
):
    a, b = two_machines("a", "b")
    clear_of_the_minute_turn()
    ratelimit.reset()  # counts left by other tests' servers in this minute

    # A document uploaded through A is read by a verifier through B.
    kk = pdf()
    sent = httpx.post(
        f"{a.url}/api/v1/offices/tabanan/applications",
        data=application_form(),
        files={"kk": ("kk.pdf", kk, "application/pdf"), "bukti": ("bukti.pdf", pdf(), "application/pdf")},
        timeout=30,
    )
    assert sent.status_code == 201, sent.text
    application = Application.objects.get(code=sent.json()["code"])
    document = application.documents.get(requirement__code="kk")
    verifier = Client()
    verifier.force_login(staff["verifikator"])
    cookies = {"sessionid": verifier.cookies["sessionid"].value}
    read = httpx.get(
        f"{b.url}/permohonan/{application.code}/berkas/{document.pk}/", cookies=cookies, timeout=30
    )
    assert read.status_code == 200 and read.content == kk
    assert read.headers["Cache-Control"] == "private, no-store"
    assert not any((tmp_path / "a").rglob("*.pdf")) and not any((tmp_path / "b").rglob("*.pdf"))

    # A call made through A reaches a display on B.
    counter = Counter.objects.get(office=open_all_day, number=1)
    staffing.open_counter(counter=counter, officer=staff["petugas"])
    ticket = book(open_all_day, name="Ni Made Sari Dewi")
    display = SSEClient(b.url, "/api/v1/offices/tabanan/events")
    try:
        display.next(kind="board")
        called = httpx.post(
            f"{a.url}/api/v1/counters/{counter.pk}/call-next",
            headers={"Authorization": f"Token {ApiToken.for_user(staff['petugas']).key}"},
            timeout=30,
        )
        assert called.status_code == 200, called.text
        call = display.next(kind="call")
        assert call.data["number"] == ticket.number and call.data["counter"] == 1
    finally:
        display.close()

    # The rate limit counts across both: 10 applications a minute per address (one sent above).
    answers = [
        httpx.post(
            f"{server.url}/api/v1/offices/tabanan/applications", data=application_form(nik="1"), timeout=30
        )
        for server in (a, b) * 5
    ]
    assert [r.status_code for r in answers] == [422] * 9 + [429]  # the tenth from here is refused, on B
    assert httpx.post(f"{a.url}/api/v1/offices/tabanan/applications", data={}, timeout=30).status_code == 429


def test_two_workers_invite_each_citizen_once(two_machines, open_all_day):
    # On the real clock: open_all_day keeps the door open all day (and starts clear of midnight).
    open_all_day.capacity = 2
    open_all_day.save()
    tickets = [book(open_all_day, i) for i in range(1, 6)]
    two_machines("a", "b")  # each runs the worker: invitations at start, then every 15 s
    deadline = time.monotonic() + 30
    while Ticket.objects.filter(invited_at__isnull=False).count() < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(3)  # both workers have had their turn
    counts = dict(Ticket.objects.values_list("number", "invitations"))
    assert counts == {t.number: (1 if i < 2 else 0) for i, t in enumerate(tickets)}
    assert Ticket.objects.filter(invited_at__isnull=False).count() == 2


def test_machines_starting_at_once_migrate_and_seed_one_after_the_other(office):
    import threading

    from django.db import connections

    from antre import commands, worker

    other = connections.create_connection("default")  # machine A, migrating
    done = threading.Event()

    def machine_b() -> None:
        try:
            commands.prepare()
            done.set()
        finally:
            connections.close_all()

    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [worker.LOCK_SPACE, worker.lock_key("start")])
        b = threading.Thread(target=machine_b)
        b.start()
        assert not done.wait(1.0)  # B waits for A
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [worker.LOCK_SPACE, worker.lock_key("start")])
        assert done.wait(60)
        b.join()
    finally:
        other.close()
