"""Request bodies bounded before they are read.

Django streams an uploaded file to a temporary file once it passes
``FILE_UPLOAD_MAX_MEMORY_SIZE`` and bounds form fields by ``DATA_UPLOAD_MAX_MEMORY_SIZE``, but
it still reads (to disk) a body of any size, and DRF reads a JSON body whole. The declared
``Content-Length`` is known before the first byte: a body larger than ``REQUEST_MAX_BYTES`` (the
largest upload the product takes, the Learn catalog file, plus its form) is answered 413 without
being read. (A body longer than it declares is never read past the declared length.)
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

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
