"""The opening rush: many clients booking at once over HTTP against the real served app.

    .venv/bin/python bench/rush.py                          # both topologies
    .venv/bin/python bench/rush.py --topology embedded      # SQLite, as `antre serve` starts it
    .venv/bin/python bench/rush.py --topology production --workers 3   # PostgreSQL, 3 server processes

Each run starts `antre serve` on a fresh database (ANTRE_RATELIMIT=off) and books with --clients
concurrent keep-alive HTTP connections: from wrk (bench/rush.lua) for --seconds where wrk is
installed (the bench installs Debian's package when it runs as root), else from built-in asyncio
clients until --bookings are done. It prints bookings per second, p50/p99 latency, errors, and
duplicate and missing numbers found in the database afterwards. In the same run it measures the raw database
ceiling: the same ticket insert, one transaction each, in a plain loop in one process — so the
HTTP figure reads as a ratio of what the database alone allows on this machine. With --calling N,
the demo counters call the next citizen (up to N call-next requests a second, one after the other)
while the rush runs, and the time a call takes is printed: officers work while booking is open.
Targets (2 cores, load generator on the same machine): embedded >= 400/s with p99 <= 250 ms at
64 clients; production >= 1,000/s with p99 <= 100 ms; zero errors, zero duplicates.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ["KTP", "CAPIL", "LEGAL", "AMBIL", "SANTUNAN"]
PG_ADMIN = os.environ.get("ANTRE_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")


def nik(i: int) -> str:
    """A distinct valid NIK per i: Tabanan's ten kecamatan, a birth year per block of 99,990."""
    return f"5102{(i // 9999) % 10 + 1:02d}0101{70 + (i // 99_990) % 30:02d}{i % 9999 + 1:04d}"


# ---------------------------------------------------------------------------------------------
# run inside a child process that has the topology's environment


def prepare_office() -> None:
    import django

    django.setup()
    import datetime as dt

    from antre.commands import prepare
    from antre.offices.models import Office, OpeningHours, Service

    prepare()
    office = Office.objects.get(slug="tabanan")
    office.gate_enabled = False
    office.save()
    for weekday in range(7):
        OpeningHours.objects.update_or_create(
            office=office, weekday=weekday, defaults={"opens": dt.time(0), "closes": dt.time(23, 59, 59)}
        )
    office.closed_days.all().delete()
    # The figures compare with the runs before sessions, and a rush around the clock would meet the
    # demo's session quotas (and the end of its last session) within seconds.
    office.sessions.all().delete()
    Service.objects.filter(office=office).update(daily_quota=1_000_000)


def raw_ceiling(count: int) -> float:
    """The same ticket row, inserted one transaction at a time in a plain loop: the database alone."""
    from django.db import transaction

    from antre.offices.models import Office, Service
    from antre.queueing.models import Ticket

    office = Office.objects.get(slug="tabanan")
    service = Service.objects.get(office=office, code="LEGAL")
    day = office.local_today()
    import datetime as dt

    day = day - dt.timedelta(days=3650)  # a day of its own, far from the rush
    started = time.perf_counter()
    for i in range(count):
        with transaction.atomic():
            Ticket.objects.create(
                office=office,
                service=service,
                day=day,
                seq=i + 1,
                number=f"E-{i + 1:03d}",
                name="Warga Tabanan",
                nik=nik(10_000_000 + i),
                channel="web",
            )
    rate = count / (time.perf_counter() - started)
    Ticket.objects.filter(day=day).delete()
    return rate


def verify() -> dict:
    """Every booked number exists once, per service and day numbers are 1..n without a gap."""
    from django.db.models import Count, Max

    from antre.queueing.models import Ticket

    rows = Ticket.objects.values("service_id", "day").annotate(
        n=Count("pk"), top=Max("seq"), distinct=Count("seq", distinct=True)
    )
    gaps = sum(1 for r in rows if r["top"] != r["n"])
    duplicates = sum(r["n"] - r["distinct"] for r in rows)
    return {"tickets": sum(r["n"] for r in rows), "gaps": gaps, "duplicates": duplicates}


