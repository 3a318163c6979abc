"""Waking the other processes of one machine on SQLite, as PostgreSQL's NOTIFY does on PostgreSQL.

Each process that serves live streams binds a UNIX datagram socket named by its pid in
`DATA_DIR/run/live/`. After a commit that recorded an event, `announce(office_id)` sends the
office id to every other socket there: the server's sibling processes, whichever of them holds a
display's stream, learn of a call at once, and so do they of what a separate `antre worker` did.
A socket whose process is gone is removed when the next process starts listening. A datagram
lost to a full buffer is caught up by the hub's safety poll, and Last-Event-ID replay means a
stream never misses an event, only hears of it later.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import logging
import os
import socket
import stat
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

log = logging.getLogger(__name__)

SUPPORTED = os.name == "posix" and hasattr(socket, "AF_UNIX")

_sender: socket.socket | None = None
_sender_lock = threading.Lock()
_own: Path | None = None


def directories() -> list[Path]:
    """Where the sockets may be, in order: in the data dir, then a private folder of the temp dir
    named after the data dir, for a data-dir path too long for a socket address (about 100 bytes)
    or on a file system that cannot hold sockets. Senders look in both."""
    inside = Path(settings.DATA_DIR).resolve() / "run" / "live"
    fallback = _fallback(inside)
    if len(str(inside / "4194304.sock").encode()) < 100:
        return [inside, fallback]
    return [fallback]


def _fallback(inside: Path) -> Path:
    digest = hashlib.sha256(str(inside).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"antre-live-{digest}"


def directory() -> Path:
    """The folder this process's socket goes in when nothing prevents it."""
    return directories()[0]


def announce(office_id: int) -> None:
    """Tell every other process on this machine that an office has new events (any thread)."""
    global _sender
    if not SUPPORTED:
        return
    paths = []
    for folder in directories():
        with contextlib.suppress(OSError):
            paths += [p for p in folder.glob("*.sock") if p != _own]
    if not paths:
        return
    payload = str(office_id).encode()
    with _sender_lock:
        if _sender is None:
            try:
                _sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            except OSError as exc:  # out of descriptors: the safety poll catches up
                log.warning("could not wake the other processes: %s", exc)
                return
            _sender.setblocking(False)
            atexit.register(_sender.close)  # else the interpreter warns of an open socket at exit
        for path in paths:
            try:
                _sender.sendto(payload, str(path))
            except (ConnectionRefusedError, FileNotFoundError):
                # Its process is gone. The file is left to the next listener's sweep, which checks
                # the pid: unlinking it here could remove the socket a new process just bound.
                continue
            except OSError as exc:  # a full buffer: that process's safety poll catches up
                log.debug("could not wake %s: %s", path.name, exc)


def listen(loop, wake: Callable[[int], None]) -> socket.socket | None:
    """Bind this process's socket and call `wake(office_id)` on the loop for each announcement."""
    global _own
    if not SUPPORTED:
        return None
    for folder in directories():  # every place senders look, so none fills with dead sockets
        with contextlib.suppress(OSError):
            _check_private(folder)
            _sweep(folder)
    sock = None
    for folder in directories():
        path = folder / f"{os.getpid()}.sock"
        bound = False
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            _check_private(folder)
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            sock.bind(str(path))
            bound = True
            path.chmod(0o600)
            break
        except OSError as exc:
            if sock is not None:
                sock.close()
                sock = None
            if bound:
                with contextlib.suppress(OSError):
                    path.unlink()
            log.info("no live socket in %s (%s)", folder, exc)
    if sock is None:  # nowhere to bind: events from other processes arrive by the safety poll
        log.warning("live events from other processes arrive by polling only")
        return None
    sock.setblocking(False)
    _own = path
    atexit.register(_forget, path)

    def readable() -> None:
        while True:
            try:
                data = sock.recv(64)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            with contextlib.suppress(ValueError):
                wake(int(data))

    loop.add_reader(sock.fileno(), readable)
    return sock


def _check_private(folder: Path) -> None:
    """Refuse a temp folder someone else could have prepared (the temp dir is shared by all users)."""
    if folder != _fallback(Path(settings.DATA_DIR).resolve() / "run" / "live"):
        return  # inside the data dir, which is the deployment's own
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o077:
        raise PermissionError(f"{folder} is not a private folder of this user")


def _sweep(folder: Path) -> None:
    """Remove the sockets of processes that are gone (a server process ends without atexit)."""
    for stale in folder.glob("*.sock"):
        try:
            os.kill(int(stale.stem), 0)
        except ProcessLookupError:
            with contextlib.suppress(OSError):
                stale.unlink()
        except (ValueError, PermissionError):
            continue


def _forget(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def close(loop, sock: socket.socket | None) -> None:
    global _own
    if not sock:
        return
    with contextlib.suppress(Exception):
        loop.remove_reader(sock.fileno())
    with contextlib.suppress(OSError):
        Path(sock.getsockname()).unlink()
    sock.close()
    _own = None
