"""The SQLite write slot shared by the server's processes: taken in turn, and never waited for forever."""

from __future__ import annotations

import fcntl
import os
import time

import pytest
from django.db import OperationalError

from antre.db.sqlite.base import _take_turn


def test_a_writer_gives_up_when_another_process_holds_the_slot_too_long(tmp_path):
    lock = tmp_path / "antre.sqlite3-writer.lock"
    holder = os.open(lock, os.O_RDWR | os.O_CREAT)
    waiter = os.open(lock, os.O_RDWR)  # another open file: as another process, flock-wise
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)  # a stalled writer elsewhere
        started = time.monotonic()
        with pytest.raises(OperationalError, match="database is locked"):
            _take_turn(waiter, time.monotonic() + 0.3)
        assert 0.3 <= time.monotonic() - started < 5
        fcntl.flock(holder, fcntl.LOCK_UN)  # it lets go: the next writer gets its turn at once
        _take_turn(waiter, time.monotonic() + 0.3)
    finally:
        os.close(holder)
        os.close(waiter)
