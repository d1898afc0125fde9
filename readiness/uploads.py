"""Request bodies bounded before they are read.

Django streams an uploaded file to a temporary file once it passes
``FILE_UPLOAD_MAX_MEMORY_SIZE`` and bounds form fields by ``DATA_UPLOAD_MAX_MEMORY_SIZE``, but
it still reads (to disk) a body of any size, and DRF reads a JSON body whole. The declared
``Content-Length`` is known before the first byte: a body larger than ``REQUEST_MAX_BYTES`` (the
largest upload the product takes, the Learn catalog file, plus its form) is answered 413 without
being read. (A body longer than it declares is never read past the declared length.)

A form whose own limit is smaller than a body may be (a badge pasted as text) must say it at
its field, but Django refuses form fields past ``DATA_UPLOAD_MAX_MEMORY_SIZE`` with a bare
``400`` as soon as anything reads ``request.POST`` — the CSRF check, before the view. Its view
says how large a body it reads (``form_body_bound()``); a larger one is not parsed into fields
but measured, part by part, by ``FormMeasureMiddleware`` (``form_parts_measure``), so that the
view refuses it with the size of the field that carried it, and keeps nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, cast
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import FIELD, ChunkIter, LazyStream, Parser
from django.utils.datastructures import MultiValueDict
from django.utils.http import parse_header_parameters

from readiness.api.exceptions import PROBLEM_CONTENT_TYPE, problem_body


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0  # Django reads no body it cannot size
        limit = settings.REQUEST_MAX_BYTES
        if declared > limit:
            message = (
                f"The request is larger than {limit // 2**20} MB: nothing was read. "
                "Split the file, or import a smaller one."
            )
            if request.path.startswith("/api/"):
                body = problem_body(
                    status=413, code="request_too_large", detail=message, instance=request.path
                )
                return JsonResponse(body, status=413, content_type=PROBLEM_CONTENT_TYPE)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


#: A measured body's fields of at most this many bytes are kept (the CSRF token among them).
KEPT_FIELD_BYTES = 4096


def form_parts_measure(request: HttpRequest) -> dict[str, int] | None:
    """Read a ``multipart/form-data`` body part by part, keeping none of it but its small
    fields: the size in bytes of each part by name (a field's value, a file's content), or
    None when the body is not multipart. ``request.POST`` becomes the fields of at most
    ``KEPT_FIELD_BYTES`` (the CSRF token), ``request.FILES`` empty."""
    content_type, params = parse_header_parameters(request.META.get("CONTENT_TYPE", ""))
    boundary = params.get("boundary", "")
    if content_type != "multipart/form-data" or not boundary:
        return None
    sizes: dict[str, int] = {}
    kept: list[tuple[str, str]] = []
    body = cast(IO[bytes], request)  # HttpRequest.read, never past the declared length
    for item_type, headers, part in Parser(
        LazyStream(ChunkIter(body, 64 * 1024)), boundary.encode()
    ):
        disposition = headers.get("content-disposition")
        raw_name = disposition[1].get("name", b"") if disposition else b""
        name = raw_name.decode(errors="replace") if isinstance(raw_name, bytes) else raw_name
        size, head = 0, []
        for chunk in part:  # read to the part's end whatever it is: the next starts there
            size += len(chunk)
            if size <= KEPT_FIELD_BYTES:
                head.append(chunk)
        if not name:
            continue
        sizes[name] = sizes.get(name, 0) + size
        if item_type == FIELD and size <= KEPT_FIELD_BYTES:
            kept.append((name, b"".join(head).decode(errors="replace")))
    # What request.POST and request.FILES read once parsed (django.http.HttpRequest).
    request._post = QueryDict(urlencode(kept))  # type: ignore[attr-defined]
    request._files = MultiValueDict()  # type: ignore[attr-defined]
    return sizes


class FormMeasureMiddleware:
    """For a view with ``form_body_bound()`` (a class-based view's class method), a body
    declared larger than it is measured instead of parsed (``form_parts_measure``) before
    anything reads ``request.POST``: its sizes are ``request.form_parts_measured`` (None for a
    body that is not multipart, which Django parses as usual; not set for a body within the
    bound). Placed before the CSRF check, which then reads the kept token as usual."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable, view_args: tuple, view_kwargs: dict
    ) -> None:
        bound = getattr(getattr(view_func, "view_class", None), "form_body_bound", None)
        if bound is None or request.method != "POST":
            return
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return
        if declared > bound():
            request.form_parts_measured = form_parts_measure(request)  # type: ignore[attr-defined]
