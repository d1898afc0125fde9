"""Optimistic concurrency for the API: ``ETag`` on what a GET reads, ``If-Match`` on writes.

The ETag is a hash of the object's JSON as a ``GET`` of its URL answers it, for the person
asking — what they saw is what they compare. A ``PUT``, ``PATCH`` or ``DELETE`` carrying
``If-Match`` is compared, just before it runs, with the ETag of the current ``GET`` of the same
URL for the same person: another one (somebody changed it since) is a ``412`` and nothing is
written; ``*`` matches anything that exists. Without ``If-Match`` a write goes ahead, unless
``API_REQUIRE_IF_MATCH`` is on: then it is a ``428``. A ``GET`` with a matching
``If-None-Match`` is a ``304``.

The check and the write are two steps (no lock is held between them): it stops the
lost update of two integrators who read, then write, seconds or hours apart — the case it is
for — not two writes within the same few milliseconds.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import parse_etags  # type: ignore[attr-defined]  # missing from the stubs

from readiness.api.exceptions import PROBLEM_CONTENT_TYPE, problem_body

WRITES = frozenset({"PUT", "PATCH", "DELETE"})


def etag_of(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def _current(view: Callable, request: HttpRequest, args: tuple, kwargs: dict) -> HttpResponse:
    reading = copy.copy(request)
    reading.method = "GET"
    response = view(reading, *args, **kwargs)
    if hasattr(response, "render"):
        response.render()
    return response


def _refusal(status: int, code: str, detail: str, request: HttpRequest) -> JsonResponse:
    body = problem_body(status=status, code=code, detail=detail, instance=request.path)
    return JsonResponse(body, status=status, content_type=PROBLEM_CONTENT_TYPE)


def conditional(view: Callable, allowed: list[str]) -> Callable:
    """``view`` with ETags on its GETs and ``If-Match`` honoured on its writes (where the URL
    also answers GET: there is something to compare with)."""

    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.method in WRITES and "GET" in allowed:
            refusal = _precondition(view, request, args, kwargs)
            if refusal is not None:
                return refusal
        response = view(request, *args, **kwargs)
        if request.method in {"GET", "HEAD"} and response.status_code == 200:
            if hasattr(response, "render"):
                response.render()
            etag = etag_of(response.content)
            response["ETag"] = etag
            if etag in parse_etags(request.headers.get("If-None-Match", "")):
                not_modified = HttpResponse(status=304)
                not_modified["ETag"] = etag
                return not_modified
        return response

    return wrapped


def _precondition(
    view: Callable, request: HttpRequest, args: tuple, kwargs: dict
) -> HttpResponse | None:
    header = request.headers.get("If-Match")
    if header is None:
        if settings.API_REQUIRE_IF_MATCH:
            return _refusal(
                428,
                "precondition_required",
                "Send If-Match with the ETag of the object as you last read it.",
                request,
            )
        return None
    current = _current(view, request, args, kwargs)
    if current.status_code != 200:
        return current  # 401, 403, 404…: the write would be refused the same way
    tags = parse_etags(header)
    if "*" in tags or etag_of(current.content) in tags:
        return None
    return _refusal(
        412,
        "precondition_failed",
        "The object changed since you read it (its ETag is another): read it again, then retry.",
        request,
    )
