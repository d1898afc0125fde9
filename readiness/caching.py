"""Page fragments kept until the data changes — the one way anything is kept, contained.

Kept: the team map's and a person's readiness page's content (``kept_fragment``), and the API
lists that read the same for everyone let in (``kept_value``). Every entry is keyed by WHOSE
VIEW it is — a :class:`Viewer`, a required argument that says what of the visitor the content
depends on (the subject plus the visitor's rights over it, or nothing for lists the same for
everyone let in) — so a caller cannot keep one visitor's view and serve it to another by
forgetting who is looking.

Never kept: a permission decision. Who may open a page (the persona flags, the team access
check) is read at every visit, before anything kept is looked up; the viewer scope only says
which kept copy that visitor's rights select.

Every key carries the *data version* (``readiness/data_version.py``), which database triggers
(installed by migration) move whenever a transaction that changed the data commits — whoever
wrote and however — so nothing has to invalidate anything, and an entry is never served after
the data it was computed from changed. A person's own rows (ratings, submissions, plan items…)
move only that person's version, so every key also says which people's rows it shows — a
:class:`Shows`, required like the viewer — and carries their versions. The versions are read
*before* the data (the global one first thing in the request, the people's when the entry is
looked up, before it is built), so an entry is at worst fresher than its key, never older. Nothing is kept inside a transaction (``atomic``):
it may have written, and its own changes are not yet part of any version others see. Nor with
``READINESS_CACHE = False``.

Looked up first in the process's own copies when the cache is shared (``readiness.near_cache``),
then in the shared cache. Values about each of several people, kept a person at a time (a team
map's members' states and rows): ``readiness.kept_people``.

Keys also carry today's date (pages say "overdue" and "3 days ago"). What a kept value shows
of the clock within the day (a certification that lapses at 14:00) is as of when it was built,
or as of the oldest kept value it was made from (a map's rows drawn from its members' kept
states): it lives ``READINESS_CACHE_SECONDS`` from that moment (``_built``), no longer. Rendered HTML is stored
with its CSRF tokens replaced by a placeholder and gets the visitor's own token when served.
"""

from __future__ import annotations

import functools
import hashlib
import re
import time
from collections.abc import Callable, Hashable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from readiness.data_version import current as data_version_current
from readiness.data_version import scoped_version
from readiness.fragments import jinja2_fragment
from readiness.near_cache import near_clear, near_lookup, near_seen, near_set

if TYPE_CHECKING:
    from django.db.models import Model

T = TypeVar("T")

CSRF_PLACEHOLDER = "__readiness_csrf_token__"
CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
#: The placeholder is only ever replaced inside this exact attribute pair, which escaped data
#: cannot produce (autoescape turns " into &quot;): a page showing the placeholder's text
#: elsewhere (a title, a URL) never gets a token there.
CSRF_FIELD = f'name="csrfmiddlewaretoken" value="{CSRF_PLACEHOLDER}"'


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
                settings.DEFAULT_CHARSET,  # kept content is bytes in it
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
            version = data_version()
            if version is not None:
                near_seen(version)  # the process's copies of older data go
            return self.get_response(request)
        finally:
            _request_version.reset(token)


def _key(name: str, parts: tuple[Hashable, ...], version: str) -> str:
    digest = hashlib.blake2b(
        repr((parts, timezone.localdate().isoformat(), version)).encode(), digest_size=16
    ).hexdigest()
    return f"readiness:{name}:{digest}"


@dataclass(frozen=True, slots=True)
class Viewer:
    """Whose view a kept entry is: what of the visitor its content depends on. Built by the
    constructors below, each naming a kind of dependence; it is part of the key. (A page that
    depended on the visitor themself would add ``Viewer.user``; none is kept today.)"""

    scope: tuple[Hashable, ...]

    @classmethod
    def rights(cls, subject: Model, **rights: bool) -> Viewer:
        """The content is about ``subject`` (a team, a person) and depends on the visitor only
        through ``rights`` — every visitor with the same rights over it sees the same page. The
        rights are decided at each visit by the caller (never kept), then select the copy."""
        return cls(("rights", subject._meta.label, subject.pk, tuple(sorted(rights.items()))))

    @classmethod
    def anyone_let_in(cls) -> Viewer:
        """The content is the same for everyone the view let in (the framework's lists)."""
        return cls(("anyone",))


@dataclass(frozen=True, slots=True)
class Shows:
    """Whose own rows (ratings, submissions, plan items…: ``data_version.PERSON_SCOPED_MODELS``)
    a kept entry shows, so that its key carries their versions: a write of someone else's rows
    leaves it kept. Everything else it shows moves the global version, always in the key."""

    scope: tuple[str, int] | None

    @classmethod
    def person(cls, pk: int) -> Shows:
        """One person's rows (their readiness page)."""
        return cls(("person", pk))

    @classmethod
    def team_members(cls, pk: int) -> Shows:
        """The rows of the team's members (its map)."""
        return cls(("team", pk))

    @classmethod
    def nobodys_rows(cls) -> Shows:
        """No person's own rows (the framework's lists): the global version only."""
        return cls(None)


