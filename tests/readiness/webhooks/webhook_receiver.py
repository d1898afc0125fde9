"""A webhook receiver as an integrator writes one: a real HTTP server on a loopback port, in a
thread, that verifies each request's signature with the documented algorithm (README,
"Webhooks") and records what it received. ``responses`` scripts its answers in order (the
last one repeats): e.g. ``[500, 503, 200]`` fails twice, then succeeds."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def verify(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """The README's verification, verbatim in substance: t=…,v1=… over "t.body"."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    timestamp = int(parts["t"])
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    verified: bool

    @property
    def event(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    responses: list[int] = field(default_factory=lambda: [200])
    secret: str = ""
    received: list[Received] = field(default_factory=list)
    #: Event ids this receiver acted on (it ignores a repeat, as the README advises).
    processed: list[str] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {k.lower(): v for k, v in self.headers.items()}
                ok = verify(receiver.secret, headers.get("readiness-signature", "t=0,v1="), body)
                receiver.received.append(Received(headers, body, ok))
                index = min(len(receiver.received), len(receiver.responses)) - 1
                status = receiver.responses[index] if ok else 400
                if status < 300 and headers["idempotency-key"] not in receiver.processed:
                    receiver.processed.append(headers["idempotency-key"])
                payload = json.dumps({"status": status, "note": "x" * 3000}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
