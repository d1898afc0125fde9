"""The API's JSON parser: DRF's, with two differences.

- A body nested too deeply for Python's decoder is answered as the 400 of any other malformed
  body (``[`` × 50,000 raised RecursionError: a 500).
- Its size bound is the operation's, not Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` for every
  one. DRF reads a body its own ``JSONParser`` (or a subclass) parses through
  ``request.body``, which Django refuses past that setting (2.5 MB) with a bare HTML ``400``:
  the HR upsert (20 MB for 100,000 people) and a badge at its limit (base64 makes 2 MB of
  image 2.7 MB) never reached their view. This parser is not DRF's class, so DRF hands it the
  request's stream; it reads at most the view's ``max_body_bytes()`` (Django's setting when
  the view names none) and answers a larger body with a ``413`` problem, unread past the bound.
  The whole request stays bounded by ``REQUEST_MAX_BYTES`` (``readiness.uploads``).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from rest_framework import parsers, renderers
from rest_framework.exceptions import APIException, ParseError


class RequestTooLarge(APIException):
    status_code = 413
    default_code = "request_too_large"
    default_detail = "The request body is too large for this operation: nothing was read."


def body_bound(view: object) -> int:
    """The most bytes of JSON ``view`` reads: its ``max_body_bytes()``, or Django's setting."""
    bound = getattr(view, "max_body_bytes", None)
    return bound() if callable(bound) else settings.DATA_UPLOAD_MAX_MEMORY_SIZE


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
        bound = body_bound((parser_context or {}).get("view"))
        body = stream.read(bound + 1)
        if len(body) > bound:
            raise RequestTooLarge(
                f"The request body is larger than this operation takes ({bound:,} bytes): "
                "nothing was read."
            )
        try:
            return self._json.parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the document is nested too deeply.") from None
