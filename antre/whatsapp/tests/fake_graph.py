"""A local stand-in for the WhatsApp Cloud API: a real HTTP server on loopback that records requests."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeGraph:
    def __init__(self) -> None:
        self.received: list[dict] = []  # every request, accepted or not
        self.accepted: list[dict] = []
        self.fail_next = 0  # answer this many requests with 503, as an outage would
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
                with fake.lock:
                    fake.received.append(record)
                    failing = fake.fail_next > 0
                    if failing:
                        fake.fail_next -= 1
                    else:
                        fake.accepted.append(record)
                        number = len(fake.accepted)
                if failing:
                    self.send_response(503)
                    self.end_headers()
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
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v21.0"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeGraph:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
