"""Template context every page gets from the person side."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from assessments.selectors.cycles import person_pending_cycle
from readiness.caching import cached


def cycle_banner(request: HttpRequest) -> dict:
    """``pending_cycle``: the open cycle the signed-in person has not submitted yet, or None.

    Lazy: it is read (one query when no cycle is open, a few more when one is) only by a page
    that shows the banner."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"pending_cycle": None}

    def pending():  # noqa: ANN202
        today = timezone.localdate()
        # Every page asks: kept until the data changes (cycles, submissions, people).
        return cached(
            "pending-cycle", user.pk, build=lambda: person_pending_cycle(user=user, today=today)
        )

    return {"pending_cycle": SimpleLazyObject(pending)}
