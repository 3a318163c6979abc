"""The ASGI application `antre serve` runs.

Three lanes, chosen by the request line:
- live streams (SSE) are answered by antre.live.asgi on the event loop;
- a citizen's booking over the API (the opening rush) by antre.queueing.fastlane: its body is read
  here, the booking runs in one hop to a worker thread, the answer is sent from here;
- everything else by Django as a WSGI application on a fixed pool of threads (a2wsgi). Under
  Django's own ASGI handler every request would start a thread of its own and open a fresh
  database connection; a fixed pool keeps threads and their connections.
"""

import asyncio
import contextlib
import gc
import io
import logging
import os
import queue
import signal
import sys
import threading
import time

from a2wsgi import WSGIMiddleware
from a2wsgi.wsgi import build_environ
from django.core.wsgi import get_wsgi_application
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "antre.settings")
django_application = get_wsgi_application()

from antre import api_errors, config  # noqa: E402
from antre.transport import fastlane, listening  # noqa: E402 (needs Django set up)
from antre.transport.sse import with_live_streams  # noqa: E402

_django = WSGIMiddleware(django_application, workers=config.threads())
_rest = with_live_streams(_django)


class _BookingThreads:
    """The fast lane's own few threads, each with its database connection.

    A booking is short and the same every time; at the opening rush 16 threads of a process took
    turns at one GIL, and the turns cost more CPU than the bookings. Since each process has its
    share of the connections (antre.listening), 2 measured a lower p99 than 4 in 6 of 7 runs and
    fewer waits on the number's row lock in PostgreSQL; 1 booked a tenth less (bench/rush.py,
    ANTRE_BOOKING_THREADS). Pages and staff keep Django's pool, so a rush does not
    queue them. A plain queue in and call_soon_threadsafe out: run_in_executor wraps every call in
    two futures and a chain of callbacks, a few per cent of a booking at the rush.
    """

    def __init__(self, threads: int):
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        for i in range(threads):
            threading.Thread(target=self._work, name=f"antre-booking-{i}", daemon=True).start()

    def book(self, environ: dict, slug: str) -> asyncio.Future:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._jobs.put((loop, future, environ, slug))
        return future

    def _work(self) -> None:
        with contextlib.suppress(DatabaseError):  # else the first booking connects, or says why not
            connections[DEFAULT_DB_ALIAS].ensure_connection()
        while True:
            loop, future, environ, slug = self._jobs.get()
            try:
                answer = fastlane.answer(environ, slug)  # answers its own errors; never raises
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


_bookings = _BookingThreads(config.booking_threads())


async def _lanes(scope, receive, send):
    if scope["type"] == "http" and (slug := fastlane.wanted(scope)):
        return await _fast_booking(scope, receive, send, slug)
    return await _rest(scope, receive, send)


# A failure in a lane in front of Django is answered in the API's error shape, not uvicorn's text.
application = api_errors.guarded(_lanes)


async def _fast_booking(scope, receive, send, slug: str) -> None:
    chunks, size, more = [], 0, True
    while more and size <= fastlane.MAX_BODY:
        message = await receive()
        if message["type"] != "http.request":
            return  # the client went away
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        more = message.get("more_body", False)
    body = b"".join(chunks)
    answer = None
    if not more:
        answer = await _bookings.book(build_environ(scope, io.BytesIO(body)), slug)
    if answer is None:
        return await _rest(scope, _replaying(body, more, receive), send)
    status, headers, content = answer
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": content})


def _replaying(body: bytes, more: bool, receive):
    """A receive() that hands over the body already read, then the rest from the client."""
    sent = False

    async def replay():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": more}
        return await receive()

    return replay


def _leave_with_supervisor(supervisor: int) -> None:
    """In a server process of several: stop when the supervising `antre serve` is gone (killed)."""
    while True:
        time.sleep(1)
        if os.getppid() != supervisor:
            os.kill(os.getpid(), signal.SIGTERM)  # uvicorn finishes the requests in flight
            time.sleep(10)
            os._exit(1)


STALL_LIMIT = 15.0  # seconds without a turn of the event loop before a server process is replaced


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


if (supervisor := os.environ.get("ANTRE_SUPERVISOR_PID")) and int(supervisor) != os.getpid():
    threading.Thread(target=_leave_with_supervisor, args=(int(supervisor),), daemon=True).start()
    with contextlib.suppress(RuntimeError):  # uvicorn imports this module inside its running loop
        listening.watch_event_loop(asyncio.get_running_loop(), STALL_LIMIT, _replace_stalled_process)


def _warm_up() -> None:
    """Load now what the first requests would otherwise load while clients wait.

    The URL patterns import every view and the API behind them (about 400 ms of imports, fpdf
    among them), and each language's translations are read on first use. A server restarted in the
    middle of the opening rush takes dozens of connections at once: measured, their first answers
    waited up to 1.7 s behind that work (bench/rush.py); warmed, no longer than the others.
    """
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Antre")
            get_resolver().reverse_dict  # noqa: B018 (kept per language; the first imports every URL module)


_warm_up()

# Thousands of open streams make the cyclic garbage collector's full passes long: measured, they
# were the 150 ms pauses that doubled the p99 of delivering a call (bench/fanout.py). Everything
# loaded so far lives as long as the process, so it is set aside, and collections run less often.
gc.freeze()
gc.set_threshold(50_000, 20, 100)

# A booking holds the database's write slot while it runs Python between its statements; with the
# default 5 ms GIL switch interval the holder waits behind request threads after each commit.
# 0.5 ms measured +40 % bookings/s at the opening rush (bench/rush.py); 0.1 ms was worse again.
sys.setswitchinterval(0.0005)
