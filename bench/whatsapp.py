"""WhatsApp at the opening rush: citizens write to the office through the real, signed webhook of a
served Antre, whose worker answers through a local fake Cloud API.

    .venv/bin/python bench/whatsapp.py                                   # this checkout
    git worktree add /tmp/wa-before <commit>
    .venv/bin/python bench/whatsapp.py --before /tmp/wa-before           # and that one, in the same run

Each side starts `antre serve` (its worker thread included) on a fresh SQLite data directory (or
PostgreSQL with --database postgres) with ANTRE_WHATSAPP_API_BASE on the fake, which answers each
message after --latency seconds. Like WhatsApp, the fake refuses a number's messages beyond
--enforce a second (429, error 130429, Retry-After); it also answers a --throttle share of them
with 429 and Retry-After naming --throttle-kind: the pair limit (131056, too many to one citizen:
that citizen's messages must wait) or the number's (130429: all its messages must wait).

1. The rush: --citizens each start within --seconds and send --messages messages --think seconds
   apart ("halo", then menu choices: each gets one reply). Printed: the webhook's answer time (p99,
   max), the time from each webhook to its reply's arrival at the fake (p50, p99, max), replies a
   second on the number (overall, and the best 10 seconds), replies lost (not arrived by the end)
   and duplicated, citizens whose replies came out of order, and the 429s with the sends made
   during a pause they asked for (honoured: 0).
2. The number's throughput: --flood messages to 1,000 citizens written into the outbox at once (as
   a broadcast would), sent while the server runs. Printed: messages a second reaching the fake
   (first to last), the busiest second, lost, duplicated, out of order, 429s.

Targets (issue #19): p99 <= 5 s, >= 70 messages/s per number sustained, 0 lost, 0 duplicated.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from antre.whatsapp.tests.fake_graph import FakeGraph  # noqa: E402 (after the path)

SECRET = "bench-secret"  # noqa: S105 (signs the fake deliveries of this run only)
NUMBER = "1100"
PG_ADMIN = os.environ.get("ANTRE_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
# What each citizen sends, and how the reply to it begins: each gets exactly one reply.
SCRIPT = [("halo", "menu"), ("menu:jam", "hours"), ("menu:syarat", "requirements"), ("menu", "menu")]


def kind_of(body: dict) -> str:
    if body.get("type") == "interactive":
        return "menu"
    text = body.get("text", {}).get("body", "")
    return "hours" if text.startswith("Jam layanan") else "requirements" if text.startswith("*") else "other"


def signed(citizen: str, message_id: str, text: str) -> tuple[bytes, str]:
    message: dict = {"id": message_id, "from": citizen}
    if text.startswith("menu:"):
        reply = {"id": text, "title": text}
        message |= {"type": "interactive", "interactive": {"type": "list_reply", "list_reply": reply}}
    else:
        message |= {"type": "text", "text": {"body": text}}
    value = {
        "metadata": {"phone_number_id": NUMBER, "display_phone_number": "0811-3900-100"},
        "contacts": [{"wa_id": citizen}],
        "messages": [message],
    }
    raw = json.dumps(
        {"object": "whatsapp_business_account", "entry": [{"changes": [{"value": value}]}]}
    ).encode()
    return raw, "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()


def wait_for(port: int, seconds: float = 600) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/offices", timeout=2)  # noqa: S310
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("server did not start")


def database(args: argparse.Namespace, label: str) -> str | None:
    if args.database != "postgres":
        return None
    import psycopg

    name = f"wa_bench_{label}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"


def start_server(
    checkout: Path, args: argparse.Namespace, graph: FakeGraph, label: str
) -> tuple[subprocess.Popen, dict]:
    env = dict(
        os.environ,
        ANTRE_DATA_DIR=tempfile.mkdtemp(prefix=f"wa-bench-{label}-"),
        ANTRE_SECRET_KEY="bench",  # noqa: S106 (a throw-away data directory)
        ANTRE_RATELIMIT="off",
        ANTRE_WHATSAPP_API_BASE=graph.url,
        ANTRE_WHATSAPP_TOKEN="bench-token",  # noqa: S106 (the fake API takes any)
        ANTRE_WHATSAPP_APP_SECRET=SECRET,
        PYTHONPATH=str(checkout),
    )
    env.pop("ANTRE_DATABASE_URL", None)
    if url := database(args, label):
        env["ANTRE_DATABASE_URL"] = url
    server = subprocess.Popen(
        [sys.executable, "-m", "antre.cli", "serve", "--port", str(args.port)],
        cwd=checkout,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(Path(env["ANTRE_DATA_DIR"]) / "serve.log", "w"),  # noqa: SIM115 (the server's)
    )
    wait_for(args.port)
    # On a fresh database the worker's first round keeps a year of report days: a start-up cost,
    # done long before 07:00 in an office, so the rush starts after it.
    log = Path(env["ANTRE_DATA_DIR"]) / "serve.log"
    deadline = time.monotonic() + 600
    while "worker report days" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(1)
    time.sleep(3)
    return server, env


def rush(args: argparse.Namespace) -> tuple[dict[tuple[str, int], float], list[float], list[int]]:
    """Every citizen's messages through the webhook: when each was posted, the answer times, statuses."""
    rng = random.Random(7)
    plan = []
    for i in range(args.citizens):
        start = rng.uniform(0, args.seconds)
        citizen = f"62812{i:07d}"
        plan += [(start + k * args.think, citizen, k) for k in range(args.messages)]
    plan.sort()
    posted: dict[tuple[str, int], float] = {}
    answers: list[float] = []
    statuses: list[int] = []
    lock = threading.Lock()
    client = httpx.Client(timeout=30, limits=httpx.Limits(max_connections=64))
    began = time.monotonic()

    def post(at: float, citizen: str, k: int) -> None:
        time.sleep(max(0.0, began + at - time.monotonic()))
        raw, signature = signed(citizen, f"wamid.B{citizen}.{k}", SCRIPT[k % len(SCRIPT)][0])
        sent = time.monotonic()
        try:
            status = client.post(
                f"http://127.0.0.1:{args.port}/whatsapp/webhook",
                content=raw,
                headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature},
            ).status_code
        except httpx.HTTPError:
            status = 0  # no answer (counted among the non-200s); Meta would deliver it again
        with lock:
            posted[(citizen, k)] = sent
            answers.append(time.monotonic() - sent)
            statuses.append(status)

    with ThreadPoolExecutor(64) as pool:
        for item in plan:
            pool.submit(post, *item)
    client.close()
    return posted, answers, statuses


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def measure(checkout: Path, args: argparse.Namespace, label: str) -> dict:
    with FakeGraph() as graph:
        graph.delay, graph.retry_after = args.latency, args.retry_after
        graph.throttle_share, graph.throttle_kind = args.throttle, args.throttle_kind
        graph.limit_per_second = args.enforce
        server, env = start_server(checkout, args, graph, label)
        try:
            posted, answers, statuses = rush(args)
            await_replies(graph, len(posted), args.grace)
            result = summarise(label, graph, posted, answers, statuses)
            result["flood"] = flood(checkout, env, graph, args) if args.flood else None
        finally:
            server.terminate()
            server.wait(timeout=30)
        return result


