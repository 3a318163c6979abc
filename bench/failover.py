"""The failover drill: the database machine dies at the rush, its synchronous standby takes over.

    .venv/bin/python bench/failover.py                     # 6 s of rush, the kill, 2 s, the promotion
    .venv/bin/python bench/failover.py --before 10 --detect 5 --after 15 --clients 32

It starts two local PostgreSQL clusters in a temporary folder (initdb, on free ports): a primary
and a standby made with `pg_basebackup -R`, streaming, named in the primary's
synchronous_standby_names, so a commit is confirmed only once the standby has it
(docs/deployment.md). Two `antre serve` processes (separate data folders, one key file) run
against the multi-host URL `postgres://…@127.0.0.1:P1,127.0.0.1:P2/antre?target_session_attrs=read-write`.
Citizens book over keep-alive HTTP through both servers (retrying an answer that is not 201 with the
same Idempotency-Key, as the booking page does); an officer calls the next citizen through one
server; two displays follow the office's event stream, one through each server: one stays
connected throughout, the other loses its connection at the kill and comes back with
Last-Event-ID, as the display page does. Then the primary and all its processes
are killed with SIGKILL (a machine gone), and after --detect seconds (what a monitor takes to
notice) the standby is promoted with `pg_ctl promote`.

It prints: the seconds without service (from the kill to the first booking answered 201 after it,
and the longest time no booking succeeded), the answers by status (503 while no primary answers;
never a 500), the slowest answer (no hang), whether every booking answered 201 is on the new
primary, whether any number was given twice, and whether both displays saw every call the officer
was answered. Everything it started (clusters, servers) is stopped and removed, also on failure.
As root, PostgreSQL runs as the `postgres` user (initdb refuses root).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
import rush  # noqa: E402 (bench/rush.py: the office for a rush, the NIKs, waiting for a server)


def postgresql_programs() -> Path:
    """ANTRE_BENCH_PG_BIN, else Debian's newest /usr/lib/postgresql/<version>/bin, else the PATH's."""
    if os.environ.get("ANTRE_BENCH_PG_BIN"):
        return Path(os.environ["ANTRE_BENCH_PG_BIN"])
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if debian:
        return debian[-1].parent
    found = shutil.which("initdb")
    return Path(found).parent if found else Path("/usr/lib/postgresql/15/bin")


PG_BIN = postgresql_programs()


# -- the two clusters --------------------------------------------------------------------------


class Clusters:
    """A primary and its synchronous standby in `folder`, each on a free port."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.primary, self.standby = folder / "primary", folder / "standby"
        self.ports = (free_port(), free_port())
        self.as_postgres: list[str] = []
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            user = pwd.getpwnam("postgres")
            os.chown(folder, user.pw_uid, user.pw_gid)
            self.as_postgres = ["runuser", "-u", "postgres", "--"]

    def run(self, *command: str) -> None:
        subprocess.run([*self.as_postgres, *command], check=True, capture_output=True, text=True)

    def start(self) -> None:
        p1, p2 = self.ports
        self.run(
            str(PG_BIN / "initdb"), "-D", str(self.primary), "-U", "postgres", "--auth=trust", "-E", "UTF8"
        )
        self._configure(
            self.primary,
            port=p1,
            wal_level="replica",
            max_wal_senders=5,
            wal_keep_size="'256MB'",
            # A commit waits for the standby's flush: a booking answered 201 is on two machines.
            synchronous_standby_names="'standby'",
            synchronous_commit="on",
        )
        self.run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.primary),
            "-l",
            str(self.folder / "primary.log"),
            "-w",
            "start",
        )
        self.run(
            str(PG_BIN / "pg_basebackup"),
            *("-h", "127.0.0.1", "-p", str(p1), "-U", "postgres", "-D", str(self.standby)),
            *("-R", "-X", "stream", "-c", "fast"),
        )
        self._configure(
            self.standby,
            port=p2,
            primary_conninfo=f"'host=127.0.0.1 port={p1} user=postgres application_name=standby'",
            # Once promoted it is alone: waiting for a standby that does not exist would stop every commit.
            synchronous_standby_names="''",
        )
        self.run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.standby),
            "-l",
            str(self.folder / "standby.log"),
            "-w",
            "start",
        )
        self._wait_until_synchronous()

    def _configure(self, data: Path, **settings) -> None:
        lines = [f"{name} = {value}" for name, value in settings.items()]
        lines += ["listen_addresses = '127.0.0.1'", f"unix_socket_directories = '{self.folder}'"]
        with open(data / "postgresql.auto.conf", "a") as conf:
            conf.write("\n".join(lines) + "\n")

    def _wait_until_synchronous(self) -> None:
        import psycopg

        for _ in range(100):
            with psycopg.connect(self.url(0, "postgres"), autocommit=True) as conn:
                row = conn.execute("SELECT sync_state FROM pg_stat_replication").fetchone()
            if row and row[0] == "sync":
                return
            time.sleep(0.2)
        raise RuntimeError("the standby did not become synchronous")

    def url(self, which: int, dbname: str = "antre") -> str:
        return f"postgres://postgres@127.0.0.1:{self.ports[which]}/{dbname}"

    def multi_host_url(self) -> str:
        p1, p2 = self.ports
        return f"postgres://postgres@127.0.0.1:{p1},127.0.0.1:{p2}/antre?target_session_attrs=read-write"

    def kill_primary(self) -> int:
        """SIGKILL to the primary's postmaster and every process of it: a machine gone."""
        postmaster = int((self.primary / "postmaster.pid").read_text().split()[0])
        victims = [postmaster, *children_of(postmaster)]
        for pid in victims:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        return len(victims)

    def promote(self) -> None:
        self.run(str(PG_BIN / "pg_ctl"), "-D", str(self.standby), "-w", "promote")

    def stop(self) -> None:
        for data in (self.primary, self.standby):
            pid_file = data / "postmaster.pid"
            if not pid_file.exists():
                continue
            with contextlib.suppress(subprocess.CalledProcessError, OSError):
                self.run(str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
            with contextlib.suppress(OSError, ValueError, IndexError):  # pg_ctl could not: by hand
                postmaster = int(pid_file.read_text().split()[0])
                for pid in [postmaster, *children_of(postmaster)]:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children_of(parent: int) -> list[int]:
    return [pid for pid, (ppid, _name, _ticks) in rush.cpu_ticks().items() if ppid == parent]


# -- the servers -------------------------------------------------------------------------------


def prepare(env: dict) -> dict:
    """Migrate and seed through the primary (in a child process); the officer's token, the counters."""
    out = subprocess.run(
        [sys.executable, __file__, "--child-prepare"], env=env, capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def child_prepare() -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "antre.settings")
    rush.prepare_office()  # django.setup(), migrate, the demo office open around the clock
    from antre.offices.models import Counter
    from antre.people.models import ApiToken, User

    token = ApiToken.for_user(User.objects.get(username="petugas")).key
    counters = list(Counter.objects.filter(office__slug="tabanan").values_list("pk", flat=True))
    return {"token": token, "counters": counters}


def worker_ready(log: Path, worker: subprocess.Popen, seconds: float = 120) -> None:
    """Wait for `antre worker` to say it runs: a cold start (no bytecode cache) can take longer than
    the drill's seconds before the kill, and a worker still starting is not what the drill is about."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if "Antre worker berjalan" in log.read_text(errors="replace"):
            return
        if worker.poll() is not None:
            raise RuntimeError("the worker ended at its start:\n" + log.read_text()[-3000:])
        time.sleep(0.2)
    raise RuntimeError("the worker did not start")


def start_server(env: dict, port: int | None, log: Path) -> subprocess.Popen:
    """`antre serve` (one server process) on `port`, or `antre worker` without one."""
    serve = ["serve", "--no-worker", "--workers", "1", "--port", str(port)]
    command = [sys.executable, "-m", "antre.cli", *(serve if port else ["worker"])]
    with open(log, "w") as out:
        return subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop_server(server: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


# -- the clients -------------------------------------------------------------------------------

ANSWER_TIMEOUT = 30.0  # an answer slower than this is a hang


class Drill:
    def __init__(self) -> None:
        self.booked: dict[str, str] = {}  # token -> number, for each 201
        self.statuses: dict[str, int] = {}
        self.successes: list[tuple[float, float]] = []  # when each 201 was asked for, and came
        self.slowest = 0.0
        self.calls: list[str] = []  # numbers the officer was answered 200 for
        self.stop = asyncio.Event()

    def count(self, status: str) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1


async def exchange(reader, writer, request: bytes) -> tuple[int, bytes]:
    writer.write(request)
    await writer.drain()
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("closed")
    length, close = 0, False
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
        elif name.lower() == b"connection" and b"close" in value.lower():
            close = True
    body = await reader.readexactly(length)
    if close:
        writer.close()
    return int(status_line.split()[1]), body


def post(path: str, body: bytes, headers: str = "") -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n{headers}\r\n"
    ).encode() + body


async def booker(port: int, numbers, drill: Drill) -> None:
    """One citizen's device after another: books, and tries again (same key) until a 201."""
    reader = writer = None
    i = next(numbers)
    while not drill.stop.is_set():
        body = json.dumps(
            {"service": rush.SERVICES[i % len(rush.SERVICES)], "name": "Warga Tabanan", "nik": rush.nik(i)}
        ).encode()
        started = time.monotonic()
        try:
            if writer is None or writer.is_closing():
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            request = post("/api/v1/offices/tabanan/tickets", body, f"Idempotency-Key: drill-{i}\r\n")
            status, payload = await asyncio.wait_for(exchange(reader, writer, request), ANSWER_TIMEOUT)
        except (OSError, ConnectionError, asyncio.IncompleteReadError, TimeoutError) as exc:
            drill.count("timeout" if isinstance(exc, TimeoutError) else "connection lost")
            writer = None
            await asyncio.sleep(0.5)
            continue
        drill.slowest = max(drill.slowest, time.monotonic() - started)
        drill.count(str(status))
        if status == 201:
            answer = json.loads(payload)
            drill.booked[answer["id"]] = answer["number"]
            drill.successes.append((started, time.monotonic()))
            i = next(numbers)
        else:  # 503 while no primary answers: again soon (sooner than Retry-After, to time the gap)
            await asyncio.sleep(0.5)
    if writer is not None:
        writer.close()


async def officer(port: int, token: str, counters: list[int], drill: Drill) -> None:
    """Calls the next citizen at each counter in turn, twice a second; each called one is a no-show."""
    auth = f"Authorization: Token {token}\r\nConnection: close\r\n"
    turn = 0
    while not drill.stop.is_set():
        counter = counters[turn % len(counters)]
        turn += 1
        with contextlib.suppress(OSError, ConnectionError, asyncio.IncompleteReadError, TimeoutError):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            status, body = await asyncio.wait_for(
                exchange(reader, writer, post(f"/api/v1/counters/{counter}/call-next", b"", auth)),
                ANSWER_TIMEOUT,
            )
            writer.close()
            if status == 200:
                ticket = json.loads(body)
                drill.calls.append(ticket["number"])
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                await asyncio.wait_for(
                    exchange(reader, writer, post(f"/api/v1/tickets/{ticket['id']}/no-show", b"", auth)),
                    ANSWER_TIMEOUT,
                )
                writer.close()
        await asyncio.sleep(0.5)


class Display:
    """The waiting room's screen: the office's event stream, back with Last-Event-ID when it breaks."""

    def __init__(self, port: int):
        self.port = port
        self.shown: set[str] = set()  # numbers it showed a call for
        self.last_id: str | None = None
        self.reconnects = 0
        self.refused: dict[str, int] = {}  # answers other than 200 while reconnecting
        self.blink = asyncio.Event()  # set: its connection drops (a Wi-Fi blink), it comes back

    async def run(self) -> None:
        while True:
            follow = asyncio.ensure_future(self._follow())
            blink = asyncio.ensure_future(self.blink.wait())
            await asyncio.wait({follow, blink}, return_when=asyncio.FIRST_COMPLETED)
            for task in (follow, blink):
                task.cancel()
            await asyncio.gather(follow, blink, return_exceptions=True)
            self.blink.clear()
            self.reconnects += 1
            await asyncio.sleep(1.0)  # the page's retry: 3 s; sooner here, to time the drill

    async def _follow(self) -> None:
        with contextlib.suppress(OSError, ConnectionError, asyncio.IncompleteReadError, ValueError):
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            try:
                await self._read(reader, writer)
            finally:
                writer.close()

    async def _read(self, reader, writer) -> None:
        resume = f"Last-Event-ID: {self.last_id}\r\n" if self.last_id else ""
        path = "/api/v1/offices/tabanan/events"
        writer.write(f"GET {path} HTTP/1.1\r\nHost: localhost\r\n{resume}\r\n".encode())
        status = (await reader.readline()).split()[1].decode()
        if status != "200":
            self.refused[status] = self.refused.get(status, 0) + 1
            return
        while await reader.readline() not in (b"\r\n", b""):
            pass
        buffer = ""
        while size := int((await reader.readline()).strip() or b"0", 16):  # chunked transfer
            buffer += (await reader.readexactly(size + 2))[:-2].decode()
            *frames, buffer = buffer.split("\n\n")
            for lines in frames:
                event = dict(
                    line.partition(": ")[::2] for line in lines.split("\n") if not line.startswith(":")
                )
                if event.get("event") == "call":
                    self.shown.add(json.loads(event["data"])["number"])
                self.last_id = event.get("id", self.last_id)


# -- the drill ---------------------------------------------------------------------------------


async def drill_run(
    args, ports: tuple[int, int], staff: dict, clusters: Clusters
) -> tuple[Drill, dict, dict]:
    drill = Drill()
    numbers = iter(range(10_000_000))
    tasks = [asyncio.ensure_future(booker(ports[i % 2], numbers, drill)) for i in range(args.clients)]
    tasks.append(asyncio.ensure_future(officer(ports[0], staff["token"], staff["counters"], drill)))
    # One display stays connected through it all; one loses its connection at the kill.
    displays = {"staying": Display(ports[1]), "blinking": Display(ports[0])}
    screens = [asyncio.ensure_future(d.run()) for d in displays.values()]
    await asyncio.sleep(args.before)
    killed_at = time.monotonic()
    processes = clusters.kill_primary()
    displays["blinking"].blink.set()
    await asyncio.sleep(args.detect)
    await asyncio.to_thread(clusters.promote)
    promoted_at = time.monotonic()
    await asyncio.sleep(args.after)
    drill.stop.set()
    ended_at = time.monotonic()
    await asyncio.gather(*tasks)
    await asyncio.sleep(3)  # the displays' last events
    for screen in screens:
        screen.cancel()
    await asyncio.gather(*screens, return_exceptions=True)
    # Service is back with the first booking asked for after the kill and answered 201 (one asked
    # before may still be answered after it: committed by the primary just before it died).
    after = sorted(answered for asked, answered in drill.successes if asked > killed_at)
    before = [answered for asked, answered in drill.successes if asked <= killed_at]
    times = sorted(answered for _asked, answered in drill.successes)
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    timings = {
        "killed_processes": processes,
        "down_s": (after[0] - killed_at) if after else None,
        "longest_gap_s": max(gaps, default=0.0),
        "after_promotion_s": (after[0] - promoted_at) if after else None,
        "per_second_before": len(before) / args.before,
        "per_second_after": len(after) / max(ended_at - promoted_at, 1e-9),
    }
    return drill, timings, displays


def verify(url: str, booked: dict[str, str]) -> dict:
    import psycopg

    with psycopg.connect(url) as conn:
        found = {
            token: number
            for token, number in conn.execute(
                "SELECT token, number FROM queueing_ticket WHERE token = ANY(%s)", [list(booked)]
            )
        }
        twice = conn.execute(
            "SELECT COUNT(*) FROM (SELECT 1 FROM queueing_ticket GROUP BY office_id, day, number"
            " HAVING COUNT(*) > 1) t"
        ).fetchone()[0]
        readonly = conn.execute("SHOW transaction_read_only").fetchone()[0]
        connected = conn.execute(
            "SELECT application_name, COUNT(*) FROM pg_stat_activity WHERE application_name LIKE 'antre-%'"
            " GROUP BY 1 ORDER BY 1"
        ).fetchall()
    return {
        "missing": sorted(set(booked) - set(found)),
        "changed": sum(1 for token, number in found.items() if booked[token] != number),
        "duplicated_in_db": twice,
        "duplicated_in_answers": len(booked) - len(set(booked.values())),
        "new_primary_writable": readonly == "off",
        "connected": dict(connected),
    }


def run(args) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="antre-failover-"))
    clusters = Clusters(folder)
    servers: list[subprocess.Popen] = []
    try:
        clusters.start()
        import psycopg

        with psycopg.connect(clusters.url(0, "postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE antre")
        env = dict(
            os.environ,
            ANTRE_DATABASE_URL=clusters.multi_host_url(),
            ANTRE_SECRET_KEY=secrets.token_urlsafe(32),  # one for both servers
            ANTRE_FIELD_KEYS_FILE=str(folder / "personal_data.key"),  # the keys every machine shares
            ANTRE_RATELIMIT="off",
            PYTHONPATH=str(ROOT),
        )
        env.pop("ANTRE_TEST_DB_NAME", None)
        staff = prepare(env | {"ANTRE_DATA_DIR": str(folder / "server-a")})
        ports = (free_port(), free_port())
        for name, port in (("server-a", ports[0]), ("server-b", ports[1]), ("worker", None)):
            # Named in pg_stat_activity, to see afterwards who found the new primary.
            own = env | {"ANTRE_DATA_DIR": str(folder / name)}
            own["ANTRE_DATABASE_URL"] += f"&application_name=antre-{name}"
            servers.append(start_server(own, port, folder / f"{name}.log"))
            if port:
                rush.wait_for(port)
            else:  # the worker is running (migrated, connected) before the drill begins
                worker_ready(folder / f"{name}.log", servers[-1])
        drill, timings, displays = asyncio.run(drill_run(args, ports, staff, clusters))
        checked = verify(clusters.url(1), drill.booked)
        names = ("server-a", "server-b", "worker")
        dead = {
            name: (folder / f"{name}.log").read_text()[-6000:]
            for name, p in zip(names, servers, strict=True)
            if p.poll() is not None
        }
        return {
            "drill": drill,
            "timings": timings,
            "checked": checked,
            "servers_alive": not dead,
            "dead": dead,
            "displays": displays,
        }
    except Exception:
        for log in sorted(folder.glob("*.log")):
            print(f"--- {log.name}\n" + log.read_text()[-2000:], file=sys.stderr)
        raise
    finally:
        for server in servers:
            stop_server(server)
        clusters.stop()
        shutil.rmtree(folder, ignore_errors=True)


def report(args, result: dict) -> bool:
    drill, timings, checked = result["drill"], result["timings"], result["checked"]
    displays = result["displays"]
    missed = sorted({number for d in displays.values() for number in set(drill.calls) - d.shown})
    errors = {s: n for s, n in drill.statuses.items() if s not in ("201", "503")}
    print(
        f"\nantre failover drill: {args.clients} booking clients over two servers, an officer calling twice a "
        f"second, two displays; primary killed (SIGKILL, {timings['killed_processes']} processes) after "
        f"{args.before:g} s, standby promoted {args.detect:g} s later, {args.after:g} s more\n"
    )
    down = timings["down_s"]
    print(
        f"seconds without service       {down:.1f} s from the kill to the next booking (promotion at {args.detect:g} s)"
        if down is not None
        else "seconds without service       never came back"
    )
    if timings["after_promotion_s"] is not None:
        print(
            f"  after the promotion         {max(timings['after_promotion_s'], 0.0):.1f} s until the first booking (pg_ctl promote -w returned)"
        )
    print(f"longest time without a 201    {timings['longest_gap_s']:.1f} s")
    print(
        f"bookings/s before, after      {timings['per_second_before']:.0f}, {timings['per_second_after']:.0f}"
    )
    print(f"answers                       {dict(sorted(drill.statuses.items()))}")
    print(f"slowest answer                {drill.slowest:.2f} s (a hang would be {ANSWER_TIMEOUT:.0f} s)")
    print(
        f"bookings answered 201         {len(drill.booked)}; on the new primary: {len(drill.booked) - len(checked['missing'])}"
    )
    print(
        f"numbers given twice           {checked['duplicated_in_db']} in the database, {checked['duplicated_in_answers']} in the answers"
    )
    print(f"calls answered to the officer {len(drill.calls)}")
    for name, d in displays.items():
        print(
            f"  shown on the {name} display {len(set(drill.calls) & d.shown)}, reconnections {d.reconnects}"
            + (f", answers while reconnecting {d.refused}" if d.refused else "")
        )
    print(f"servers and worker running    {'yes' if result['servers_alive'] else 'NO'}")
    print(f"connected to the new primary  {checked['connected']}")
    for name, log in result["dead"].items():
        print(f"--- {name} ended:\n{log}")
    ok = (
        down is not None
        and not checked["missing"]
        and not checked["changed"]
        and not checked["duplicated_in_db"]
        and not checked["duplicated_in_answers"]
        and not missed
        and not errors
        and drill.slowest < ANSWER_TIMEOUT
        and result["servers_alive"]
        and checked["new_primary_writable"]
        and set(checked["connected"]) == {"antre-server-a", "antre-server-b", "antre-worker"}
    )
    print(
        "\n"
        + (
            "PASS"
            if ok
            else f"FAIL: other answers {errors}, missing {checked['missing'][:5]}, missed calls {missed[:5]}"
        )
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=16, help="booking clients, half through each server")
    parser.add_argument("--before", type=float, default=6, help="seconds of rush before the kill")
    parser.add_argument("--detect", type=float, default=2, help="seconds from the kill to the promotion")
    parser.add_argument("--after", type=float, default=8, help="seconds of rush after the promotion")
    parser.add_argument("--child-prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_prepare:
        print(json.dumps(child_prepare()))
        return 0
    if not (PG_BIN / "initdb").exists():
        print(f"PostgreSQL's programs are not in {PG_BIN} (ANTRE_BENCH_PG_BIN)", file=sys.stderr)
        return 2
    return 0 if report(args, run(args)) else 1


if __name__ == "__main__":
    sys.exit(main())
