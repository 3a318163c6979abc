"""What happens to a server process that stops taking its share of the port (antre.transport.watchdog)."""

from __future__ import annotations

import asyncio
import threading
import time

from antre.transport import watchdog


def _run_in_a_thread(loop: asyncio.AbstractEventLoop) -> threading.Thread:
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    return thread


def _stop(loop: asyncio.AbstractEventLoop, thread: threading.Thread | None) -> None:
    if thread is not None:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
    loop.close()  # its watcher ends with it


def test_a_server_process_whose_event_loop_stops_turning_is_reported_for_replacement():
    stalls: list[float] = []
    starting, turning, stuck = (asyncio.new_event_loop() for _ in range(3))
    threads: dict[asyncio.AbstractEventLoop, threading.Thread | None] = {starting: None}
    try:
        watchdog.watch_event_loop(starting, 0.5, stalls.append, period=0.1)
        time.sleep(1)  # a slow start (the app's imports) is not counted: the loop has not turned yet
        threads[starting] = _run_in_a_thread(starting)
        threads[turning] = _run_in_a_thread(turning)
        watchdog.watch_event_loop(turning, 0.5, stalls.append, period=0.1)
        time.sleep(1.5)
        assert stalls == []  # loops that keep turning are left alone
        threads[stuck] = _run_in_a_thread(stuck)
        watchdog.watch_event_loop(stuck, 0.5, stalls.append, period=0.1)
        stuck.call_soon_threadsafe(time.sleep, 2)  # a blocking call on the loop, by mistake
        deadline = time.monotonic() + 5
        while not stalls and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(stalls) == 1 and stalls[0] > 0.5
    finally:
        for loop, thread in threads.items():
            _stop(loop, thread)
