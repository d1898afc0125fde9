"""Template context every page gets from the person side."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from assessments.models import AssessmentCycle
from assessments.selectors.cycles import person_pending_cycle
from readiness.caching import cached


def _pending_key(user_id: int | None) -> tuple[str, int | None]:
    return ("pending-cycle", user_id)


def cycle_banner_known(request: HttpRequest, cycle: AssessmentCycle | None) -> dict:
    """``pending_cycle`` for a page that has just read it by the same rule (``/me/``: the
    reassessment's open cycle), kept as the banner keeps it so the next page reads nothing."""
    return {"pending_cycle": cached(*_pending_key(request.user.pk), build=lambda: cycle)}


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
            *_pending_key(user.pk), build=lambda: person_pending_cycle(user=user, today=today)
        )

    return {"pending_cycle": SimpleLazyObject(pending)}
