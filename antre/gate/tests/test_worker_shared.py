"""Two workers on one PostgreSQL (two machines): each run of a database job has one leader, elected
by an advisory lock, and beneath it every citizen is invited once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from antre import worker
from antre.gate import signals
from antre.queueing.models import Ticket
from antre.queueing.tests.factories import book

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="one machine on SQLite")

INVITATIONS = next(job for job in worker.JOBS if job.name == "invitations")


def in_threads(n: int, work) -> list:
    """`work()` in `n` threads at once, each with its own database connection (a worker each)."""
    start, results, errors = threading.Barrier(n), [], []

    def one() -> None:
        try:
            start.wait()
            results.append(work())
        except Exception as exc:  # pragma: no cover - shown by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    return results


@pytest.mark.django_db(transaction=True)
def test_two_workers_invite_each_citizen_once(open_all_day):
    open_all_day.capacity = 3
    open_all_day.save()
    tickets = [book(open_all_day, i) for i in range(1, 7)]
    invited: list[str] = []
    lock = threading.Lock()

    def told(sender, *, ticket, until, **kw) -> None:
        with lock:
            invited.append(ticket.number)

    signals.invited.connect(told, dispatch_uid="test-two-workers")
    try:
        # Beneath the leader: two runs at the very same moment still invite each citizen once.
        in_threads(2, worker.invite_and_lapse)
        # And as the workers run it: one leads each turn, the other skips it.
        in_threads(2, lambda: [worker.run_job(INVITATIONS) for _ in range(5)])
    finally:
        signals.invited.disconnect(dispatch_uid="test-two-workers")
    assert sorted(invited) == sorted(t.number for t in tickets[:3])  # the first three, once each
    assert Ticket.objects.filter(invited_at__isnull=False).count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_job_led_by_another_worker_is_skipped_until_it_is_done(office):
    ran: list[int] = []
    job = worker.Job("test job", lambda: ran.append(1) or 1, 60)
    other = connections.create_connection("default")  # another machine's worker, holding the lead
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [worker.LOCK_SPACE, worker.lock_key(job.name)])
        assert worker.run_job(job) is None and ran == []
        machine_job = worker.Job("test machine job", lambda: ran.append(2) or 1, 60, worker.Scope.MACHINE)
        assert worker.run_job(machine_job) == 1 and ran == [2]  # its own files: every machine runs it
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_unlock(%s, %s)", [worker.LOCK_SPACE, worker.lock_key(job.name)]
            )
        assert worker.run_job(job) == 1 and ran == [2, 1]
    finally:
        other.close()
    with connection.cursor() as cursor:  # the lead is given back after the run
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
        assert cursor.fetchone() == (0,)
