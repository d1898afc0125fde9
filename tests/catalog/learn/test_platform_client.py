"""The Learn Platform client against a local HTTP server started by the test (no network).

The server plays both Microsoft Entra ID's token endpoint and the Learn API: two pages of
modules joined by nextLink, one page of learning paths, a 429 with Retry-After, a 401.
Waits go to a recorded ``sleep``: nothing in these tests sleeps.
"""

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from catalog.learn.client import LearnPlatformClient, PlatformConfig, retry_after_seconds
from catalog.learn.errors import LearnApiError, LearnAuthError
from catalog.models import ImportRun, ImportSource, ImportStatus, ResourceSkill, TrainingResource
from catalog.services.imports import import_run_create, import_run_execute
from catalog.tasks import sync_learn_platform
from tests.catalog.conftest import fixture_bytes

TOKEN = "test-access-token"
API_VERSION = "2023-11-01-preview"


@dataclass
class Scenario:
    """What the fake Learn answers; the handler records every request it sees."""

    token_status: int = 200
    throttle: list[tuple[int, str | None]] = field(default_factory=list)  # (status, Retry-After)
    stall_seconds: float = 0.0
    data_status: int | None = None
    next_link_host: str | None = None
    requests: list[tuple[str, str, dict]] = field(default_factory=list)
    token_forms: list[dict] = field(default_factory=list)