def kept_value(
    name: str,
    *,
    viewer: Viewer,
    shows: Shows,
    parts: tuple[Hashable, ...] = (),
    build: Callable[[], T],
) -> T:
    """``build()``'s result for ``viewer``, from the cache when the data it ``shows`` has not
    changed since it was kept. ``parts`` say what else it depends on (the filters, the URL).
    Looked up in the process's own copies first (``readiness.near_cache``, pages only)."""
    found = _viewer_key(name, viewer, shows, parts)
    if found is None:
        return build()
    key, version = found
    copy = near_lookup(key, version)
    if copy is not None:
        _used(copy[0])
        return cast(T, copy[1])
    entry = cache.get(key)
    if entry is None:
        entry = _built(build)
        _keep({key: entry})
    built_at, value = entry
    _used(built_at)
    near_set(key, version, value, built_at=built_at)
    return value


#: While a kept value is built (``_built``): the oldest moment among the kept values the build
#: used, which is when the clock-dependent parts of what it builds are as of.
_oldest: ContextVar[list[float] | None] = ContextVar("readiness_oldest", default=None)


def _used(built_at: float) -> None:
    """A kept value built at ``built_at`` is used by what is being built, if anything: that is
    as old as it."""
    oldest = _oldest.get()
    if oldest is not None and built_at < oldest[0]:
        oldest[0] = built_at


def _as_of() -> float:
    """When what is built now is as of: now, or the oldest kept value that what encloses it
    used (a map's rows are drawn from states read before them)."""
    now = time.time()
    oldest = _oldest.get()
    return now if oldest is None else min(now, oldest[0])


def _built(build: Callable[[], T]) -> tuple[float, T]:
    """``(as of, build())``: a value is as old as the oldest kept value it was made from.
    What a kept page shows of the clock (a certification that lapses at 14:00, "3 days ago")
    is as of then, and a page drawn from rows drawn from states would otherwise live a
    lifetime of each (``READINESS_CACHE_SECONDS`` three times over)."""
    oldest = [_as_of()]
    token = _oldest.set(oldest)
    try:
        value = build()
    finally:
        _oldest.reset(token)
    _used(oldest[0])
    return oldest[0], value


def _keep(entries: Mapping[str, tuple[float, Any]]) -> None:
    """Store each ``(built at, value)`` for what is left of its lifetime from ``built at``."""
    now = time.time()
    by_timeout: dict[int, dict[str, tuple[float, Any]]] = {}
    for key, entry in entries.items():
        left = int(settings.READINESS_CACHE_SECONDS - (now - entry[0]))
        if left > 0:
            by_timeout.setdefault(left, {})[key] = entry
    for timeout, group in by_timeout.items():
        cache.set_many(group, timeout)


def kept_clear() -> None:
    """Forget everything kept: the shared cache and this process's copies (the other
    processes drop theirs when the data version moves)."""
    cache.clear()
    near_clear()


def kept_fragment(
    name: str,
    *,
    viewer: Viewer,
    shows: Shows,
    parts: tuple[Hashable, ...] = (),
    request: HttpRequest,
    template_name: str,
    context: Callable[[], dict[str, Any]],
    jinja2: bool = False,
) -> SafeString:
    """``template_name`` rendered with ``context()`` for ``viewer``, kept like
    :func:`kept_value`; its forms get the visitor's CSRF token. ``jinja2``: a template of
    ``templates/jinja2/``, rendered with ``context()`` only (no context processor; its forms'
    token is in the context, read once: the backend's lazy ``csrf_token`` masks a new one at
    every use)."""

    def build() -> str:
        if jinja2:
            return _placeholders(jinja2_fragment(template_name, **context()))
        return _placeholders(render_to_string(template_name, context(), request=request))

    html = kept_value(name, viewer=viewer, shows=shows, parts=parts, build=build)
    if CSRF_FIELD in html:
        html = csrf_filled(html, get_token(request))
    return mark_safe(html)  # noqa: S308 - rendered by the template engine, escaped there  # nosec B308 B703 # rendered and escaped by the template engine


def _viewer_key(
    name: str, viewer: Viewer, shows: Shows, parts: tuple[Hashable, ...]
) -> tuple[str, str] | None:
    """The entry's key and the global data version, or None when nothing may be kept now."""
    if not isinstance(viewer, Viewer):
        raise TypeError(f"{name}: say whose view this is with a Viewer, not {viewer!r}")
    if not isinstance(shows, Shows):
        raise TypeError(f"{name}: say whose rows this shows with Shows, not {shows!r}")
    version = data_version()
    if version is None:
        return None
    scoped = version
    if shows.scope is not None:
        scoped = f"{version}:{scoped_version(connection, *shows.scope)}"
    return _key(name, (viewer.scope, shows.scope, parts), scoped), version


def csrf_filled(html: str, token: str) -> str:
    """``html`` kept with placeholders, with the visitor's CSRF token in its forms."""
    return html.replace(CSRF_FIELD, f'name="csrfmiddlewaretoken" value="{token}"')


def _placeholders(html: str) -> str:
    # Most kept pages have no form posting back: a search for the field's name is ~8x faster
    # than the expression's over a team map's 460 KB (0.29 ms).
    if "csrfmiddlewaretoken" not in html:
        return html
    return CSRF_INPUT.sub(rf"\g<1>{CSRF_PLACEHOLDER}\g<2>", html)