class Stats:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors: dict[str, int] = {}
        self.ids: list[str] = []


async def client(port: int, todo: list[int], stats: Stats) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while todo:
            i = todo.pop()
            body = json.dumps(
                {"service": SERVICES[i % len(SERVICES)], "name": "Warga Tabanan", "nik": nik(i)}
            ).encode()
            request = (
                b"POST /api/v1/offices/tabanan/tickets HTTP/1.1\r\nHost: localhost\r\n"
                b"Content-Type: application/json\r\nContent-Length: " + str(len(body)).encode() + b"\r\n"
                b"Idempotency-Key: rush-" + str(i).encode() + b"\r\n\r\n" + body
            )
            sent = time.perf_counter()
            writer.write(request)
            await writer.drain()
            status_line = await reader.readline()
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            payload = await reader.readexactly(length)
            stats.latencies.append(time.perf_counter() - sent)
            status = status_line.split()[1].decode() if status_line else "closed"
            if status == "201":
                stats.ids.append(json.loads(payload)["id"])
            else:
                stats.errors[status] = stats.errors.get(status, 0) + 1
    finally:
        writer.close()


async def rush(port: int, clients: int, bookings: int) -> tuple[Stats, float]:
    stats = Stats()
    todo = list(range(bookings))
    started = time.perf_counter()
    await asyncio.gather(*(client(port, todo, stats) for _ in range(clients)))
    return stats, time.perf_counter() - started


def wait_for(port: int) -> None:
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/offices", timeout=1)  # noqa: S310
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def cpu_ticks() -> dict[int, tuple[int, str, int]]:
    """Every process's (parent pid, name, CPU ticks used so far), from /proc; empty elsewhere."""
    found = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        found[int(entry.name)] = (int(fields[1]), name, int(fields[11]) + int(fields[12]))
    return found


def cpu_seconds_between(before: dict, after: dict, server_pid: int) -> tuple[float, float]:
    """CPU seconds the server's process tree and the PostgreSQL processes used between two readings."""

    def in_tree(pid: int) -> bool:
        while pid > 1:
            if pid == server_pid:
                return True
            pid = after.get(pid, (0,))[0]
        return False

    server = database = 0
    for pid, (_parent, name, ticks) in after.items():
        used = ticks - before.get(pid, (0, "", 0))[2]
        if in_tree(pid):
            server += used
        elif name == "postgres":
            database += used
    hz = os.sysconf("SC_CLK_TCK")
    return server / hz, database / hz


