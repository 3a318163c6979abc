"""Taking an flock in turn with the machine's other processes, without ever waiting forever."""

from __future__ import annotations

import os
import threading
import time

try:
    import fcntl

    HAVE_FLOCK = True
except ImportError:  # Windows: no flock; callers run one process there
    HAVE_FLOCK = False


_files: dict[str, int] = {}
_files_lock = threading.Lock()


def lock_file(path: str) -> int | None:
    """The descriptor of a lock file, opened once per process; None where there is no flock."""
    if not HAVE_FLOCK:
        return None
    with _files_lock:
        if path not in _files:
            _files[path] = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        return _files[path]


def flock_until(fd: int, deadline: float) -> None:
    """An exclusive flock on `fd`, or TimeoutError once time.monotonic() passes `deadline`.

    Tried every 0.2 ms while another process holds it (a holder keeps it about a millisecond), then
    every 2 ms if it holds on: a blocking flock would hand over sooner but could wait forever.
    """
    started = time.monotonic()
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            now = time.monotonic()
            if now > deadline:
                raise TimeoutError("lock held elsewhere") from None
            time.sleep(0.0002 if now - started < 0.05 else 0.002)


def unlock(fd: int) -> None:
    fcntl.flock(fd, fcntl.LOCK_UN)
