"""Background jobs: `antre worker` runs them alone; `antre serve` runs them in a thread (unless --no-worker).

Several machines, each with its worker, share one PostgreSQL (docs/deployment.md). Each job says
where it runs (`Job.scope`):

- DATABASE jobs change what every machine sees (invitations, expiry at the day's end, counters
  closed at closing time, closed days, "leave home", retention's purge, report days, sign-in
  records, booking budgets). Each run is led by one worker at a time: the one that wins the job's
  advisory lock (`pg_try_advisory_lock`, held for the run, given back after it or with its
  connection); the others skip that turn and try again at their next. Beneath the leader, every
  job also claims its rows as the actions it complements do (the office's or the counter's row
  lock, a status in the UPDATE's WHERE, the outbox's unique key per message), so a run that
  overlaps another — a leader cut off mid-run, SQLite's processes — only repeats work already done.
- WhatsApp has two threads of its own in every worker, which never wait on the others' ticks: the
  sender (antre.whatsapp.outbox: each message claimed with SKIP LOCKED, a number's rate shared
  through its row) and the bot's answerer (antre.whatsapp.answering: each chat claimed in turn).
- MACHINE jobs tidy this machine's own files (the speech cache): every machine runs its own.
  Documents held for a form, documents received over WhatsApp and files an officer sends from the
  inbox wait in the shared storages (antre.applications.storage), tidied by DATABASE jobs.

On SQLite there is one machine: its processes share the database's write slot, and no lock is taken.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction

from antre import clock, retention
from antre.applications import holding
from antre.applications.storage import transit
from antre.gate.services import refresh_invitations
from antre.live.voice import prune_cache
from antre.offices.models import Office
from antre.people import signin
from antre.queueing import arrivals, budgets, life, staffing
from antre.queueing.closures import sweep
from antre.queueing.life import Action
from antre.queueing.models import Ticket
from antre.reports import rollup
from antre.spans import LONGEST_SPAN
from antre.whatsapp import answering, outbox

log = logging.getLogger(__name__)

INVITATION_SECONDS = 15
EXPIRY_SECONDS = 300


def invite_and_lapse() -> int:
    """Lapse invitations that ran out and invite the next citizens, at every office with a gate."""
    invited = 0
    for office in Office.objects.filter(gate_enabled=True):
        invited += len(refresh_invitations(office))
    return invited


def expire_past_tickets() -> int:
    """Tickets of days that have ended leave the queue as expired (SPEC §5)."""
    expired = 0
    now = clock.now()
    for office in Office.objects.all():
        with transaction.atomic():
            # The office row first, as every counter and gate action takes it: the tickets' count
            # triggers then take number rows with no other action holding tickets in between.
            Office.objects.select_for_update(no_key=True).get(pk=office.pk)
            stale = Ticket.objects.filter(
                office=office, day__lt=office.local_today(now), status__in=life.from_statuses(Action.EXPIRE)
            )
            status = life.target_of(Action.EXPIRE)
            expired += stale.inside().update(status=status, finished_at=now, left_at=now)
            expired += stale.update(status=status, finished_at=now)
    return expired


def end_counter_shifts() -> int:
    """Counters still open when the day's serving time is over close at its end, reason `day_end`:
    the staffing log never holds a shift running over night (antre.queueing.staffing)."""
    now = clock.now()
    return sum(staffing.close_finished_days(office, now) for office in Office.objects.all())


def tell_to_leave_home() -> int:
    """WhatsApp "time to leave" for citizens booked from home, before their come-at time."""
    now = clock.now()
    return sum(arrivals.send_leave_home(office, now) for office in Office.objects.all())


def purge() -> dict[str, int]:
    """What the personal-data notice promises to forget, done now: `antre purge`, and the worker daily."""
    return {
        "tickets": retention.anonymise_tickets(now=clock.now()),
        "whatsapp": retention.forget_whatsapp(now=clock.now()),
        "applications": retention.delete_applications(now=clock.now()),
        "idempotency keys": retention.forget_idempotency_keys(now=clock.now()),
        "unconfirmed bookings": retention.forget_unconfirmed(now=clock.now()),
    }


def purge_personal_data() -> int:
    return sum(purge().values())


def remove_held_documents() -> int:
    """Documents held for an application form that was never sent, once their time is up."""
    return holding.remove_expired(now=clock.now())


def prune_speech() -> int:
    """Spoken announcements, and files an officer sent from the inbox a day old that an older
    version left in the data dir (now they wait in the shared storage, with the received ones)."""
    removed = prune_cache()
    cutoff = time.time() - 86400  # file times are the machine's, not the domain's clock
    for folder in ("wa-outgoing",):
        for path in (Path(settings.DATA_DIR) / folder).rglob("*"):
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
    return removed


def forget_received_media() -> int:
    """Documents received over WhatsApp a day ago for an application never finished (a
    conversation that stopped halfway), and an officer's files WhatsApp never took: in the database
    on PostgreSQL, in DATA_DIR/wa-media on SQLite."""
    return transit().prune(dt.timedelta(days=1))


def cancel_on_closed_days() -> int:
    """Tickets still waiting on a day the office has closed (antre.queueing.closures.sweep)."""
    return sweep()


def forget_old_sign_ins() -> int:
    return signin.forget_old_sign_ins(clock.now())


def keep_report_days() -> int:
    """The closed days of the last year that the head of office's figures have not kept yet (after
    each day's end, and the whole year the first time), so that no page waits for them."""
    now, kept = clock.now(), 0
    for office in Office.objects.all():
        yesterday = office.local_today(now) - dt.timedelta(days=1)
        kept += rollup.keep(office, yesterday - dt.timedelta(days=LONGEST_SPAN - 1), yesterday, now=now)
    return kept


