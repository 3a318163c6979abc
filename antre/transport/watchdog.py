"""The guards of a server process under a supervising `antre serve`.

- It leaves when its supervisor is gone (killed), so a restart never finds the port held by
  orphans.
- It ends itself when its event loop stops turning, so that the supervisor replaces it: each
  server process listens on a socket of its own (antre.transport.listening), and the kernel
  keeps handing a stuck process its share of new connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import threading
import time

STALL_LIMIT = 15.0  # seconds without a turn of the event loop before a server process is replaced


def start(supervisor: int) -> None:
    """Guard this server process of `supervisor` (a pid): both guards run in threads of their own."""
    threading.Thread(target=_leave_with_supervisor, args=(supervisor,), daemon=True).start()
    with contextlib.suppress(RuntimeError):  # uvicorn starts the process inside its running loop
        watch_event_loop(asyncio.get_running_loop(), STALL_LIMIT, _replace_stalled_process)


def _leave_with_supervisor(supervisor: int) -> None:
    """In a server process of several: stop when the supervising `antre serve` is gone (killed)."""
    while True:
        time.sleep(1)
        if os.getppid() != supervisor:
            os.kill(os.getpid(), signal.SIGTERM)  # uvicorn finishes the requests in flight
            time.sleep(10)
            os._exit(1)


def _replace_stalled_process(stalled: float) -> None:
    # The stuck loop may hold what logging needs (a full stderr pipe, a handler's lock): the exit
    # must not wait for the line.
    threading.Timer(2, os._exit, (70,)).start()
    logging.getLogger("antre").critical(
        "server process %d: its event loop has not run for %.0f s; exiting so that it is replaced",
        os.getpid(),
        stalled,
    )
    os._exit(70)  # not uvicorn's STARTUP_FAILURE (3), after which its supervisor would not restart


def watch_event_loop(loop: asyncio.AbstractEventLoop, limit: float, on_stall, period: float = 1.0) -> None:
    """Call on_stall(seconds) from a thread of its own once `loop` has run nothing for `limit` s.

    A loop stuck in a blocking call or an endless loop by mistake goes unnoticed by uvicorn's
    health check, which a thread answers. The count starts at the loop's first turn: a slow start
    (the app's imports run inside uvicorn's loop) is not a stall.
    """
    last: list[float | None] = [None]  # not turned yet

    def beat() -> None:
        last[0] = time.monotonic()
        loop.call_later(period, beat)

    def watch() -> None:
        while not loop.is_closed():
            time.sleep(period)
            if last[0] is None:
                continue
            stalled = time.monotonic() - last[0]
            if stalled > limit and loop.is_running():
                on_stall(stalled)
                return

    loop.call_soon_threadsafe(beat)
    threading.Thread(target=watch, name="antre-loop-watch", daemon=True).start()