def await_replies(graph: FakeGraph, expected: int, grace: float) -> None:
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and len(graph.accepted) < expected:
        time.sleep(0.5)
    time.sleep(2)  # anything sent twice arrives too


FLOOD = """
from django.db import transaction
from antre.whatsapp.models import OutboxMessage
with transaction.atomic():
    for i in range({n}):
        OutboxMessage.objects.create(
            dedupe_key=f"flood:{{i}}", phone_number_id="{number}", to=f"62813{{i % 1000:07d}}",
            body={{"type": "text", "text": {{"body": f"flood {{i}}"}}}},
        )
"""


def flood(checkout: Path, env: dict, graph: FakeGraph, args: argparse.Namespace) -> dict:
    """The sender's own throughput: --flood messages to 1,000 citizens written into the outbox at once
    (as a broadcast would), sent while the server runs; the rate they reach the fake at, per number."""
    start, received = len(graph.accepted), len(graph.received)
    code = FLOOD.format(n=args.flood, number=NUMBER)
    subprocess.run(  # noqa: S603 (this checkout's own command)
        [sys.executable, "-m", "antre.cli", "manage", "shell", "-c", code], cwd=checkout, env=env, check=True
    )
    deadline = time.monotonic() + args.grace
    while time.monotonic() < deadline and sum(1 for r in graph.accepted[start:] if flooded(r)) < args.flood:
        time.sleep(0.5)
    time.sleep(2)  # anything sent twice arrives too
    records = [r for r in graph.accepted[start:] if flooded(r)]  # not a late reply of the rush
    if os.environ.get("BENCH_DUMP"):
        Path(os.environ["BENCH_DUMP"]).write_text(
            json.dumps([[r["at"], r.get("limit", ""), r["body"]["to"]] for r in graph.received[received:]])
        )
    times = sorted(r["at"] for r in records)
    texts = [r["body"]["text"]["body"] for r in records]
    span = times[-1] - times[0] if len(times) > 1 else float("nan")
    return {
        "messages": args.flood,
        "per_second": len(times) / span if span else float("nan"),
        "sustained": sustained(times),
        "busiest_1s": max((sum(1 for t in times if s <= t < s + 1) for s in times), default=0),
        "lost": args.flood - len(set(texts)),
        "duplicated": len(texts) - len(set(texts)),
        "throttled": sum(1 for r in graph.received[received:] if r.get("throttled") and flooded(r)),
        "out_of_order": out_of_order(records),
    }


