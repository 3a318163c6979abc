"""SQLite for the embedded default: writers queue on a lock, not in SQLite's busy loop.

SQLite lets one writer in at a time. When many threads start IMMEDIATE transactions at once, the
losers wait in SQLite's busy handler, which sleeps and polls (up to 100 ms a nap), so the writer
after them starts late, often long after the slot came free. Instead a writer first takes the write
slot: a lock in this process, then an exclusive flock on a file beside the database, tried every
0.2 ms while another process holds it. So the server's processes take turns as the slot comes free.
Another program that ignores the file (the sqlite3 shell) still meets SQLite's own locking and
busy timeout, so correctness never depends on this lock.
"""

from __future__ import annotations

import threading
import time

from django.db import OperationalError
from django.db.backends.sqlite3 import base

from antre import locks

WRITE_SLOT = threading.Lock()


def _slot_file(database: str) -> int | None:
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return locks.lock_file(f"{database}-writer.lock")


def _take_turn(fd: int, deadline: float) -> None:
    """flock the slot file; give up at the deadline, as SQLite would (a stalled holder)."""
    try:
        locks.flock_until(fd, deadline)
    except TimeoutError:
        raise OperationalError("database is locked") from None


class DatabaseWrapper(base.DatabaseWrapper):
    holds_write_slot = False
    slot_fd: int | None = None

    def _start_transaction_under_autocommit(self):
        # One deadline for the whole wait, as SQLite's busy timeout would give: queued threads do
        # not each wait their own timeout behind a stalled holder.
        timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
        deadline = time.monotonic() + timeout
        if not WRITE_SLOT.acquire(timeout=timeout):
            raise OperationalError("database is locked")
        self.holds_write_slot = True
        try:
            self.slot_fd = _slot_file(str(self.settings_dict["NAME"]))
            if self.slot_fd is not None:
                _take_turn(self.slot_fd, deadline)
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # a private hook: not in django-stubs
        except BaseException:
            self._release_write_slot()
            raise

    def _release_write_slot(self) -> None:
        if self.holds_write_slot:
            self.holds_write_slot = False
            try:
                if self.slot_fd is not None:
                    locks.unlock(self.slot_fd)
            finally:
                WRITE_SLOT.release()

    def _commit(self):
        try:
            return super()._commit()  # type: ignore[misc]  # a private hook: not in django-stubs
        finally:
            self._release_write_slot()

    def _rollback(self):
        try:
            return super()._rollback()  # type: ignore[misc]  # a private hook: not in django-stubs
        finally:
            self._release_write_slot()

    def _close(self):
        try:
            return super()._close()  # type: ignore[misc]  # a private hook: not in django-stubs
        finally:
            self._release_write_slot()
