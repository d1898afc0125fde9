"""The API's JSON parser: DRF's, with two differences.

- A body nested too deeply for Python's decoder is answered as the 400 of any other malformed
  body (``[`` × 50,000 raised RecursionError: a 500).
- Its size bound is the operation's, not Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` for every
  one. DRF reads a body its own ``JSONParser`` (or a subclass) parses through
  ``request.body``, which Django refuses past that setting (2.5 MB) with a bare HTML ``400``:
  the HR upsert (20 MB for 100,000 people) and a badge at its limit (base64 makes 2 MB of
  image 2.7 MB) never reached their view. This parser is not DRF's class, so DRF hands it the
  request's stream; it reads at most the view's ``max_body_bytes()`` (Django's setting when
  the view names none). A body declared larger is not read: the view's
  ``body_too_large(declared=, head=)`` refuses it when it has one (given the first
  ``HEAD_BYTES`` of the body, to say which field carried it), else a ``413`` problem. A body
  longer than it declares is never read past its declared length (Django), and one read past
  the bound is the same ``413``. The whole request stays bounded by ``REQUEST_MAX_BYTES``
  (``readiness.uploads``).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from rest_framework import parsers, renderers
from rest_framework.exceptions import APIException, ParseError

#: How much of a body declared too large its view's ``body_too_large`` is given.
HEAD_BYTES = 256


class RequestTooLarge(APIException):
    status_code = 413
    default_code = "request_too_large"
    default_detail = "The request body is too large for this operation: it was not read."


def body_bound(view: object) -> int:
    """The most bytes of JSON ``view`` reads: its ``max_body_bytes()``, or Django's setting."""
    bound = getattr(view, "max_body_bytes", None)
    return bound() if callable(bound) else settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def _declared_length(request: object) -> int:
    try:
        return int(getattr(request, "META", {}).get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # Django reads no body it cannot size


class JSONParser(parsers.BaseParser):
    media_type = "application/json"
    renderer_class = renderers.JSONRenderer
    _json = parsers.JSONParser()

    def parse(
        self,
        stream: Any,  # noqa: ANN401 - the request (a file-like object)
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:  # noqa: ANN401 - any JSON value
        context = parser_context or {}
        view = context.get("view")
        bound = body_bound(view)
        declared = _declared_length(context.get("request"))
        if declared > bound:
            refuse = getattr(view, "body_too_large", None)
            if callable(refuse):
                refuse(declared=declared, head=stream.read(HEAD_BYTES))  # raises its error
            raise RequestTooLarge(
                f"The request body ({declared:,} bytes) is larger than this operation takes "
                f"({bound:,} bytes): it was not read."
            )
        body = stream.read(bound + 1)
        if len(body) > bound:  # a stream longer than declared: not read past the bound
            raise RequestTooLarge(
                f"The request body is larger than this operation takes ({bound:,} bytes): "
                "it was not read past them."
            )
        try:
            return self._json.parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the document is nested too deeply.") from None
