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
view refuses it with the size of the field that carried it, and keeps nothing. Only for a
signed-in user, at most as many parts as Django takes in a form, and only the CSRF token kept:
an anonymous body is left to Django's own limits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import FIELD, ChunkIter, LazyStream, Parser
from django.middleware.csrf import CSRF_TOKEN_LENGTH
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


#: The one field of a measured body that is kept: the CSRF check reads it from request.POST.
CSRF_FIELD = "csrfmiddlewaretoken"
#: A CSRF token's length (a masked token); a longer value is not kept (the check refuses it).
CSRF_TOKEN_BYTES = CSRF_TOKEN_LENGTH


def form_parts_limit() -> int | None:
    """How many parts a measured body may have: as many as Django takes in a form (fields and
    files); None when a setting lifts Django's own limit."""
    fields = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    files = settings.DATA_UPLOAD_MAX_NUMBER_FILES
    if fields is None or files is None:
        return None
    return fields + files


def multipart_parts(
    stream: IO[bytes], boundary: bytes
) -> Iterator[tuple[bool, str, Iterable[bytes]]]:
    """The parts of a ``multipart/form-data`` body, in order: (whether it is a field rather
    than a file, its name, its content as chunks to be read before the next part).

    Django's own multipart reader (``django.http.multipartparser``), whose classes are not
    public API; Django's public ``MultiPartParser`` cannot measure a field, it refuses one past
    ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (tests/readiness/test_uploads.py fails if they change).
    Each part's headers are bounded there (``MAX_TOTAL_HEADER_SIZE``, 1 KB), so is a name."""
    for item_type, headers, part in Parser(LazyStream(ChunkIter(stream, 64 * 1024)), boundary):
        disposition = headers.get("content-disposition")
        raw_name = disposition[1].get("name", b"") if disposition else b""
        name = raw_name.decode(errors="replace") if isinstance(raw_name, bytes) else raw_name
        yield item_type == FIELD, name, part


class FormPartsMeasure(FileUploadHandler):
    """An upload handler that takes over the parsing of a ``multipart/form-data`` body
    (``handle_raw_input``, Django's documented hook) and keeps none of it: it reads the body
    part by part and counts the bytes of each part by name (``sizes``). ``request.POST`` gets
    the CSRF token only (at most ``CSRF_TOKEN_BYTES``), ``request.FILES`` nothing. More parts
    than Django takes in a form (``form_parts_limit``): ``TooManyFieldsSent`` (a 400), read no
    further; so ``sizes`` holds at most that many names."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.sizes: dict[str, int] = {}

    def handle_raw_input(
        self,
        input_data: IO[bytes],
        META: dict[str, Any],  # noqa: N803 - Django's name
        content_length: int,
        boundary: bytes,  # type: ignore[override]  # bytes, as Django passes it (the stubs say str)
        encoding: str | None = None,
    ) -> tuple[QueryDict, MultiValueDict]:
        limit = form_parts_limit()
        token: bytes | None = None
        parts = multipart_parts(input_data, boundary)
        # Two more: the preamble before the first boundary and the epilogue after the last.
        for count, (is_field, name, part) in enumerate(parts, -1):
            if limit is not None and count > limit:
                raise TooManyFieldsSent(
                    f"The form has more than {limit:,} parts (DATA_UPLOAD_MAX_NUMBER_FIELDS "
                    "and DATA_UPLOAD_MAX_NUMBER_FILES)."
                )
            wanted = is_field and name == CSRF_FIELD and token is None
            size, head = 0, bytearray()
            for chunk in part:  # read to the part's end whatever it is: the next starts there
                size += len(chunk)
                if wanted and size <= CSRF_TOKEN_BYTES:
                    head += chunk
            if not name:
                continue
            self.sizes[name] = self.sizes.get(name, 0) + size
            if wanted and size <= CSRF_TOKEN_BYTES:
                token = bytes(head)
        kept = {CSRF_FIELD: token.decode(errors="replace")} if token is not None else {}
        return QueryDict(urlencode(kept)), MultiValueDict()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        """Never called: ``handle_raw_input`` parses the whole body. Nothing is kept."""
        return None

    def file_complete(self, file_size: int) -> None:
        """Never called: ``handle_raw_input`` parses the whole body. No file is kept."""
        return None


def form_parts_measure(request: HttpRequest) -> dict[str, int] | None:
    """Read a ``multipart/form-data`` body part by part, keeping none of it but the CSRF token
    (``FormPartsMeasure``): the size in bytes of each part by name (a field's value, a file's
    content), or None when the body is not multipart (left to Django, unread)."""
    content_type, params = parse_header_parameters(request.META.get("CONTENT_TYPE", ""))
    if content_type != "multipart/form-data" or not params.get("boundary"):
        return None
    measure = FormPartsMeasure(request)
    request.upload_handlers = [measure]
    request.POST  # noqa: B018 - parsed now, by the handler: its sizes are known
    return measure.sizes


class FormMeasureMiddleware:
    """For a view with ``form_body_bound()`` (a class-based view's class method), a body
    declared larger than it, sent by a signed-in user, is measured instead of parsed
    (``form_parts_measure``) before anything reads ``request.POST``: its sizes are
    ``request.form_parts_measured`` (None for a body that is not multipart, which Django
    parses as usual; not set for a body within the bound). Placed before the CSRF check,
    which then reads the kept token as usual.

    An anonymous request is left as it is (refused further on: the CSRF check, the sign-in):
    its body is never measured, so that nobody signed out makes the server read a body
    Django would not."""

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
        user = getattr(request, "user", None)  # AuthenticationMiddleware has run by now
        if user is None or not user.is_authenticated:
            return
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return
        if declared > bound():
            request.form_parts_measured = form_parts_measure(request)  # type: ignore[attr-defined]
