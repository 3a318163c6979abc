"""SQLite for the embedded default: writers queue on a lock in this process, not in SQLite's busy loop.

SQLite lets one writer in at a time. When many threads start IMMEDIATE transactions at once, the
losers wait in SQLite's busy handler, which sleeps and polls (up to 100 ms a nap): in a morning
rush most of the time goes to those naps. A process-wide lock hands the write slot from one
thread to the next at once. Other processes (a separate `antre worker`) still meet SQLite's own
locking and busy timeout, so correctness never depends on this lock.
"""

from __future__ import annotations

import threading

from django.db.backends.sqlite3 import base

WRITE_SLOT = threading.Lock()


class DatabaseWrapper(base.DatabaseWrapper):
    holds_write_slot = False

    def _start_transaction_under_autocommit(self):
        WRITE_SLOT.acquire()
        self.holds_write_slot = True
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_write_slot()
            raise

    def _release_write_slot(self) -> None:
        if self.holds_write_slot:
            self.holds_write_slot = False
            WRITE_SLOT.release()

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._release_write_slot()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_write_slot()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._release_write_slot()
