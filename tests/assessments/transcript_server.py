"""A local HTTP server that plays Microsoft Learn's transcript share API (no network).

Share ids choose the answer: ``full-share`` (the documented shape, invented values, personal
fields included), ``empty-share``, ``changed-share`` (another shape), anything else 404 (a
revoked link). ``Scenario.throttle`` makes the next answers 429 (with Retry-After) first.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from assessments.learning_records.transcript import TranscriptClient, TranscriptConfig

FIXTURES = Path(__file__).parent / "fixtures"
PATH = "/api/profiles/transcript/share/"
ANSWERS = {
    "full-share": "transcript_full.json",
    "empty-share": "transcript_empty.json",
    "changed-share": "transcript_changed_shape.json",
}
#: The personal values of the fixtures: they must end up nowhere.
PERSONAL_VALUES = ("pii-username-zq81", "pii.mail.zq81@example.org", "Piilegal Zqname", "987650123")
FULL_URL = "https://learn.microsoft.com/en-us/users/sample-learner/transcript/full-share"


def full_transcript() -> dict:
    return json.loads((FIXTURES / "transcript_full.json").read_text())


@dataclass
class Scenario:
    throttle: list[tuple[int, str | None]] = field(default_factory=list)  # (status, Retry-After)
    answers: dict[str, bytes] = field(default_factory=dict)  # share id -> body, overrides
    requests: list[tuple[str, dict]] = field(default_factory=list)


class FakeTranscripts(BaseHTTPRequestHandler):
    scenario: Scenario

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        self.scenario.requests.append((parts.path, query))
        if self.scenario.throttle:
            status, retry_after = self.scenario.throttle.pop(0)
            return self._send(
                status,
                b'{"error": "TooManyRequests"}',
                {"Retry-After": retry_after} if retry_after else {},
            )
        share = parts.path.removeprefix(PATH)
        if not parts.path.startswith(PATH):
            return self._send(404, b"{}")
        if share in self.scenario.answers:
            return self._send(200, self.scenario.answers[share])
        if share in ANSWERS:
            return self._send(200, (FIXTURES / ANSWERS[share]).read_bytes())
        return self._send(404, b'{"error": "NotFound"}')


@pytest.fixture
def transcript_server(settings) -> Iterator[tuple[str, Scenario]]:
    """The server, and LEARN_TRANSCRIPT_API_BASE pointing at it."""
    scenario = Scenario()
    handler = type("Handler", (FakeTranscripts,), {"scenario": scenario})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}{PATH}"
    settings.LEARN_TRANSCRIPT_API_BASE = base
    settings.LEARN_MAX_RETRIES = 3
    settings.LEARN_HTTP_TIMEOUT = 5.0
    yield base, scenario
    server.shutdown()
    server.server_close()


def client_for(base: str, sleeps: list[float] | None = None, **overrides) -> TranscriptClient:
    config = TranscriptConfig(
        **{"api_base": base, "timeout": 5.0, "max_retries": 3, "retry_max_wait": 30.0, **overrides}
    )
    return TranscriptClient(config, sleep=(sleeps.append if sleeps is not None else _no_wait))


def _no_wait(seconds: float) -> None:
    raise AssertionError(f"unexpected wait of {seconds} s")
