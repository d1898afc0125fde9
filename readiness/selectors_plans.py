"""Reads of readiness plans and their concerns register, and who may do what with them.

- Leadership (the group) and admins see every plan; a plan's owner sees their plan.
- The owner and admins change a plan: its fields, goals, partners, gap register, and the
  triage of its concerns. The person a concern is assigned to may triage that concern too.
- Anyone else (managers, employees) is refused; employees see their own concerns on
  ``/concerns/mine/``.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Case, Count, Q, QuerySet, Value, When

from readiness.models import Concern, ConcernStatus, ReadinessPlan, Team
from readiness.permissions import LEADERSHIP_GROUP, is_admin, is_leadership, persona_flags
from readiness.selectors import managed_paths

OPEN_STATUSES = (ConcernStatus.OPEN, ConcernStatus.IN_REVIEW)
STATUS_ORDER = (*OPEN_STATUSES, ConcernStatus.ADDRESSED, ConcernStatus.CLOSED)


def plans_visible_to(*, user: AbstractBaseUser) -> QuerySet[ReadinessPlan]:
    """Plans ``user`` may read: all for leadership and admins, else those they own."""
    plans = ReadinessPlan.objects.select_related("owner")
    if is_leadership(user):
        return plans
    return plans.filter(owner=user)


def plan_can_view(*, user: AbstractBaseUser, plan: ReadinessPlan) -> bool:
    return is_leadership(user) or plan.owner_id == user.pk


def plan_can_edit(*, user: AbstractBaseUser, plan: ReadinessPlan) -> bool:
    return is_admin(user) or plan.owner_id == user.pk


def plan_can_create(*, user: AbstractBaseUser) -> bool:
    return is_leadership(user)


def concern_can_triage(
    *, user: AbstractBaseUser, plan: ReadinessPlan, concern: Concern
) -> bool:
    return plan_can_edit(user=user, plan=plan) or (
        concern.owner_id == user.pk and plan_can_view(user=user, plan=plan)
    )


#: What a concern list selects so that ``concern_shows_raiser`` reads no more rows.
CONCERN_RAISER_RELATED = ("raised_by", "team", "raised_by__person__team")


def _managed_paths(user: AbstractBaseUser) -> list[str]:
    """The paths of the teams ``user`` manages, read once per request (none for a user the
    persona flags say manages nothing: no query)."""
    known = getattr(user, "_concern_managed_paths", None)
    if known is None:
        known = managed_paths(user=user) if persona_flags(user).manager else []
        user._concern_managed_paths = known
    return known


def concern_raiser_chain_paths(concern: Concern) -> list[str]:
    """The team paths whose managers (and the managers of every team above them) manage the
    person who raised ``concern``: the team it was raised from, and the raiser's team now."""
    paths = [concern.team.path] if concern.team_id else []
    person = getattr(concern.raised_by, "person", None) if concern.raised_by_id else None
    if person is not None and person.team_id:
        paths.append(person.team.path)
    return paths


def concern_shows_raiser(*, user: AbstractBaseUser, concern: Concern) -> bool:
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
        path.startswith(managed) for path in concern_raiser_chain_paths(concern)
        for managed in mine
    )


def plan_owner_candidates() -> QuerySet:
    """Who may own a plan: members of Leadership and admins, by name."""
    return (
        get_user_model().objects.filter(
            Q(groups__name=LEADERSHIP_GROUP) | Q(is_superuser=True), is_active=True
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def responsible_candidates() -> QuerySet:
    """Who may own a concern or a gap remedy: leadership, admins and team managers."""
    return (
        get_user_model().objects.filter(
            Q(groups__name=LEADERSHIP_GROUP) | Q(is_superuser=True)
            | Q(managed_teams__isnull=False),
            is_active=True,
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def plan_concerns(
    *,
    plan: ReadinessPlan,
    category: str = "",
    status: str = "",
    team: Team | None = None,
) -> QuerySet[Concern]:
    """The concerns register of ``plan``, filtered by category, status and team (a team
    includes its sub-teams); open ones first, then newest first."""
    concerns = Concern.objects.filter(plan=plan).select_related(*CONCERN_RAISER_RELATED, "owner")
    if category:
        concerns = concerns.filter(category=category)
    if status:
        concerns = concerns.filter(status=status)
    if team is not None:
        concerns = concerns.filter(team__path__startswith=team.path)
    rank = Case(
        *(When(status=value, then=Value(index)) for index, value in enumerate(STATUS_ORDER)),
        default=Value(len(STATUS_ORDER)),
    )
    return concerns.order_by(rank, "-created_at", "-pk")


def plan_concern_counts(*, plan: ReadinessPlan) -> dict[str, dict[str, int]]:
    """Per category, how many concerns of ``plan`` are in each status (one query)."""
    counts: dict[str, dict[str, int]] = {}
    rows = (
        Concern.objects.filter(plan=plan).order_by()
        .values("category", "status").annotate(n=Count("pk"))
    )
    for row in rows:
        counts.setdefault(row["category"], {})[row["status"]] = row["n"]
    return counts
