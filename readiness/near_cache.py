"""Each process's own copies of the kept pages, in front of the shared cache (``readiness.caching``).

With a shared cache (Redis in production), every visit of a kept page fetched it from there: a
50-person team map is 469 kB, ~1.3 ms of the worker's time a visit and as much of Redis's. A
worker that has served a page keeps it in its own memory too, and serves it again from there.

A copy is exactly as fresh as the shared entry it came from: it is stored under the same key,
which carries the data versions (the global one and those of the people it shows), read before
the page is built. It never outlives that entry (its time left is the entry's). When the
global version moves, every key changes, so a process drops all its copies at its next request
— a person erased (which moves it) leaves no copy of a page naming them behind, beyond that
request of each worker. Only pages (text, or content as bytes: immutable) and a person's
states (a tuple of named tuples of plain values: ``readiness.kept_people.kept_of_people``) are
copied, never the API's lists (objects a caller could change), within a budget of
``READINESS_NEAR_CACHE_BYTES`` of memory, the least recently used dropped first; a value larger
than the budget is not copied.

After restoring a database backup (its versions may repeat), clear the cache and restart the
workers (``kept_clear`` does both for the process that calls it).
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time

from cachetools import TLRUCache
from django.conf import settings

#: What is copied: a page, or a tuple of a person's states.
Kept = str | bytes | tuple
#: (the time it expires, as ``time.time()``: the shared entry's, the value, its size in bytes)
Copy = tuple[float, Kept, int]

_lock = threading.Lock()
_state: dict[str, object] = {"copies": None, "version": None}


def _size(copy: Copy) -> int:
    return copy[2]


def size_of(value: Kept) -> int:
    """Bytes ``value`` takes: a page's own; a tuple's with its items' and, for items that are
    tuples (a person's states), their fields' (small numbers and flags are shared objects,
    counted anyway: the budget errs on the safe side). ~40 µs for a person's 40 states, paid
    when a value is copied, not when it is served."""
    if not isinstance(value, tuple):
        return sys.getsizeof(value)
    size = sys.getsizeof(value)
    for item in value:
        size += sys.getsizeof(item)
        if isinstance(item, tuple):
            size += sum(map(sys.getsizeof, item))
    return size


def _expiry(_key: str, copy: Copy, _now: float) -> float:
    return copy[0]


def _copies(version: str) -> TLRUCache | None:
    """This process's copies, emptied first if the global ``version`` moved since; None when
    the process keeps none. Called with the lock held."""
    budget = settings.READINESS_NEAR_CACHE_BYTES
    copies = _state["copies"]
    if not budget:
        return None
    if not isinstance(copies, TLRUCache) or copies.maxsize != budget:
        copies = _state["copies"] = TLRUCache(budget, _expiry, timer=time.time, getsizeof=_size)
    if _state["version"] != version:
        copies.clear()
        _state["version"] = version
    return copies


def near_lookup(key: str, version: str) -> tuple[float, Kept] | None:
    """``(built at, page)`` kept under ``key``, if this process has a copy: when the shared
    entry was built (wall time, as ``near_set`` was given it) and the page."""
    with _lock:
        copies = _copies(version)
        copy = copies.get(key) if copies is not None else None
    if copy is None:
        return None
    return copy[0] - settings.READINESS_CACHE_SECONDS, copy[1]


def near_set(
    key: str, version: str, page: object, *, built_at: float, frozen: bool = False
) -> None:
    """Copy ``page`` (kept in the shared cache under ``key`` since ``built_at``, wall time) for
    as long as the shared entry lives; only a page (text, or a page's content as bytes:
    ``readiness.fragments.PageContent``) or, ``frozen``, a tuple the caller vouches is
    immutable all the way down (named tuples of plain values); only if it fits the budget."""
    if not (isinstance(page, (str, bytes)) or (frozen and isinstance(page, tuple))):
        return
    size = size_of(page)
    expires = built_at + settings.READINESS_CACHE_SECONDS
    with _lock:
        copies = _copies(version)
        if copies is None:
            return
        with contextlib.suppress(ValueError):  # larger than the whole budget: not copied
            copies[key] = (expires, page, size)


def near_seen(version: str) -> None:
    """The request's global data version: every copy made under another one is dropped."""
    with _lock:
        _copies(version)


def near_clear() -> None:
    """Drop every copy of this process."""
    with _lock:
        copies = _state["copies"]
        if isinstance(copies, TLRUCache):
            copies.clear()


def near_size() -> int:
    """Bytes of pages this process keeps (for tests and the bench)."""
    with _lock:
        copies = _state["copies"]
        return int(copies.currsize) if isinstance(copies, TLRUCache) else 0
