"""Taking an flock in turn with the machine's other processes, without ever waiting forever."""

from __future__ import annotations

import time

try:
    import fcntl
except ImportError:  # Windows: no flock; callers run one process there
    fcntl = None


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
