"""Who sees who raised a concern: a rule of the concerns register (``readiness``), read by the
concerns API here and by the plan pages of ``assessments``."""

from __future__ import annotations

from django.contrib.auth.models import User

from readiness.models import Concern
from readiness.permissions import is_leadership, persona_flags
from readiness.selectors import managed_paths

#: What a concern list selects so that ``concern_shows_raiser`` reads no more rows.
CONCERN_RAISER_RELATED = ("raised_by", "team", "raised_by__person__team")
#: Where ``_managed_paths`` keeps its answer on the user object.
_MANAGED_PATHS = "_concern_managed_paths"


def _managed_paths(user: User) -> list[str]:
    """The paths of the teams ``user`` manages, read once per request (none for a user the
    persona flags say manages nothing: no query)."""
    known: list[str] | None = getattr(user, _MANAGED_PATHS, None)
    if known is None:
        known = managed_paths(user=user) if persona_flags(user).manager else []
        # On the user object itself (through request.user's lazy wrapper): for the request.
        setattr(user, _MANAGED_PATHS, known)
    return known


def concern_raiser_chain_paths(concern: Concern) -> list[str]:
    """The team paths whose managers (and the managers of every team above them) manage the
    person who raised ``concern``: the team it was raised from, and the raiser's team now."""
    paths = [concern.team.path] if concern.team is not None else []
    person = getattr(concern.raised_by, "person", None) if concern.raised_by_id else None
    if person is not None and person.team_id:
        paths.append(person.team.path)
    return paths


def concern_shows_raiser(*, user: User, concern: Concern) -> bool:
    """Whether ``user`` sees who raised ``concern``. A concern raised with "hide my name from
    my manager" hides its raiser from every manager in the raiser's chain — the managers of
    their team and of every team above it — whatever else they are (leadership and admins
    included), and from anyone who is not leadership. Otherwise leadership (who run the
    register and follow up) and the raiser's own concerns show it."""
    if not concern.anonymous_to_manager:
        return True
    if concern.raised_by_id is not None and concern.raised_by_id == user.pk:
        return True
    if not is_leadership(user):
        return False
    mine = _managed_paths(user)
    return not any(
        path.startswith(managed) for path in concern_raiser_chain_paths(concern) for managed in mine
    )
