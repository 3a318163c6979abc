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


_held: list[int] = []  # descriptors whose shared lock this process keeps until it ends


def hold_shared(path: str, wait: float = 120.0) -> bool:
    """A shared flock on `path`, kept until this process ends (the kernel drops it then, also
    after kill -9). Waits up to `wait` seconds while an exclusive holder works; False if it still
    does, True otherwise (also where there is no flock)."""
    if not HAVE_FLOCK:
        return True
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            _held.append(fd)
            return True
        except BlockingIOError:
            if time.monotonic() > deadline:
                os.close(fd)
                return False
            time.sleep(0.1)


def try_exclusive(path: str) -> int | None:
    """An exclusive flock on `path` if nobody holds one, as a descriptor to `release`; else None."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    if not HAVE_FLOCK:
        return fd
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def release(fd: int) -> None:
    """Let go of a lock from `try_exclusive` (closing the descriptor drops the flock)."""
    os.close(fd)