def sustained(times: list[float]) -> float:
    """Messages a second from the 5th to the 95th percentile of arrivals: the steady rate, without
    the start and the tail of a citizen's last messages waiting for their turn."""
    if len(times) < 20:
        return float("nan")
    low, high = int(len(times) * 0.05), int(len(times) * 0.95)
    return (high - low) / (times[high] - times[low])


def flooded(record: dict) -> bool:
    return record["body"].get("text", {}).get("body", "").startswith("flood ")


def out_of_order(records: list[dict]) -> int:
    """Citizens whose flood messages reached the fake in another order than they were written."""
    per: dict[str, list[int]] = defaultdict(list)
    for record in sorted(records, key=lambda r: r["at"]):
        per[record["body"]["to"]].append(int(record["body"]["text"]["body"].split()[1]))
    return sum(1 for numbers in per.values() if numbers != sorted(numbers))


def summarise(label: str, graph: FakeGraph, posted: dict, answers: list[float], statuses: list[int]) -> dict:
    per: dict[str, list[dict]] = defaultdict(list)
    for record in sorted(graph.accepted, key=lambda r: r["at"]):
        per[record["body"]["to"]].append(record)
    waits, out_of_order, duplicated = [], 0, 0
    for citizen, records in per.items():
        kinds = [kind_of(r["body"]) for r in records]
        expected = [SCRIPT[k % len(SCRIPT)][1] for k in range(len(records))]
        out_of_order += kinds != expected
        sent = sum(1 for c, _k in posted if c == citizen)
        duplicated += max(0, len(records) - sent)
        for k, record in enumerate(records[:sent]):
            waits.append(record["at"] - posted[(citizen, k)])
    lost = len(posted) - sum(min(len(per.get(c, [])), n) for c, n in _counts(posted).items())
    times = sorted(r["at"] for r in graph.accepted)
    span = times[-1] - times[0] if len(times) > 1 else float("nan")
    best = max((sum(1 for t in times if s <= t < s + 10) for s in times), default=0) / 10
    return {
        "label": label,
        "webhooks": len(posted),
        "webhook_p99": percentile(answers, 0.99),
        "webhook_max": max(answers, default=float("nan")),
        "non_200": sum(1 for s in statuses if s != 200),
        "p50": percentile(waits, 0.5),
        "p99": percentile(waits, 0.99),
        "max": max(waits, default=float("nan")),
        "per_second": len(times) / span if span else float("nan"),
        "best_10s": best,
        "lost": lost,
        "duplicated": duplicated,
        "out_of_order": out_of_order,
        "throttled": sum(1 for r in graph.received if r.get("throttled")),
        "sent_in_pause": sent_in_pause(graph),
    }


