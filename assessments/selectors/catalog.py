"""What the person side knows about training resources: the catalog pages read it from here.

The catalog app may not import assessments (readiness ← catalog ← assessments), so its detail
view imports these functions inside its body — the one place the catalog reaches right.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import connection

from assessments.models import (
    OPEN_PLAN_STATUSES,
    LearningPlanItem,
    PlanItemStatus,
    ResourceEffectiveness,
)
from assessments.selectors import person_skill_states
from assessments.selectors.rating_rules import (
    effective_level_sql,
    rating_as_of_sql,
    rating_by_key_sql,
)
from catalog.models import TrainingResource
from readiness.selectors import people_managed_by, person_get
from readiness.sql import Fragment, param, values_list

#: Training effectiveness (DESIGN): per completion of a resource, on each skill it builds, the
#: first rating after completion minus the last rating before the start (the effective level
#: then: ``effective_level_sql``, the states' rule, over ``rating_as_of_sql`` look-ups). A
#: person's gain is the mean over those skills (and over their completions of the resource); the resource's is the mean
#: over people, with how many people it stands on and how many of them are verified.
#: Completions: completed plan items (a transcript sync gives them the upstream date and marks
#: them verified), and completions verified upstream that no completed plan item of the
#: person holds — started when completed, the start not being known.
_MANAGER_BEFORE = rating_by_key_sql(alias="mb", key="l.manager_before", skill="l.skill_id")
_MANAGER_AFTER = rating_by_key_sql(alias="ma", key="l.manager_after", skill="l.skill_id")
EFFECTIVENESS_SQL = Fragment("""
WITH done AS (
    SELECT i.person_id, i.resource_id,
           COALESCE(i.started_at, i.created_at) AS started, i.completed_at AS completed,
           CASE WHEN i.verified_by <> '' THEN 1 ELSE 0 END AS verified
      FROM assessments_learningplanitem i
     WHERE i.status = {completed} AND i.completed_at IS NOT NULL {only_items}
    UNION ALL
    SELECT v.person_id, v.resource_id, v.completed_at, v.completed_at, 1
      FROM assessments_verifiedcompletion v
     WHERE v.resource_id IS NOT NULL {only_verified}
       AND NOT EXISTS (SELECT 1 FROM assessments_learningplanitem c
                        WHERE c.person_id = v.person_id AND c.resource_id = v.resource_id
                          AND c.status = {completed} AND c.completed_at IS NOT NULL)
),
pairs AS (
    SELECT d.person_id, d.resource_id, d.verified, rs.skill_id, d.started, d.completed
      FROM done d JOIN catalog_resourceskill rs ON rs.resource_id = d.resource_id
),
levels AS MATERIALIZED (
    -- Correlated LIMIT 1 look-ups ride the (person, skill, source, created_at) index; window
    -- functions joined to each other made PostgreSQL nest loops (16 s on 10,000 people).
    -- MATERIALIZED (PostgreSQL 12+, SQLite 3.35+): inlined, each look-up ran twice, once in
    -- per_person's filter and once in its average (bench: 134 → 48 ms over every resource).
    SELECT p.person_id, p.resource_id, p.verified, p.skill_id,
           {self_before} AS self_before, {manager_before} AS manager_before,
           {self_after} AS self_after, {manager_after} AS manager_after
      FROM pairs p
),
changes AS (
    -- The effective level then (``effective_level_sql``) of the latest ratings before the
    -- start and of the first ratings after the completion (a manager's may be a certification
    -- that counts as a rating: ``rating_by_key_sql``).
    SELECT l.person_id, l.resource_id, l.verified,
           {before_level} AS before_level, {after_level} AS after_level
      FROM levels l
      LEFT JOIN assessments_skillrating sb ON sb.id = l.self_before
      LEFT JOIN assessments_skillrating sa ON sa.id = l.self_after
      {manager_before_joins}
      {manager_after_joins}
),
per_person AS (
    SELECT resource_id, person_id, AVG(1.0 * (after_level - before_level)) AS gain,
           MAX(verified) AS verified
      FROM changes
     WHERE before_level IS NOT NULL AND after_level IS NOT NULL
     GROUP BY resource_id, person_id
)
SELECT resource_id, AVG(gain), COUNT(*), SUM(verified) FROM per_person GROUP BY resource_id
""").fill(
    completed="{completed}",
    only_items="{only_items}",
    only_verified="{only_verified}",
    **{
        f"{source}_{when}": rating_as_of_sql(
            source=source,
            person="p.person_id",
            skill="p.skill_id",
            **({"before": "p.started"} if when == "before" else {"after": "p.completed"}),
        )
        for source in ("self", "manager")
        for when in ("before", "after")
    },
    manager_before_joins=_MANAGER_BEFORE.joins,
    manager_after_joins=_MANAGER_AFTER.joins,
    before_level=effective_level_sql(
        self_level="sb.level",
        self_at="sb.created_at",
        manager_level=_MANAGER_BEFORE.level,
        manager_at=_MANAGER_BEFORE.at,
    ),
    after_level=effective_level_sql(
        self_level="sa.level",
        self_at="sa.created_at",
        manager_level=_MANAGER_AFTER.level,
        manager_at=_MANAGER_AFTER.at,
        newest=False,
    ),
)


@dataclass(frozen=True)
class Effectiveness:
    mean_gain: float
    people: int
    verified: int = 0  # of those people, how many completed it verifiably (upstream record)

    @property
    def basis(self) -> str:
        """On what the figure stands: "12 people, 9 verified"."""
        noun = "person" if self.people == 1 else "people"
        return f"{self.people} {noun}, {self.verified} verified"


def resources_effectiveness(
    *, resource_ids: Iterable[int] | None = None
) -> dict[int, Effectiveness]:
    """Measured effectiveness of each resource that has data, in one query.

    ``resource_ids`` limits the set; None measures every resource (for ranking candidates).
    """
    only_items = only_verified = Fragment("")
    if resource_ids is not None:
        ids = [int(pk) for pk in resource_ids]
        if not ids:
            return {}
        only_items = Fragment("AND i.resource_id IN ({ids})").fill(ids=values_list(ids))
        only_verified = Fragment("AND v.resource_id IN ({ids})").fill(ids=values_list(ids))
    statement = EFFECTIVENESS_SQL.fill(
        completed=param(PlanItemStatus.COMPLETED),
        only_items=only_items,
        only_verified=only_verified,
    )
    with connection.cursor() as cursor:
        cursor.execute(*statement.execute_args())
        rows = cursor.fetchall()
    return {
        resource_id: Effectiveness(
            mean_gain=round(float(gain), 2), people=int(people), verified=int(verified or 0)
        )
        for resource_id, gain, people, verified in rows
    }


def resources_mean_gain(*, resource_ids: Iterable[int] | None = None) -> dict[int, float]:
    """Resource id → mean level gain: the "better measured effectiveness" of the ranking."""
    return {pk: e.mean_gain for pk, e in resources_effectiveness(resource_ids=resource_ids).items()}


@dataclass(frozen=True)
class KeptGains:
    """The kept mean gains of some resources (``ResourceEffectiveness``) and when the worker
    computed them (None: none kept)."""

    gains: dict[int, float]
    as_of: dt.datetime | None


def resources_mean_gain_kept(*, resource_ids: Iterable[int]) -> KeptGains:
    """``resources_mean_gain`` as the worker keeps it (``services.effectiveness``): one query
    on the small kept table by primary key, not ``EFFECTIVENESS_SQL`` over every completion."""
    rows = ResourceEffectiveness.objects.filter(resource_id__in=list(resource_ids)).values_list(
        "resource_id", "mean_gain", "computed_at"
    )
    gains, as_of = {}, None
    for resource_id, mean_gain, computed_at in rows:
        gains[resource_id] = mean_gain
        as_of = computed_at if as_of is None else min(as_of, computed_at)
    return KeptGains(gains, as_of)


def kept_gains_of(resources: Iterable[TrainingResource]) -> KeptGains:
    """``resources_mean_gain_kept`` of resources read with ``select_related(
    "effectiveness")`` (``recommendations._links_for``): no query."""
    gains, as_of = {}, None
    for resource in resources:
        kept = getattr(resource, "effectiveness", None)  # absent: RelatedObjectDoesNotExist
        if kept is not None:
            gains[resource.pk] = kept.mean_gain
            as_of = kept.computed_at if as_of is None else min(as_of, kept.computed_at)
    return KeptGains(gains, as_of)


def resource_effectiveness(*, resource: TrainingResource) -> Effectiveness | None:
    return resources_effectiveness(resource_ids=[resource.pk]).get(resource.pk)


def resource_team_plan_items(*, resource: TrainingResource, user: User) -> list[LearningPlanItem]:
    """For a manager: their people who have ``resource`` in a plan (open) or completed it."""
    return list(
        LearningPlanItem.objects.filter(
            resource=resource,
            person__in=people_managed_by(user=user),
            status__in=[*OPEN_PLAN_STATUSES, PlanItemStatus.COMPLETED],
        )
        .select_related("person__user", "person__team")
        .order_by("person__user__last_name", "person__user__first_name", "-created_at")
    )


@dataclass(frozen=True)
class PlanAddSkill:
    skill_id: int
    name: str
    gap: int  # the person's gap on it now (0: at target, or not required of them)


@dataclass(frozen=True)
class PlanAddChoice:
    """What the catalog's "Add to my plan" offers for one resource: the skills it builds, the
    one preselected (where the person has the largest gap, else the first), and whether an
    open item of their plan already holds it."""

    skills: list[PlanAddSkill]
    default_skill_id: int | None
    in_plan: bool


def plan_add_choices(
    *, user: User, resources: Iterable[TrainingResource]
) -> dict[int, PlanAddChoice] | None:
    """Resource id → its "Add to my plan" choice for ``user``'s person, for the active
    resources among ``resources`` (their ``skill_links`` prefetched with the skill). None when
    the user has no person record: there is no plan to add to. Three queries whatever the
    number of resources (person, their skill states, their open items for these resources)."""
    person = person_get(user=user)
    if person is None:
        return None
    active = [resource for resource in resources if resource.is_active]
    if not active:
        return {}
    gaps = {skill_id: state.gap for skill_id, state in person_skill_states(person=person).items()}
    planned = set(
        LearningPlanItem.objects.filter(
            person=person, resource__in=active, status__in=OPEN_PLAN_STATUSES
        ).values_list("resource_id", flat=True)
    )
    choices = {}
    for resource in active:
        skills = [
            PlanAddSkill(link.skill_id, link.skill.name, gaps.get(link.skill_id, 0))
            for link in resource.skill_links.all()
        ]
        widest = max(skills, key=lambda s: s.gap, default=None)
        default = (
            widest.skill_id
            if widest is not None and widest.gap > 0
            else (skills[0].skill_id if skills else None)
        )
        choices[resource.pk] = PlanAddChoice(skills, default, resource.pk in planned)
    return choices
