"""Rate limits of the API, told in the standard headers.

Each signed-in caller (a person or a service account, whichever token or session) may make
``API_THROTTLE_RATE`` requests (e.g. ``1200/minute``) over a sliding window, counted in
Django's cache. Every answer says where they stand — ``RateLimit-Limit``,
``RateLimit-Remaining``, ``RateLimit-Reset`` (seconds until a request is freed), as the IETF
RateLimit header fields draft names them — and a refusal is a ``429`` problem
(``throttled``) with ``Retry-After``. Anonymous requests are refused (401) before any count.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from rest_framework.request import Request
from rest_framework.throttling import UserRateThrottle

_ATTRIBUTE = "api_rate_limit"


class RateLimitThrottle(UserRateThrottle):
    scope = "user"
    # Set by SimpleRateThrottle.__init__ from the rate (the stubs leave them out).
    num_requests: int
    duration: int

    def get_rate(self) -> str | None:
        return settings.API_THROTTLE_RATE or None

    def allow_request(self, request: Request, view: Any) -> bool:  # noqa: ANN401
        allowed = super().allow_request(request, view)
        if self.rate is not None and getattr(self, "key", None):
            oldest = self.history[-1] if self.history else self.now
            reset = max(0, math.ceil(oldest + self.duration - self.now))
            remaining = max(0, self.num_requests - len(self.history))
            setattr(request._request, _ATTRIBUTE, (self.num_requests, remaining, reset))
        return allowed


def add_headers(request: Any, response: HttpResponse) -> HttpResponse:  # noqa: ANN401
    """The RateLimit headers of the count the request was checked against, if any."""
    known = getattr(request, _ATTRIBUTE, None)
    if known is not None:
        limit, remaining, reset = known
        response["RateLimit-Limit"] = str(limit)
        response["RateLimit-Remaining"] = str(remaining)
        response["RateLimit-Reset"] = str(reset)
    return response