def _counts(posted: dict) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for citizen, _k in posted:
        counts[citizen] += 1
    return counts


def sent_in_pause(graph: FakeGraph) -> int:
    """Messages that reached the fake more than 0.1 s after a 429 was answered and before its Retry-After
    was over, to the number it paused (or, for a pair limit, to that citizen): what a sender that
    ignores 429s sends (0.1 s covers sends already on the wire)."""
    pauses = [r for r in graph.received if r.get("throttled")]
    count = 0
    for record in graph.received:
        for pause in pauses:
            if pause.get("limit") == "pair":
                same = record["body"]["to"] == pause["body"]["to"]
            else:
                same = record["path"] == pause["path"]
            if same and pause["answered"] + 0.1 < record["at"] < pause["answered"] + graph.retry_after - 0.05:
                count += 1
                break
    return count


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--before", type=Path, help="a checkout of the code before, measured first")
    parser.add_argument("--citizens", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=1, help="messages per citizen, one reply each")
    parser.add_argument("--think", type=float, default=3.0, help="seconds between a citizen's messages")
    parser.add_argument("--seconds", type=float, default=60.0, help="the citizens start within this")
    parser.add_argument("--latency", type=float, default=0.25)
    parser.add_argument("--throttle", type=float, default=0.02, help="share of messages answered 429")
    parser.add_argument(
        "--throttle-kind",
        choices=["pair", "number"],
        default="pair",
        help="the limit those 429s name: pair (131056, that citizen waits) or number (130429, all wait)",
    )
    parser.add_argument(
        "--enforce", type=int, default=80, help="the fake refuses (130429) beyond this many a second"
    )
    parser.add_argument("--retry-after", type=int, default=1)
    parser.add_argument(
        "--flood", type=int, default=4000, help="then this many written to the outbox at once (0: none)"
    )
    parser.add_argument("--grace", type=float, default=120.0, help="seconds to wait for the last replies")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--port", type=int, default=8771)
    args = parser.parse_args()
    sides = ([("before", args.before)] if args.before else []) + [("after", ROOT)]
    results = [measure(checkout.resolve(), args, label) for label, checkout in sides]
    print(
        f"{args.citizens} citizens x {args.messages} messages within {args.seconds:.0f} s "
        f"(+{args.think:.0f} s apart), fake API {args.latency * 1000:.0f} ms, {args.throttle:.1%} 429 "
        f"(Retry-After {args.retry_after} s), {args.database}"
    )
    print(
        "side    webhook p99/max s  reply p50/p99/max s   replies/s (best 10 s)  lost dup disorder  429s in-pause"
    )
    for r in results:
        print(
            f"{r['label']:<7} {r['webhook_p99']:6.3f} /{r['webhook_max']:6.3f}  "
            f"{r['p50']:6.2f} /{r['p99']:6.2f} /{r['max']:6.2f}   {r['per_second']:6.1f} ({r['best_10s']:5.1f})"
            f"          {r['lost']:4d} {r['duplicated']:3d} {r['out_of_order']:8d}  {r['throttled']:4d} "
            f"{r['sent_in_pause']:9d}   (non-200 webhooks: {r['non_200']})"
        )
    floods = [r for r in results if r["flood"]]
    if floods:
        print(
            f"\nthen {args.flood} messages written to the outbox at once, to 1,000 citizens, on one number "
            f"(the fake refuses beyond {args.enforce} a second):"
        )
        print("side    sent/s (sustained, 5-95 %)  busiest 1 s  lost dup disorder  429s")
        for r in floods:
            f = r["flood"]
            print(
                f"{r['label']:<7} {f['per_second']:6.1f} ({f['sustained']:5.1f})          {f['busiest_1s']:12d} "
                f"{f['lost']:5d} {f['duplicated']:3d} "
                f"{f['out_of_order']:8d} {f['throttled']:5d}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
