"""Template context every page gets from the person side."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from assessments.models import AssessmentCycle
from assessments.selectors.cycles import person_pending_cycle


def cycle_banner_known(request: HttpRequest, cycle: AssessmentCycle | None) -> dict:
    """``pending_cycle`` for a page that has just read it by the same rule (``/me/``: the
    reassessment's open cycle), so that the layout does not read it a second time."""
    return {"pending_cycle": cycle}


def cycle_banner(request: HttpRequest) -> dict:
    """``pending_cycle``: the open cycle the signed-in person has not submitted yet, or None.

    Lazy: it is read (one statement, ``person_pending_cycle``) only by a page that shows the
    banner. Read at every visit, never kept: one indexed statement costs less than a cache
    entry per person to reason about."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"pending_cycle": None}
    today = timezone.localdate()
    return {"pending_cycle": SimpleLazyObject(lambda: person_pending_cycle(user=user, today=today))}