class FakeLearn(BaseHTTPRequestHandler):
    scenario: Scenario
    base: str

    def log_message(self, *args: object) -> None:  # keep the test output clean
        pass

    def _send(self, status: int, body: bytes, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
        length = int(self.headers.get("Content-Length", 0))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        self.scenario.token_forms.append(form)
        if self.path != "/tenant-42/oauth2/v2.0/token":
            return self._send(404, b"{}")
        if self.scenario.token_status != 200:
            return self._send(self.scenario.token_status, fixture_bytes("platform_token_401.json"))
        return self._send(200, fixture_bytes("platform_token.json"))

    def do_GET(self) -> None:  # noqa: N802
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        self.scenario.requests.append((parts.path, self.headers.get("Authorization"), query))
        if self.scenario.stall_seconds:
            threading.Event().wait(self.scenario.stall_seconds)  # the client gives up first
        if self.scenario.throttle:
            status, retry_after = self.scenario.throttle.pop(0)
            return self._send(
                status,
                b'{"error": {"code": "TooManyRequests"}}',
                {"Retry-After": retry_after} if retry_after else {},
            )
        if self.scenario.data_status:
            return self._send(
                self.scenario.data_status,
                b'{"error": {"code": "Unauthorized", "message": "Token expired"}}',
            )
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            return self._send(401, b'{"error": {"code": "Unauthorized"}}')
        if query.get("api-version") != API_VERSION:
            return self._send(400, b'{"error": {"code": "MissingApiVersion"}}')
        name = {
            "/api/v1/modules": "platform_modules_page2.json"
            if query.get("$skiptoken") == "page2"
            else "platform_modules_page1.json",
            "/api/v1/learning-paths": "platform_learning_paths.json",
        }.get(parts.path, "platform_empty.json")
        base = self.base
        if self.scenario.next_link_host:
            base = self.base.replace("127.0.0.1", self.scenario.next_link_host)
        body = fixture_bytes(name).decode().replace("{base}", f"{base}/api/v1")
        return self._send(200, body.encode())


@pytest.fixture
def learn_server() -> Iterator[tuple[str, Scenario]]:
    scenario = Scenario()
    handler = type("Handler", (FakeLearn,), {"scenario": scenario})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    handler.base = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield handler.base, scenario
    server.shutdown()
    server.server_close()


def config_for(base: str, **overrides) -> PlatformConfig:
    values = {
        "api_base": f"{base}/api/v1",
        "token_url": f"{base}/{{tenant}}/oauth2/v2.0/token",
        "tenant_id": "tenant-42",
        "client_id": "client-id",
        "client_secret": "client-secret",
        "api_version": API_VERSION,
        "timeout": 5.0,
        "max_retries": 3,
        "retry_max_wait": 30.0,
    }
    return PlatformConfig(**{**values, **overrides})


@pytest.fixture
def platform_settings(settings, learn_server):
    base, _ = learn_server
    settings.LEARN_API_BASE = f"{base}/api/v1"
    settings.LEARN_TOKEN_URL = f"{base}/{{tenant}}/oauth2/v2.0/token"
    settings.LEARN_TENANT_ID = "tenant-42"
    settings.LEARN_CLIENT_ID = "client-id"
    settings.LEARN_CLIENT_SECRET = "client-secret"
    settings.LEARN_API_VERSION = API_VERSION
    settings.LEARN_MAX_RETRIES = 3
    return settings


def sync(sleeps: list[float], **config_overrides) -> ImportRun:
    run = import_run_create(source=ImportSource.PLATFORM, enqueue=False)

    def factory(config: PlatformConfig) -> LearnPlatformClient:
        from dataclasses import replace

        return LearnPlatformClient(replace(config, **config_overrides), sleep=sleeps.append)

    return import_run_execute(run_id=run.pk, client_factory=factory)


# --- Through the import service -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_sync_reads_every_page_with_one_token_and_honours_retry_after(
    rules, platform_settings, learn_server
):
    _, scenario = learn_server
    scenario.throttle = [(429, "7")]
    sleeps: list[float] = []

    run = sync(sleeps)

    assert run.status == ImportStatus.SUCCEEDED, run.error
    assert run.summary["created"] == 3 and run.summary["retired"] == 0
    assert sleeps == [7.0]  # the 429's Retry-After, honoured once
    assert len(scenario.token_forms) == 1  # one token for the whole sync
    assert scenario.token_forms[0] == {
        "grant_type": "client_credentials",
        "client_id": "client-id",
        "client_secret": "client-secret",
        "scope": "https://learn.microsoft.com/.default",
    }
    paths = [path for path, _, _ in scenario.requests]
    # The throttled first call, then both module pages, then every other collection.
    assert paths[:3] == ["/api/v1/modules"] * 3
    assert set(paths[3:]) == {
        "/api/v1/learning-paths",
        "/api/v1/applied-skills",
        "/api/v1/certifications",
        "/api/v1/courses",
    }
    assert all(query["api-version"] == API_VERSION for _, _, query in scenario.requests)
    assert all(auth == f"Bearer {TOKEN}" for _, auth, _ in scenario.requests)

    rag = TrainingResource.objects.get(external_uid="learn.wwl.use-own-data-azure-openai")
    assert rag.source == "learn_platform" and rag.level == 2
    assert rag.learn_products == ["azure-ai-search"]  # {id, name} objects → ids
    path = TrainingResource.objects.get(external_uid="learn.wwl.build-genai-solutions")
    assert path.children_uids == [
        "learn.wwl.apply-prompt-engineering-azure-openai",
        "learn.wwl.use-own-data-azure-openai",
    ]
    assert path.duration_minutes == 81
    assert set(
        ResourceSkill.objects.filter(resource=path).values_list("skill__slug", flat=True)
    ) == {"prompting", "llm", "grounding"}

    # The same data again: nothing changes.
    scenario.requests.clear()
    again = sync(sleeps)
    assert again.summary["unchanged"] == 3 and again.summary["updated"] == 0


@pytest.mark.django_db
def test_a_refused_client_secret_fails_clearly_and_writes_nothing(
    rules, platform_settings, learn_server
):
    _, scenario = learn_server
    scenario.token_status = 401

    run = sync([])

    assert run.status == ImportStatus.FAILED
    assert "refused the client credentials (HTTP 401: invalid_client" in run.error
    assert "LEARN_CLIENT_SECRET" in run.error
    assert scenario.requests == []  # no data request without a token
    assert not TrainingResource.objects.exists()


