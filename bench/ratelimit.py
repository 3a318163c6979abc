"""What a rate-limit count costs, on each backend: µs per count from several threads at once.

    .venv/bin/python bench/ratelimit.py [--threads 4] [--counts 2000] [--keys 500] [--separate]

Runs itself once per backend: SQLite (the machine's counter file in a temporary data dir) and,
when a PostgreSQL is reachable at --database (default postgres://postgres@127.0.0.1:5432/postgres),
the shared table in a database of its own (shared_bench_ratelimit, created and dropped). Each thread
has its own connection, as each server thread does, and counts `--counts` hits over `--keys`
addresses (one window). Prints per backend: counts/s, mean, p50 and p99 µs per count; then what a
citizen's booking spends on its limits, as antre.queueing.limits does them: the per-minute count,
then proof of work's address and service counts and its alarm look (one statement on PostgreSQL:
ratelimit.count_many), over `--keys` addresses and the five demo services.
"""

from __future__ import annotations

import argparse
import importlib
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "shared_bench_ratelimit"


def measure(threads: int, counts: int, keys: int, separate: bool) -> None:
    import django

    django.setup()
    from django.db import connection, connections

    from antre import ratelimit

    if connection.vendor == "postgresql":
        migration = importlib.import_module("antre.queueing.migrations.0018_shared_ratelimit")
        with connection.cursor() as cursor:
            for statement in migration.CREATE:
                cursor.execute(statement)
    ratelimit.count("warm-up", expires=int(time.time()) + 60)
    expires = int(time.time()) + 600
    timings: list[float] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        mine = []
        for i in range(counts):
            key = f"book:10.0.{n}.{i % keys}:0"
            start = time.perf_counter()
            ratelimit.count(key, expires=expires)
            mine.append(time.perf_counter() - start)
        with lock:
            timings.extend(mine)
        connections.close_all()

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    name = "PostgreSQL (shared table)" if ratelimit.shared() else "SQLite (machine's file)"
    report(name, threads, timings, elapsed, "count")
    timings.clear()

    def booking(n: int) -> None:
        mine = []
        for i in range(counts // 2):
            address, service = f"10.1.{n}.{i % keys}", f"1:S{i % 5}"
            start = time.perf_counter()
            ratelimit.count(f"book:{address}:0", expires=expires)
            if separate:  # as before count_many: one statement each
                ratelimit.count(f"pow-address:{address}:0", expires=expires)
                ratelimit.count(f"pow-service:{service}:0", expires=expires)
                ratelimit.peek(f"pow-alarm:{service}")
            else:
                ratelimit.count_many(
                    [(f"pow-address:{address}:0", expires), (f"pow-service:{service}:0", expires)],
                    [f"pow-alarm:{service}"],
                )
            mine.append(time.perf_counter() - start)
        with lock:
            timings.extend(mine)
        connections.close_all()

    started = time.perf_counter()
    pool = [threading.Thread(target=booking, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    label = f"{name}, one statement each" if separate else name
    report(label, threads, timings, time.perf_counter() - started, "booking")


def report(name: str, threads: int, timings: list[float], elapsed: float, unit: str) -> None:
    timings.sort()
    print(
        f"{name:27} {threads} thread(s): {len(timings) / elapsed:8.0f} {unit}s/s, "
        f"mean {statistics.mean(timings) * 1e6:6.0f} µs, p50 {timings[len(timings) // 2] * 1e6:6.0f} µs, "
        f"p99 {timings[int(len(timings) * 0.99)] * 1e6:6.0f} µs per {unit}"
    )


def run(env_extra: dict[str, str], args) -> None:
    with tempfile.TemporaryDirectory(prefix="antre-bench-rl-") as data:
        env = {**os.environ, "ANTRE_DATA_DIR": data, "ANTRE_SECRET_KEY": "bench", **env_extra}
        env.setdefault("DJANGO_SETTINGS_MODULE", "antre.settings")
        argv = [sys.executable, __file__, "--inner", f"--threads={args.threads}", f"--counts={args.counts}"]
        extra = ["--separate"] if args.separate else []
        subprocess.run([*argv, f"--keys={args.keys}", *extra], env=env, check=True)


def postgres(url: str, statement: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url, autocommit=True) as db:
            db.execute(statement)
    except psycopg.Error as exc:
        print(f"PostgreSQL not measured: {exc}".strip())
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--counts", type=int, default=2000)
    parser.add_argument("--keys", type=int, default=500)
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--inner", action="store_true")
    parser.add_argument("--separate", action="store_true", help="a booking's counts one statement each")
    args = parser.parse_args()
    if args.inner:
        measure(args.threads, args.counts, args.keys, args.separate)
        return
    os.environ.pop("ANTRE_DATABASE_URL", None)
    run({}, args)
    if postgres(args.database, f"DROP DATABASE IF EXISTS {BENCH_DB}"):
        postgres(args.database, f"CREATE DATABASE {BENCH_DB}")
        try:
            run({"ANTRE_DATABASE_URL": args.database.rsplit("/", 1)[0] + "/" + BENCH_DB}, args)
        finally:
            postgres(args.database, f"DROP DATABASE IF EXISTS {BENCH_DB}")


if __name__ == "__main__":
    main()
