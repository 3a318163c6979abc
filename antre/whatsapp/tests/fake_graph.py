"""A local stand-in for the WhatsApp Cloud API: a real HTTP server on loopback that records requests."""

from __future__ import annotations

import json
import random
import threading
import time
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeGraph:
    def __init__(self) -> None:
        self.received: list[dict] = []  # every request, accepted or not
        self.accepted: list[dict] = []
        self.fail_next = 0  # answer this many requests with 503, as an outage would
        self.delay = 0.0  # seconds before each message is answered, as the Cloud API's latency
        self.throttle_next = 0  # answer this many messages with 429 and Retry-After
        self.throttle_share = 0.0  # and this share of the others, at random
        self.retry_after = 1
        # Which of WhatsApp's limits a throttled answer names: "number" (130429, throughput) or
        # "pair" (131056, too many to one citizen); "" answers a bare 429 without a body.
        self.throttle_kind = "number"
        # When set, a message beyond this many to one number within a second is refused with 130429,
        # as WhatsApp's throughput limit does (checked on arrival, whatever else is set).
        self.limit_per_second = 0
        self.recent: dict[str, deque] = defaultdict(deque)  # number -> arrival times in the last second
        self.throttled_number = ""  # when set, only this number's messages are throttled
        self.random = random.Random(19)
        self.media: dict[str, bytes] = {}  # media id -> the file a citizen sent
        self.uploads: list[bytes] = []  # documents the office sent up
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                if self.path.endswith("/media"):  # an upload: multipart, answered with a media id
                    with fake.lock:
                        fake.uploads.append(raw)
                        media_id = f"media.{len(fake.uploads)}"
                    payload = json.dumps({"id": media_id}).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                body = json.loads(raw)
                record = {"path": self.path, "auth": self.headers.get("Authorization"), "body": body}
                record["at"] = time.monotonic()
                over = fake.over_limit(self.path, record["at"])
                if fake.delay:
                    time.sleep(fake.delay)
                with fake.lock:
                    record["answered"] = time.monotonic()
                    fake.received.append(record)
                    failing = fake.fail_next > 0 and not over
                    throttled = over or (
                        not failing
                        and fake.throttled_number in self.path
                        and (fake.throttle_next > 0 or fake.random.random() < fake.throttle_share)
                    )
                    limit = "number" if over else fake.throttle_kind
                    if failing:
                        fake.fail_next -= 1
                    elif throttled:
                        fake.throttle_next = (
                            max(fake.throttle_next - 1, 0) if not over else fake.throttle_next
                        )
                        record["throttled"], record["limit"] = True, limit
                    else:
                        fake.accepted.append(record)
                        number = len(fake.accepted)
                if failing or throttled:
                    code = {"number": 130429, "pair": 131056}.get(limit) if throttled else None
                    error = json.dumps({"error": {"code": code, "message": f"(#{code})"}}).encode()
                    error = error if code else b""
                    self.send_response(429 if throttled else 503)
                    if throttled:
                        self.send_header("Retry-After", str(fake.retry_after))
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(error)))
                    self.end_headers()
                    self.wfile.write(error)
                    return
                payload = json.dumps({"messages": [{"id": f"wamid.{number}"}]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self):  # noqa: N802
                parts = self.path.strip("/").split("/")
                if parts[-2:-1] == ["media"] and parts[-1] in fake.media:  # the file itself
                    payload, kind = fake.media[parts[-1]], "application/octet-stream"
                elif parts[-1] in fake.media:  # the media id: where to fetch it
                    base = fake.url.rsplit("/", 1)[0]
                    meta = {"url": f"{base}/media/{parts[-1]}", "file_size": len(fake.media[parts[-1]])}
                    payload, kind = json.dumps(meta).encode(), "application/json"
                else:
                    self.send_response(404)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.request_queue_size = 256  # the rush's many connections at once
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v21.0"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def over_limit(self, path: str, at: float) -> bool:
        """Whether a message arriving now goes beyond the number's messages a second."""
        if not self.limit_per_second:
            return False
        with self.lock:
            recent = self.recent[path.rsplit("/", 2)[-2]]
            while recent and recent[0] <= at - 1:
                recent.popleft()
            if len(recent) >= self.limit_per_second:
                return True  # refused: not a message sent, so not counted
            recent.append(at)
            return False

    def __enter__(self) -> FakeGraph:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
