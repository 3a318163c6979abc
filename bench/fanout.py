"""Fan-out benchmark: N SSE clients on `antre serve` (the embedded default); time from a call to each client.

    .venv/bin/python bench/fanout.py [--clients 2000] [--calls 10]

Starts the embedded default (SQLite) in a temporary data dir, opens the waiting-room event stream
N times, then makes calls through the API and records, for every client, the time from sending
the call to receiving its `call` event. Prints p50/p99/max, deliveries missed, and the server's
memory per client (RSS growth of all its processes / N). The first row, one client, is the baseline of the same run.
Targets (2-core machine): p99 <= 250 ms and <= 60 KB per client at 2,000 clients.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants (`antre serve` and its server processes)."""
    total = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            total = int(line.split()[1])
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            total += rss_kb(int(child))
    return total


def setup_office(tickets: int) -> tuple[str, int]:
    """Open the demo office all day, book tickets for today; returns (token, counter id)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "antre.settings")
    django.setup()
    import datetime as dt

    from antre.commands import prepare
    from antre.offices.models import Counter, Office, OpeningHours, Service
    from antre.people.models import ApiToken, User
    from antre.queueing.services import book_ticket

    prepare()
    office = Office.objects.get(slug="tabanan")
    office.gate_enabled = False  # booked tickets are called directly
    office.save()
    for weekday in range(7):
        OpeningHours.objects.update_or_create(
            office=office, weekday=weekday, defaults={"opens": dt.time(0), "closes": dt.time(23, 59, 59)}
        )
    office.closed_days.all().delete()
    office.sessions.all().delete()  # sessions of office hours would send late bookings to tomorrow
    Service.objects.filter(office=office).update(daily_quota=10_000)
    for i in range(tickets):
        book_ticket(office=office, service_code="KTP", name="Warga Tabanan", nik=f"510205010190{i + 1:04d}")
    return ApiToken.for_user(User.objects.get(username="petugas")).key, Counter.objects.get(
        office=office, number=1
    ).pk


class Client:
    def __init__(self) -> None:
        self.arrivals: dict[str, float] = {}
        self.ready = asyncio.Event()

    async def run(self, port: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            b"GET /api/v1/offices/tabanan/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n"
        )
        await writer.drain()
        buffer = b""
        try:
            # Whole reads, not line by line: the load generator shares the two cores with the
            # server and must not be what the latency measures.
            while True:
                chunk = await reader.read(65536)
                if not chunk:
                    return
                buffer += chunk
                now = time.perf_counter()
                if not self.ready.is_set() and b"event: board" in buffer:
                    self.ready.set()
                while (start := buffer.find(b'event: call\ndata: {"number":"')) >= 0:
                    begin = start + len(b'event: call\ndata: {"number":"')
                    end = buffer.find(b'"', begin)
                    if end < 0:
                        break
                    self.arrivals.setdefault(buffer[begin:end].decode(), now)
                    buffer = buffer[end:]
                buffer = buffer[-256:]
        finally:
            writer.close()


def post(port: int, path: str, token: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", method="POST", headers={"Authorization": f"Token {token}"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
        return json.loads(response.read())


async def measure(port: int, pid: int, token: str, counter: int, clients: int, calls: int) -> dict:
    before = rss_kb(pid)
    pool = [Client() for _ in range(clients)]
    tasks = []
    for start in range(0, clients, 200):  # connect in waves: the listen backlog is finite
        for c in pool[start : start + 200]:
            tasks.append(asyncio.create_task(c.run(port)))
        await asyncio.wait_for(asyncio.gather(*(c.ready.wait() for c in pool[start : start + 200])), 60)
    await asyncio.sleep(1.0)
    per_client_kb = (rss_kb(pid) - before) / clients
    latencies: list[float] = []
    missed = 0
    loop = asyncio.get_running_loop()
    for _ in range(calls):
        sent = time.perf_counter()
        ticket = await loop.run_in_executor(None, post, port, f"/api/v1/counters/{counter}/call-next", token)
        number = ticket["number"]
        deadline = time.perf_counter() + 10
        while time.perf_counter() < deadline and sum(number in c.arrivals for c in pool) < clients:
            await asyncio.sleep(0.01)
        got = [c.arrivals[number] - sent for c in pool if number in c.arrivals]
        missed += clients - len(got)
        latencies += got
        await loop.run_in_executor(None, post, port, f"/api/v1/tickets/{ticket['id']}/no-show", token)
        await asyncio.sleep(0.3)
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    latencies.sort()
    return {
        "clients": clients,
        "calls": calls,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "max_ms": latencies[-1] * 1000,
        "missed": missed,
        "kb_per_client": per_client_kb,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--calls", type=int, default=10)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    data = tempfile.mkdtemp(prefix="antre-bench-")
    os.environ.update(ANTRE_DATA_DIR=data, ANTRE_RATELIMIT="off")
    os.environ.pop("ANTRE_DATABASE_URL", None)
    token, counter = setup_office(tickets=2 * args.calls + 5)
    server = subprocess.Popen(
        [sys.executable, "-m", "antre.cli", "serve", "--port", str(args.port)],
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{args.port}/api/v1/offices", timeout=1)  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        rows = [
            asyncio.run(measure(args.port, server.pid, token, counter, 1, args.calls)),
            asyncio.run(measure(args.port, server.pid, token, counter, args.clients, args.calls)),
        ]
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"\nantre fan-out, embedded default (SQLite, as `antre serve` starts it), {os.cpu_count()} CPUs\n")
    print(
        f"{'clients':>8} {'calls':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'missed':>7} {'KB/client':>10}"
    )
    for r in rows:
        print(
            f"{r['clients']:>8} {r['calls']:>6} {r['p50_ms']:>8.1f} {r['p99_ms']:>8.1f} {r['max_ms']:>8.1f} "
            f"{r['missed']:>7} {r['kb_per_client']:>10.1f}"
        )
    print("\ntargets at 2,000 clients: p99 <= 250 ms, <= 60 KB per client, 0 missed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