def forget_old_budgets() -> int:
    """Booking budgets of days gone (antre.queueing.budgets): a day in UTC lags no office's day by more."""
    return budgets.forget_before(clock.now().date() - dt.timedelta(days=1))


class Scope(Enum):
    DATABASE = "database"  # one leader per run, elected by an advisory lock
    MACHINE = "machine"  # every machine, on its own files


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], int]
    every: int  # seconds
    scope: Scope = Scope.DATABASE


JOBS: list[Job] = [
    Job("invitations", invite_and_lapse, INVITATION_SECONDS),
    Job("closed days", cancel_on_closed_days, 60),
    Job("expiry", expire_past_tickets, EXPIRY_SECONDS),
    Job("counter shifts", end_counter_shifts, 60),
    Job("leave home", tell_to_leave_home, 60),
    Job("speech cache", prune_speech, 3600, Scope.MACHINE),
    Job("personal data retention", purge_personal_data, 6 * 3600),
    Job("held documents", remove_held_documents, 600),  # in the shared storage (SQLite: one machine)
    Job("received media", forget_received_media, 3600),  # the shared transit storage (SQLite: one machine)
    Job("report days", keep_report_days, 3600),
    Job("sign-in records", forget_old_sign_ins, 6 * 3600),
    Job("booking budgets", forget_old_budgets, 3600),
]

LOCK_SPACE = 0x616E7472  # "antr": the first key of every worker lock, apart from any other user's


def lock_key(name: str) -> int:
    """The second key of a job's advisory lock: the same on every machine."""
    return zlib.crc32(name.encode()) & 0x7FFFFFFF


def run_job(job: Job) -> int | None:
    """Run `job` once; None when another worker leads this run (on PostgreSQL) and this one skips it."""
    if job.scope is not Scope.DATABASE or connection.vendor != "postgresql":
        return job.run()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_SPACE, lock_key(job.name)])
        (leader,) = cursor.fetchone()
    if not leader:
        return None
    try:
        return job.run()
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_SPACE, lock_key(job.name)])
        except DatabaseError:
            connection.close()  # a lock held by a broken connection goes with it


def run_forever(stop: threading.Event | None = None) -> None:
    stop = stop or threading.Event()
    for name, loop in (("antre-wa-sender", outbox.run_forever), ("antre-wa-answerer", answering.run_forever)):
        threading.Thread(target=loop, args=(stop,), name=name, daemon=True).start()
    due = {job.name: 0.0 for job in JOBS}
    while not stop.is_set():
        for job in JOBS:
            if time.monotonic() < due[job.name]:
                continue
            due[job.name] = time.monotonic() + job.every
            try:
                close_old_connections()
                done = run_job(job)
                if done:
                    log.info("worker %s: %s", job.name, done)
            except Exception:
                log.exception("worker job %s failed; it runs again later", job.name)
        stop.wait(1.0)


def start_in_thread() -> threading.Event:
    stop = threading.Event()
    threading.Thread(target=run_forever, args=(stop,), name="antre-worker", daemon=True).start()
    return stop