@pytest.mark.django_db
def test_a_page_that_times_out_fails_the_sync_and_writes_nothing(
    rules, platform_settings, learn_server
):
    _, scenario = learn_server
    scenario.stall_seconds = 0.3
    sleeps: list[float] = []

    run = sync(sleeps, timeout=0.05, max_retries=1)

    assert run.status == ImportStatus.FAILED
    assert run.error == (
        "The request to /modules timed out 2 times (timeout 0.05 s); nothing was imported."
    )
    assert sleeps == [1.0]  # one back-off between the two attempts
    assert not TrainingResource.objects.exists()


@pytest.mark.django_db
def test_the_weekly_task_syncs_when_credentials_are_configured(
    rules, platform_settings, learn_server
):
    run_id = sync_learn_platform.run()
    run = ImportRun.objects.get(pk=run_id)
    assert run.status == ImportStatus.SUCCEEDED, run.error
    assert run.source == ImportSource.PLATFORM and run.summary["created"] == 3


# --- The client alone ---------------------------------------------------------------------------


def test_retry_after_is_capped_and_503_backs_off_exponentially(learn_server):
    base, scenario = learn_server
    scenario.throttle = [(429, "3600"), (503, None), (503, None)]
    sleeps: list[float] = []
    with LearnPlatformClient(config_for(base, retry_max_wait=30.0), sleep=sleeps.append) as client:
        pages = list(client.iter_pages("learning-paths"))
    assert len(pages) == 1 and pages[0][0]["id"] == "learn.wwl.build-genai-solutions"
    assert sleeps == [30.0, 2.0, 4.0]  # capped Retry-After, then 2**attempt


def test_retries_are_bounded(learn_server):
    base, scenario = learn_server
    scenario.throttle = [(429, "1")] * 10
    sleeps: list[float] = []
    client = LearnPlatformClient(config_for(base, max_retries=2), sleep=sleeps.append)
    with client, pytest.raises(LearnApiError, match="still answered HTTP 429 after 3 attempts"):
        list(client.iter_pages("modules"))
    assert sleeps == [1.0, 1.0]


def test_a_401_from_the_api_gets_one_fresh_token_then_fails(learn_server):
    base, scenario = learn_server
    scenario.data_status = 401
    client = LearnPlatformClient(config_for(base), sleep=lambda s: None)
    with client, pytest.raises(LearnAuthError, match="refused the token for /modules"):
        list(client.iter_pages("modules"))
    assert len(scenario.token_forms) == 2
    assert len(scenario.requests) == 2


def test_a_next_link_to_another_host_is_refused(learn_server):
    base, scenario = learn_server
    scenario.next_link_host = "evil.example"
    with LearnPlatformClient(config_for(base), sleep=lambda s: None) as client:
        pages = client.iter_pages("modules")
        assert len(next(pages)) == 1
        with pytest.raises(LearnApiError, match="nextLink at another host"):
            next(pages)


def test_an_unreachable_host_is_a_clear_error():
    sleeps: list[float] = []
    config = config_for("http://127.0.0.1:9", max_retries=1)  # the discard port: refused
    client = LearnPlatformClient(config, sleep=sleeps.append)
    with client, pytest.raises(LearnApiError, match="Could not reach the token endpoint"):
        client.token()
    assert sleeps == [1.0]


def test_retry_after_as_seconds_or_http_date():
    assert retry_after_seconds("12") == 12.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


def test_the_settings_configure_the_client(settings):
    settings.LEARN_TENANT_ID = "t"
    settings.LEARN_CLIENT_ID = "c"
    settings.LEARN_CLIENT_SECRET = ""
    assert not PlatformConfig.from_settings().configured
    settings.LEARN_CLIENT_SECRET = "s"
    config = PlatformConfig.from_settings()
    assert config.configured and config.api_version == "2023-11-01-preview"
    assert json.dumps(config.api_base).startswith('"https://learn.microsoft.com/api/v1')
