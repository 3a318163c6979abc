"""The fast lane's own few threads, each with its database connection (antre.transport.fastlane).

A booking is short and the same every time: more threads (ANTRE_BOOKING_THREADS, 2) take turns at
the process's one GIL at a higher cost than the bookings, and wait on each other's row locks.
Pages and staff keep Django's pool, so a rush of bookings does not queue them. A plain queue in
and call_soon_threadsafe out, because run_in_executor wraps every call in two futures and a chain
of callbacks.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections


class BookingThreads:
    """`threads` threads that run `job` for the event loop; `job` answers its own errors."""

    def __init__(self, threads: int, job: Callable):
        self._job = job
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        for i in range(threads):
            threading.Thread(target=self._work, name=f"antre-booking-{i}", daemon=True).start()

    def run(self, *args) -> asyncio.Future:
        """A future of the running loop for job(*args), run in one of the threads."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._jobs.put((loop, future, args))
        return future

    def _work(self) -> None:
        with contextlib.suppress(DatabaseError):  # else the first booking connects, or says why not
            connections[DEFAULT_DB_ALIAS].ensure_connection()
        job = self._job
        while True:
            loop, future, args = self._jobs.get()
            try:
                answer = job(*args)
            except BaseException as exc:  # noqa: BLE001 (handed to the request's task)
                loop.call_soon_threadsafe(_settle, future, None, exc)
            else:
                loop.call_soon_threadsafe(_settle, future, answer, None)


def _settle(future: asyncio.Future, answer, exc: BaseException | None) -> None:
    if future.cancelled():  # the client went away; the booking stands
        return
    if exc is not None:
        future.set_exception(exc)
    else:
        future.set_result(answer)
