"""The Microsoft Learn transcript share API: a replaceable adapter, tolerant of missing
optional fields and loud on a changed shape.

``GET {LEARN_TRANSCRIPT_API_BASE}{shareId}?locale={locale}`` answers the learner's transcript.
Only completions and certifications are read out of it: the personal fields (``userName``,
``contactEmail``, ``legalName``, ``mcid``) are never copied, returned, logged nor put in an
error message. The retry discipline is the Learn Platform client's: timeouts, 429/5xx retried
honouring ``Retry-After`` (capped) with an exponential back-off otherwise; ``sleep`` is
injectable so tests never wait.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, overload
from urllib.parse import quote, urlencode, urlsplit

import httpx
from django.conf import settings
from django.utils.dateparse import parse_datetime

from catalog.learn.client import RETRYABLE_STATUS, retry_after_seconds
from catalog.learn.errors import LearnApiError

logger = logging.getLogger(__name__)

SHARE_ID = re.compile(r"^[A-Za-z0-9_-]{4,64}$")
LOCALE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")
# https://learn.microsoft.com/<locale>/users/<name>/transcript/<shareId>
SHARE_PATH = re.compile(
    r"^/(?P<locale>[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)/users/[^/]+/transcript/(?P<share>[^/]+)/?$"
)
LEARN_HOSTS = {"learn.microsoft.com"}


class TranscriptError(LearnApiError):
    """The transcript could not be read; the message is shown to the person as it is."""


class TranscriptRevoked(TranscriptError):
    """The share link answers 404: the learner revoked it (or it never existed)."""


class TranscriptShapeError(TranscriptError):
    """The answer is JSON but not the transcript shape we know: fail loudly, change nothing."""


@dataclass(frozen=True, slots=True)
class ShareLink:
    share_id: str
    locale: str


def share_link_parse(url: str) -> ShareLink:
    """The share id and locale of a transcript share link; ValueError with a message otherwise."""
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or (parts.hostname or "").lower() not in LEARN_HOSTS:
        raise ValueError(
            "Paste the share link of your Microsoft Learn transcript: it starts with "
            "https://learn.microsoft.com/ (Learn profile → Transcript → Share link)."
        )
    match = SHARE_PATH.match(parts.path)
    if match is None or not SHARE_ID.match(match["share"]):
        raise ValueError(
            "This is not a transcript share link: it should look like "
            "https://learn.microsoft.com/en-us/users/<name>/transcript/<share id>."
        )
    return ShareLink(share_id=match["share"], locale=match["locale"].lower())


# --- The answer, read strictly ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Completion:
    uid: str
    title: str
    kind: str  # "module" or "learning_path" (the catalog's ResourceKind values)
    duration_minutes: int | None
    completed_at: dt.datetime


@dataclass(frozen=True, slots=True)
class TranscriptCertification:
    name: str
    number: str
    status: str
    earned_at: dt.datetime | None
    expires_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class Transcript:
    completions: tuple[Completion, ...]
    certifications: tuple[TranscriptCertification, ...]


@overload
def _when(value: Any, where: str, *, required: Literal[True]) -> dt.datetime: ...  # noqa: ANN401
@overload
def _when(value: Any, where: str, *, required: bool) -> dt.datetime | None: ...  # noqa: ANN401
def _when(value: Any, where: str, *, required: bool) -> dt.datetime | None:
    if value in (None, "") and not required:
        return None
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None:
        raise TranscriptShapeError(f"{where} is not a date-time.")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


def _items(body: dict, key: str) -> list[dict]:
    value = body.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise TranscriptShapeError(f"“{key}” is not a list of objects.")
    return value


def _completion(item: dict, key: str, index: int, kind: str) -> Completion:
    where = f"{key}[{index}]"
    uid, title = item.get("uid"), item.get("title")
    if not isinstance(uid, str) or not uid.strip():
        raise TranscriptShapeError(f"{where} has no uid.")
    duration = item.get("durationInMinutes")
    if duration is not None and not isinstance(duration, int | float):
        raise TranscriptShapeError(f"{where}.durationInMinutes is not a number.")
    return Completion(
        uid=uid.strip(),
        title=(title if isinstance(title, str) else uid)[:300],
        kind=kind,
        duration_minutes=None if duration is None else int(duration),
        completed_at=_when(item.get("completedOn"), f"{where}.completedOn", required=True),
    )


def _certification(item: dict, index: int) -> TranscriptCertification:
    where = f"certificationData.activeCertifications[{index}]"
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise TranscriptShapeError(f"{where} has no name.")
    return TranscriptCertification(
        name=name.strip()[:200],
        number=str(item.get("certificationNumber") or "")[:64],
        status=str(item.get("status") or "")[:32],
        earned_at=_when(item.get("dateEarned"), f"{where}.dateEarned", required=False),
        expires_at=_when(item.get("expiration"), f"{where}.expiration", required=False),
    )


def transcript_parse(body: Any) -> Transcript:
    """The completions and certifications of a transcript answer; unknown fields ignored.

    Raises TranscriptShapeError when the answer is not the known shape (no completion list at
    all, a list that is not a list, an item without uid or date): better no sync than a wrong
    one. Personal fields are not read.
    """
    if not isinstance(body, dict):
        raise TranscriptShapeError("The answer is not a JSON object.")
    if "modulesCompleted" not in body and "learningPathsCompleted" not in body:
        raise TranscriptShapeError(
            "The answer has neither “modulesCompleted” nor “learningPathsCompleted”: "
            "the transcript API changed its shape."
        )
    completions = [
        _completion(item, "modulesCompleted", i, "module")
        for i, item in enumerate(_items(body, "modulesCompleted"))
    ] + [
        _completion(item, "learningPathsCompleted", i, "learning_path")
        for i, item in enumerate(_items(body, "learningPathsCompleted"))
    ]
    cert_data = body.get("certificationData")
    if cert_data is None:
        cert_data = {}
    if not isinstance(cert_data, dict):
        raise TranscriptShapeError("“certificationData” is not an object.")
    certifications = [
        _certification(item, i) for i, item in enumerate(_items(cert_data, "activeCertifications"))
    ]
    return Transcript(completions=tuple(completions), certifications=tuple(certifications))


# --- The HTTP client --------------------------------------------------------------------------


@dataclass(frozen=True)
class TranscriptConfig:
    api_base: str
    timeout: float = 30.0
    max_retries: int = 5
    retry_max_wait: float = 120.0

    @classmethod
    def from_settings(cls) -> TranscriptConfig:
        base = settings.LEARN_TRANSCRIPT_API_BASE
        return cls(
            api_base=base if base.endswith("/") else base + "/",
            timeout=settings.LEARN_HTTP_TIMEOUT,
            max_retries=settings.LEARN_MAX_RETRIES,
            retry_max_wait=settings.LEARN_RETRY_MAX_WAIT,
        )


class TranscriptClient:
    """Reads shared transcripts. Use as a context manager; one instance serves many links."""

    def __init__(
        self,
        config: TranscriptConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config
        self._sleep = sleep
        self._http = httpx.Client(
            timeout=config.timeout,
            transport=transport,
            follow_redirects=False,
            headers={"Accept": "application/json", "User-Agent": "Readiness-transcripts/1"},
        )

    def __enter__(self) -> TranscriptClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self._http.close()

    def url(self, link: ShareLink) -> str:
        return f"{self.config.api_base}{quote(link.share_id, safe='')}?" + urlencode(
            {"locale": link.locale}
        )

    def fetch(self, link: ShareLink) -> Transcript:
        """The parsed transcript of ``link``; TranscriptError (or a subclass) when it cannot be."""
        response = self._get(self.url(link))
        if response.status_code == 404:
            raise TranscriptRevoked(
                "The transcript link was revoked (Microsoft Learn answers “not found”): "
                "create a new share link on your Learn profile and paste it here."
            )
        if response.status_code != 200:
            raise TranscriptError(
                f"Microsoft Learn answered HTTP {response.status_code} for the transcript."
            )
        try:
            body = response.json()
        except ValueError:
            raise TranscriptShapeError("The transcript answer is not JSON.") from None
        return transcript_parse(body)

    def _get(self, url: str) -> httpx.Response:
        attempts = self.config.max_retries + 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                response = self._http.get(url)
            except httpx.TimeoutException:
                if last:
                    raise TranscriptError(
                        f"Microsoft Learn did not answer in time ({attempts} attempts)."
                    ) from None
                self._wait(None, attempt, why="timeout")
                continue
            except httpx.TransportError as exc:
                if last:
                    raise TranscriptError(
                        f"Could not reach Microsoft Learn ({type(exc).__name__})."
                    ) from None
                self._wait(None, attempt, why=type(exc).__name__)
                continue
            if response.status_code in RETRYABLE_STATUS | {500}:
                if last:
                    raise TranscriptError(
                        f"Microsoft Learn still answered HTTP {response.status_code} after "
                        f"{attempts} attempts (throttled or unavailable); try again later."
                    )
                self._wait(
                    response.headers.get("Retry-After"), attempt, why=f"HTTP {response.status_code}"
                )
                continue
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait(self, retry_after: str | None, attempt: int, *, why: str) -> None:
        delay = retry_after_seconds(retry_after)
        if delay is None:
            delay = float(2**attempt)
        delay = min(delay, self.config.retry_max_wait)
        logger.info("Learn transcript: %s; retrying in %.1f s", why, delay)
        self._sleep(delay)
