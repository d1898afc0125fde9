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
from readiness.permissions import LEADERSHIP_GROUP, is_admin, is_leadership

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


def concern_shows_raiser(*, user: AbstractBaseUser, concern: Concern) -> bool:
    """Whether ``user`` sees who raised ``concern``: leadership always (they run the register
    and follow up); anyone else only when it was not raised anonymously to managers."""
    return is_leadership(user) or not concern.anonymous_to_manager


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
    concerns = Concern.objects.filter(plan=plan).select_related("raised_by", "team", "owner")
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
