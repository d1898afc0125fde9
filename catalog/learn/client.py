"""A small client for the Learn Platform API (``https://learn.microsoft.com/api/v1``).

App-only auth with an Entra ID client-credentials token; ``api-version`` on every request;
``{"value": [...], "nextLink": "..."}`` paging; 429 and 503 retried honouring ``Retry-After``
(capped) with an exponential back-off otherwise; timeouts retried, then a clear error.
The clock and ``sleep`` are injectable so tests never wait.
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
from django.conf import settings

from catalog.learn.errors import LearnApiError, LearnAuthError
from catalog.models import ResourceKind

logger = logging.getLogger(__name__)

#: The Platform collections we import, and the kind each holds.
PLATFORM_COLLECTIONS = {
    "modules": ResourceKind.MODULE,
    "learning-paths": ResourceKind.LEARNING_PATH,
    "applied-skills": ResourceKind.APPLIED_SKILL,
    "certifications": ResourceKind.CERTIFICATION,
    "courses": ResourceKind.COURSE,
}
RETRYABLE_STATUS = {429, 502, 503, 504}
PAGE_SIZE = 100
MAX_PAGES = 10_000


@dataclass(frozen=True)
class PlatformConfig:
    api_base: str
    token_url: str
    tenant_id: str
    client_id: str
    client_secret: str
    api_version: str
    scope: str = "https://learn.microsoft.com/.default"
    timeout: float = 30.0
    max_retries: int = 5
    retry_max_wait: float = 120.0

    @classmethod
    def from_settings(cls) -> PlatformConfig:
        return cls(
            api_base=settings.LEARN_API_BASE.rstrip("/"),
            token_url=settings.LEARN_TOKEN_URL,
            tenant_id=settings.LEARN_TENANT_ID,
            client_id=settings.LEARN_CLIENT_ID,
            client_secret=settings.LEARN_CLIENT_SECRET,
            api_version=settings.LEARN_API_VERSION,
            scope=settings.LEARN_TOKEN_SCOPE,
            timeout=settings.LEARN_HTTP_TIMEOUT,
            max_retries=settings.LEARN_MAX_RETRIES,
            retry_max_wait=settings.LEARN_RETRY_MAX_WAIT,
        )

    @property
    def configured(self) -> bool:
        return bool(self.tenant_id and self.client_id and self.client_secret)


def retry_after_seconds(value: str | None, *, now: float | None = None) -> float | None:
    """``Retry-After`` as seconds: a number of seconds or an HTTP date; None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class LearnPlatformClient:
    """Fetches Learn Platform collections page by page. Use as a context manager."""

    def __init__(
        self,
        config: PlatformConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self._sleep = sleep
        self._clock = clock
        self._token: str | None = None
        self._token_expires = 0.0
        self._http = httpx.Client(
            timeout=config.timeout,
            transport=transport,
            follow_redirects=False,
            headers={"Accept": "application/json", "User-Agent": "Readiness-Learn-importer/1"},
        )
        base = urlsplit(config.api_base)
        self._origin = (base.scheme, base.netloc)

    def __enter__(self) -> LearnPlatformClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # --- Auth ---------------------------------------------------------------------------------

    def token(self) -> str:
        """A bearer token, fetched once and reused until a minute before it expires."""
        if self._token and self._clock() < self._token_expires:
            return self._token
        url = self.config.token_url.format(tenant=self.config.tenant_id)
        response = self._send(
            "POST",
            url,
            data={
                "grant_type": "client_credentials",
                "client_id": self.config.client_id,
                "client_secret": self.config.client_secret,
                "scope": self.config.scope,
            },
            what="the token endpoint",
        )
        if response.status_code in (400, 401, 403):
            raise LearnAuthError(
                "The Entra ID token endpoint refused the client credentials "
                f"(HTTP {response.status_code}{_error_detail(response)}). Check LEARN_TENANT_ID, "
                "LEARN_CLIENT_ID and LEARN_CLIENT_SECRET."
            )
        if response.status_code != 200:
            raise LearnApiError(
                f"The token endpoint answered HTTP {response.status_code}{_error_detail(response)}."
            )
        body = _json(response, "the token endpoint")
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise LearnAuthError("The token endpoint's answer holds no access_token.")
        expires_in = body.get("expires_in", 3600)
        try:
            lifetime = float(expires_in)
        except (TypeError, ValueError):
            lifetime = 3600.0
        self._token = token
        self._token_expires = self._clock() + max(0.0, lifetime - 60)
        return token

    # --- Data ---------------------------------------------------------------------------------

    def iter_pages(
        self, collection: str, *, params: dict[str, str] | None = None
    ) -> Iterator[list[dict[str, Any]]]:
        """Every page of ``collection`` (``modules``, ``learning-paths``…), as item lists."""
        url: str | None = self._with_version(
            f"{self.config.api_base}/{collection}",
            {"maxpagesize": str(PAGE_SIZE), **(params or {})},
        )
        visited: set[str] = set()
        while url:
            if url in visited or len(visited) >= MAX_PAGES:
                raise LearnApiError(f"The API's paging of /{collection} loops at {url}.")
            visited.add(url)
            body = self._get_json(url, what=f"/{collection}")
            if not isinstance(body, dict) or not isinstance(body.get("value"), list):
                raise LearnApiError(
                    f'A page of /{collection} is not of the form {{"value": [...]}}.'
                )
            yield body["value"]
            next_link = body.get("nextLink") or body.get("@odata.nextLink")
            url = self._checked_next_link(next_link, collection) if next_link else None

    def _get_json(self, url: str, *, what: str) -> Any:
        for attempt in range(2):
            response = self._send(
                "GET", url, headers={"Authorization": f"Bearer {self.token()}"}, what=what
            )
            if response.status_code == 401 and attempt == 0:
                self._token = None  # expired or revoked: one fresh token, then give up
                continue
            break
        if response.status_code in (401, 403):
            raise LearnAuthError(
                f"The Learn API refused the token for {what} (HTTP {response.status_code}"
                f"{_error_detail(response)})."
            )
        if response.status_code != 200:
            raise LearnApiError(
                f"The Learn API answered HTTP {response.status_code} for {what}"
                f"{_error_detail(response)}."
            )
        return _json(response, what)

    def _send(self, method: str, url: str, *, what: str, **kwargs: Any) -> httpx.Response:
        """One request with the bounded retries: 429/5xx honour Retry-After (capped),
        timeouts and dropped connections back off exponentially."""
        attempts = self.config.max_retries + 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                response = self._http.request(method, url, **kwargs)
            except httpx.TimeoutException:
                if last:
                    raise LearnApiError(
                        f"The request to {what} timed out {attempts} times (timeout "
                        f"{self.config.timeout:g} s); nothing was imported."
                    ) from None
                self._wait(None, attempt, why=f"timeout on {what}")
                continue
            except httpx.TransportError as exc:
                if last:
                    raise LearnApiError(f"Could not reach {what}: {exc}.") from None
                self._wait(None, attempt, why=f"{type(exc).__name__} on {what}")
                continue
            if response.status_code in RETRYABLE_STATUS and not last:
                self._wait(
                    response.headers.get("Retry-After"),
                    attempt,
                    why=f"HTTP {response.status_code} from {what}",
                )
                continue
            if response.status_code in RETRYABLE_STATUS:
                raise LearnApiError(
                    f"The Learn API ({what}) still answered HTTP {response.status_code} after {attempts} "
                    "attempts (throttled or unavailable); nothing was imported."
                )
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait(self, retry_after: str | None, attempt: int, *, why: str) -> None:
        delay = retry_after_seconds(retry_after)
        if delay is None:
            delay = float(2**attempt)
        delay = min(delay, self.config.retry_max_wait)
        logger.info("Learn API: %s; retrying in %.1f s", why, delay)
        self._sleep(delay)

    def _with_version(self, url: str, extra: dict[str, str] | None = None) -> str:
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        for key, value in (extra or {}).items():
            query.setdefault(key, value)
        query.setdefault("api-version", self.config.api_version)
        return urlunsplit(parts._replace(query=urlencode(query)))

    def _checked_next_link(self, link: Any, collection: str) -> str:
        # The bearer token must never be sent to another host than the API's own.
        if not isinstance(link, str):
            raise LearnApiError(f"A page of /{collection} has a nextLink that is not a URL.")
        parts = urlsplit(link)
        if (parts.scheme, parts.netloc) != self._origin:
            raise LearnApiError(
                f"A page of /{collection} points its nextLink at another host ({parts.netloc})."
            )
        return self._with_version(link)


def _json(response: httpx.Response, what: str) -> Any:
    try:
        return response.json()
    except ValueError:
        raise LearnApiError(f"The answer of {what} is not JSON.") from None


def _error_detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):  # the API's {"error": {"code", "message"}}
            return f": {error.get('code', '')} {error.get('message', '')}".rstrip()
        description = body.get("error_description")
        if isinstance(error, str):
            first_line = (description or "").splitlines()[0] if description else ""
            return f": {error}" + (f" — {first_line}" if first_line else "")
    return ""


def fetch_platform_catalog(
    client: LearnPlatformClient,
    *,
    collections: dict[str, str] | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> Iterator[tuple[str, str, list]]:
    """Every item of every collection, as (collection, kind, items) batches per page."""
    fetched = 0
    for collection, kind in (collections or PLATFORM_COLLECTIONS).items():
        for page_number, page in enumerate(client.iter_pages(collection), start=1):
            fetched += len(page)
            if progress is not None:
                progress(f"Fetched page {page_number} of /{collection}", fetched)
            yield collection, kind, page