class Counters:
    """Officers calling while the rush runs (--calling): every counter calls the next citizen, who
    is marked a no-show at once, so the counter is free again; the time each call-next takes."""

    def __init__(self, port: int, per_second: float):
        from antre.offices.models import Counter
        from antre.people.models import ApiToken, User

        self.base = f"http://127.0.0.1:{port}/api/v1"
        self.token = ApiToken.for_user(User.objects.get(username="petugas")).key
        self.counters = list(Counter.objects.filter(office__slug="tabanan").values_list("pk", flat=True))
        self.pause = 1 / per_second
        self.latencies: list[float] = []
        self.called = self.failed = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def post(self, path: str) -> tuple[int, bytes]:
        request = urllib.request.Request(  # noqa: S310 (our server)
            self.base + path, method="POST", headers={"Authorization": f"Token {self.token}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 (our server)
                return answer.status, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, b""

    def run(self) -> None:
        while not self.stop.is_set():
            for counter in self.counters:
                started = time.monotonic()
                status, body = self.post(f"/counters/{counter}/call-next")
                self.latencies.append(time.monotonic() - started)
                if status == 200:
                    self.called += 1
                    self.post(f"/tickets/{json.loads(body)['id']}/no-show")
                elif status != 204:
                    self.failed += 1
                self.stop.wait(self.pause)

    def result(self) -> dict:
        lat = sorted(self.latencies) or [0.0]
        return {
            "calls": self.called,
            "call_errors": self.failed,
            "call_p50_ms": lat[len(lat) // 2] * 1000,
            "call_p99_ms": lat[max(int(len(lat) * 0.99) - 1, 0)] * 1000,
        }


def child(args: argparse.Namespace) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "antre.settings")
    prepare_office()
    ceiling = raw_ceiling(args.raw)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "antre.cli",
            "serve",
            "--no-worker",
            "--port",
            str(args.port),
            "--workers",
            str(args.workers),
        ],
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(args.port)
        counters = Counters(args.port, args.calling) if args.calling else None
        result = wrk_rush(args, server.pid, counters) if args.generator == "wrk" else python_rush(args)
    finally:
        server.terminate()
        server.wait(timeout=30)
    checked = verify()
    return result | {
        "topology": args.topology,
        "workers": args.workers,
        "clients": args.clients,
        "generator": args.generator,
        "duplicates": checked["duplicates"] + result.get("duplicate_ids", 0),
        "gaps": checked["gaps"],
        "stored": checked["tickets"],
        "raw_per_second": ceiling,
    }


def python_rush(args: argparse.Namespace) -> dict:
    asyncio.run(rush(args.port, 8, 200))  # warm up every process
    stats, seconds = asyncio.run(rush(args.port, args.clients, args.bookings))
    lat = sorted(stats.latencies)
    return {
        "bookings": len(stats.ids),
        "per_second": len(stats.ids) / seconds,
        "p50_ms": statistics.median(lat) * 1000,
        "p99_ms": lat[int(len(lat) * 0.99) - 1] * 1000,
        "errors": sum(stats.errors.values()),
        "error_codes": stats.errors,
        "duplicate_ids": len(stats.ids) - len(set(stats.ids)),
    }


def wrk(args: argparse.Namespace, *, threads: int, clients: int, seconds: float, offset: int) -> dict:
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{clients}",
            f"-d{seconds:g}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench" / "rush.lua"),
            f"http://127.0.0.1:{args.port}",
            "--",
            str(offset),
            "/api/v1/offices/tabanan/tickets",
            "close" if args.new_connections else "keep",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(line for line in out.stdout.splitlines() if line.startswith("RUSH "))
    return json.loads(line[5:])


def wrk_rush(args: argparse.Namespace, server_pid: int, counters: Counters | None = None) -> dict:
    """The rush from wrk, a load generator in C: it leaves the server the CPU a Python one takes.

    Also the CPU time a booking costs the server processes and PostgreSQL: on a machine whose speed
    drifts, it moves less than the bookings per second do.
    """
    wrk(args, threads=1, clients=8, seconds=2, offset=2_000_000)  # warm up every process
    before = cpu_ticks()
    if counters:
        counters.thread.start()
    run = wrk(args, threads=args.wrk_threads, clients=args.clients, seconds=args.seconds, offset=0)
    server_cpu, database_cpu = cpu_seconds_between(before, cpu_ticks(), server_pid)
    if counters:
        counters.stop.set()
        counters.thread.join()
    booked = int(run["statuses"].get("201", 0))
    errors = {status: n for status, n in run["statuses"].items() if status != "201"}
    if run["socket_errors"]:
        errors["socket"] = run["socket_errors"]
    return {
        "bookings": booked,
        "per_second": booked / (run["duration_us"] / 1e6),
        "p50_ms": run["p50_us"] / 1000,
        "p99_ms": run["p99_us"] / 1000,
        "max_ms": run["max_us"] / 1000,
        "server_cpu_ms": server_cpu * 1000 / max(booked, 1),
        "database_cpu_ms": database_cpu * 1000 / max(booked, 1) if args.topology == "production" else None,
        "errors": sum(errors.values()),
        "error_codes": errors,
    } | (counters.result() if counters else {})


# ---------------------------------------------------------------------------------------------


