"""Background jobs: `antre worker` runs them alone; `antre serve` runs them in a thread (unless --no-worker).

Each job is safe to run in several processes at once: it takes the same row locks as the actions
it complements, so two workers only repeat work that is already done. WhatsApp has two threads of
its own, which never wait on the others' ticks: the sender (antre.whatsapp.outbox) and the bot's
answerer (antre.whatsapp.answering).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, transaction

from antre import clock, retention
from antre.applications import holding
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
    """Spoken announcements, and WhatsApp files a day old (left by a conversation that stopped halfway)."""
    removed = prune_cache()
    cutoff = time.time() - 86400  # file times are the machine's, not the domain's clock
    for folder in ("wa-media", "wa-outgoing"):
        for path in (Path(settings.DATA_DIR) / folder).rglob("*"):
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
    return removed


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


JOBS: list[tuple[str, Callable[[], int], int]] = [
    ("invitations", invite_and_lapse, INVITATION_SECONDS),
    ("closed days", cancel_on_closed_days, 60),
    ("expiry", expire_past_tickets, EXPIRY_SECONDS),
    ("counter shifts", end_counter_shifts, 60),
    ("leave home", tell_to_leave_home, 60),
    ("speech cache", prune_speech, 3600),
    ("personal data retention", purge_personal_data, 6 * 3600),
    ("held documents", remove_held_documents, 600),
    ("report days", keep_report_days, 3600),
    ("sign-in records", forget_old_sign_ins, 6 * 3600),
    ("booking budgets", forget_old_budgets, 3600),
]


def run_forever(stop: threading.Event | None = None) -> None:
    stop = stop or threading.Event()
    for name, loop in (("antre-wa-sender", outbox.run_forever), ("antre-wa-answerer", answering.run_forever)):
        threading.Thread(target=loop, args=(stop,), name=name, daemon=True).start()
    due = {name: 0.0 for name, _job, _every in JOBS}
    while not stop.is_set():
        for name, job, every in JOBS:
            if time.monotonic() < due[name]:
                continue
            due[name] = time.monotonic() + every
            try:
                close_old_connections()
                done = job()
                if done:
                    log.info("worker %s: %s", name, done)
            except Exception:
                log.exception("worker job %s failed; it runs again later", name)
        stop.wait(1.0)


def start_in_thread() -> threading.Event:
    stop = threading.Event()
    threading.Thread(target=run_forever, args=(stop,), name="antre-worker", daemon=True).start()
    return stop
