"""Pages and figures kept until the data changes.

Every entry's key carries the *data version* (``readiness/data_version.py``), which database
triggers move whenever a transaction that changed the data commits — whoever wrote and however
(a form, a bulk insert, raw SQL, the Celery worker, the admin) — so nothing has to remember to
invalidate anything, and an entry is never served after the data it was computed from changed.
Writes come in bursts and pages are read far more often than data changes: in a quiet minute
the tenth manager opening a team map gets it from the cache.

The version is read *before* the data, so an entry is at worst fresher than its key, never
older. Nothing is cached inside a transaction (``atomic``): it may have written, and its own
changes are not yet part of any version others see — a request that saves and then renders
in one transaction, or a test inside its transaction. Nor with ``READINESS_CACHE = False``.

Keys also carry today's date (pages say "overdue" and "3 days ago") and whatever the caller
passes (who is looking, the filters). Rendered HTML is stored with its CSRF tokens replaced
by a placeholder and gets the visitor's own token when served.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from readiness.data_version import current as data_version_current

T = TypeVar("T")

CSRF_PLACEHOLDER = "__readiness_csrf_token__"
CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
#: The placeholder is only ever replaced inside this exact attribute pair, which escaped data
#: cannot produce (autoescape turns " into &quot;): a page showing the placeholder's text
#: elsewhere (a title, a URL) never gets a token there.
CSRF_FIELD = f'name="csrfmiddlewaretoken" value="{CSRF_PLACEHOLDER}"'

_MISSING = object()


#: The data version read during the current GET or HEAD request (see DataVersionMiddleware).
_request_version: ContextVar[dict[str, str] | None] = ContextVar("readiness_version", default=None)


def data_version() -> str | None:
    """The data version, or ``None`` when nothing may be cached (see the module's docstring)."""
    if not settings.READINESS_CACHE or connection.in_atomic_block:
        return None
    memo = _request_version.get()
    if memo:
        return memo["version"]
    version = f"{_fingerprint()}:{data_version_current(connection)}"
    if memo is not None:
        memo["version"] = version
    return version


@functools.cache
def _fingerprint() -> str:
    """What else a kept page depends on, fixed for the life of the process: the code and
    templates (a deploy), the settings that change what pages show, and the database (two
    databases sharing one cache). After restoring a database backup, clear the cache."""
    digest = hashlib.blake2b(digest_size=8)
    database = settings.DATABASES["default"]
    digest.update(
        repr(
            (
                database.get("NAME"),
                database.get("HOST"),
                database.get("PORT"),
                settings.MIN_AGGREGATE_PEOPLE,
                settings.TEAM_MAP_VISIBLE_TO_MEMBERS,
                settings.REASSESSMENT_INTERVAL_DAYS,
                settings.TIME_ZONE,
                settings.LANGUAGE_CODE,
            )
        ).encode()
    )
    root = Path(settings.BASE_DIR)
    for folder in ("templates", "readiness", "catalog", "assessments"):
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in (".py", ".html", ".txt") and "migrations" not in path.parts:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


class DataVersionMiddleware:
    """Reads the data version once per GET or HEAD request, first — before the session, the
    user or anything else is read, so that nothing kept during the request is older than its
    key — for whatever asks for it (navigation, permission checks, the page). Those requests
    write nothing (a test holds every page to it), so the data cannot change under them
    because of themselves. Placed early in ``MIDDLEWARE``."""

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:  # noqa: ANN401
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        token = _request_version.set({})
        try:
            data_version()
            return self.get_response(request)
        finally:
            _request_version.reset(token)


def _key(name: str, parts: tuple[Hashable, ...], version: str) -> str:
    digest = hashlib.blake2b(
        repr((parts, timezone.localdate().isoformat(), version)).encode(), digest_size=16
    ).hexdigest()
    return f"readiness:{name}:{digest}"


def cached(name: str, *parts: Hashable, build: Callable[[], T]) -> T:
    """``build()``'s result, from the cache when the data has not changed since it was kept.

    ``name`` and ``parts`` say what the result depends on besides the data and the date."""
    version = data_version()
    if version is None:
        return build()
    key = _key(name, parts, version)
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = build()
        cache.set(key, value, settings.READINESS_CACHE_SECONDS)
    return value


def cached_html(
    name: str,
    *parts: Hashable,
    request: HttpRequest,
    template_name: str,
    context: Callable[[], dict[str, Any]],
) -> SafeString:
    """``template_name`` rendered with ``context()``, kept like :func:`cached`; its forms get
    the visitor's CSRF token."""
    version = data_version()
    if version is None:
        html = _placeholders(render_to_string(template_name, context(), request=request))
    else:
        key = _key(name, parts, version)
        html = cache.get(key)
        if html is None:
            html = _placeholders(render_to_string(template_name, context(), request=request))
            cache.set(key, html, settings.READINESS_CACHE_SECONDS)
    if CSRF_FIELD in html:
        html = csrf_filled(html, get_token(request))
    return mark_safe(html)  # noqa: S308 - rendered by the template engine, escaped there  # nosec B308 B703 # rendered and escaped by the template engine


def csrf_filled(html: str, token: str) -> str:
    """``html`` kept with placeholders, with the visitor's CSRF token in its forms."""
    return html.replace(CSRF_FIELD, f'name="csrfmiddlewaretoken" value="{token}"')


def _placeholders(html: str) -> str:
    return CSRF_INPUT.sub(rf"\g<1>{CSRF_PLACEHOLDER}\g<2>", html)