def run_topology(topology: str, args: argparse.Namespace) -> dict:
    data = tempfile.mkdtemp(prefix=f"antre-rush-{topology}-")
    env = dict(os.environ, ANTRE_DATA_DIR=data, ANTRE_RATELIMIT="off", PYTHONPATH=str(ROOT))
    env.pop("ANTRE_DATABASE_URL", None)
    workers = args.embedded_workers
    if topology == "production":
        import psycopg

        name = "antre_rush"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {name}")
        env["ANTRE_DATABASE_URL"] = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
        workers = args.workers
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            "--topology",
            topology,
            "--workers",
            str(workers),
            "--clients",
            str(args.clients),
            "--bookings",
            str(args.bookings),
            "--raw",
            str(args.raw),
            "--port",
            str(args.port),
            "--generator",
            args.generator,
            "--seconds",
            str(args.seconds),
            "--wrk-threads",
            str(args.wrk_threads),
            "--calling",
            str(args.calling),
            *(["--new-connections"] if args.new_connections else []),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def ensure_wrk() -> None:
    """wrk from Debian when it is missing and this is root on a Debian machine; else the built-in clients."""
    if shutil.which("wrk") or os.geteuid() != 0 or not shutil.which("apt-get"):
        return
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "wrk"],
        env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )


def main() -> int:
    if "--child" not in sys.argv:
        ensure_wrk()
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--topology", choices=["embedded", "production", "both"], default="both")
    parser.add_argument("--workers", type=int, default=3, help="server processes on PostgreSQL")
    parser.add_argument(
        "--embedded-workers",
        type=int,
        default=min(os.cpu_count() or 1, 2),
        help="server processes on SQLite (default: what `antre serve` starts, 2 on 2+ cores)",
    )
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--bookings", type=int, default=4000)
    parser.add_argument("--raw", type=int, default=2000)
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument(
        "--generator",
        choices=["wrk", "python"],
        default="wrk" if shutil.which("wrk") else "python",
        help="wrk (Debian package wrk; the default where installed) or the built-in asyncio clients",
    )
    parser.add_argument("--seconds", type=float, default=10, help="length of a wrk run")
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument(
        "--new-connections",
        action="store_true",
        help="a new connection for every request (wrk only), as nginx makes without upstream keepalive",
    )
    parser.add_argument(
        "--calling",
        type=float,
        default=0,
        help="call-next requests per second from the demo counters during the rush (wrk only; "
        "each called citizen is marked a no-show); 0: nobody calls",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args)))
        return 0
    topologies = ["embedded", "production"] if args.topology == "both" else [args.topology]
    rows = [run_topology(t, args) for t in topologies]
    print(
        f"\nantre rush: {args.clients} clients, "
        + (
            f"{args.seconds:g} s each run with wrk"
            + (", a new connection per request" if args.new_connections else "")
            if args.generator == "wrk"
            else f"{args.bookings} bookings each run"
        )
        + f", {os.cpu_count()} CPUs, load generator on the same machine\n"
    )
    head = f"{'topology':<24} {'booked/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} {'dupl.':>5} {'gaps':>4} {'raw ins/s':>9} {'ratio':>6}"
    print(head)
    for r in rows:
        label = f"{'embedded (SQLite' if r['topology'] == 'embedded' else 'production (PostgreSQL'}, {r['workers']} proc.)"
        print(
            f"{label:<24} {r['per_second']:>9.0f} {r['p50_ms']:>7.1f} {r['p99_ms']:>7.1f} {r['errors']:>6} "
            f"{r['duplicates']:>5} {r['gaps']:>4} {r['raw_per_second']:>9.0f} {r['per_second'] / r['raw_per_second']:>6.2f}"
        )
        if r.get("server_cpu_ms") is not None:
            database = r["database_cpu_ms"]
            print(
                f"  CPU per booking: {r['server_cpu_ms']:.2f} ms in the server processes"
                + (f", {database:.2f} ms in PostgreSQL" if database is not None else "")
            )
        if "calls" in r:
            print(
                f"  counters calling meanwhile: {r['calls']} calls, call-next p50 {r['call_p50_ms']:.0f} ms, "
                f"p99 {r['call_p99_ms']:.0f} ms, {r['call_errors']} errors"
            )
        if r["error_codes"]:
            print(f"  errors by status: {r['error_codes']}")
    print(
        "\ntargets: embedded >= 400/s, p99 <= 250 ms; production >= 1,000/s, p99 <= 100 ms; 0 errors, 0 duplicates"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
