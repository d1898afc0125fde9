"""Reads of one person's own pages: their learning plan and rating history (the readiness
overview: ``me_readiness``).

Every number comes from the rules in ``assessments.selectors`` and the ranking in
``assessments.recommendations``; this module only puts them next to the skills and resources
a page shows, with a constant number of queries whatever the number of skills and ratings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import (
    Case,
    IntegerField,
    Prefetch,
    QuerySet,
    Value,
    When,
)

from assessments.models import (
    OPEN_PLAN_STATUSES,
    LearningPlanItem,
    PlanItemStatus,
    SkillRating,
)
from assessments.recommendations import (
    Candidate,
    PlanSuggestion,
    gap_candidates,
    plan_cover,
    rank_key,
)
from assessments.selectors import (
    SkillState,
    person_skill_states,
)
from assessments.selectors.catalog import kept_gains_of
from catalog.models import ResourceSkill
from readiness.models import Person, Skill


def _skill_sort_key(skill: Skill) -> tuple:
    return (skill.category.order, skill.category.name, skill.order, skill.name)


def _skills_for(skill_ids: Iterable[int]) -> dict[int, Skill]:
    return Skill.objects.select_related("category").in_bulk(list(skill_ids))


def person_gap_candidates(
    *, person: Person, states: Mapping[int, SkillState]
) -> dict[int, list[Candidate]]:
    """The ranked candidate resources for each of ``person``'s gaps (see DESIGN: mapping gaps
    to learning), measured effectiveness included. ``person`` needs its role loaded
    (``readiness.selectors.person_get``). (The overview reads its own in one statement:
    ``me_readiness._overview_candidates``.)

    Effectiveness is the figure the worker keeps for the candidates
    (``ResourceEffectiveness``: ``services.effectiveness``), read with their links, then the
    candidates are ranked again with it by the one ranking rule, ``recommendations.rank_key``.
    """
    if not any(state.gap > 0 for state in states.values()):
        return {}
    candidates = gap_candidates(person=person, states=states.values())
    kept = kept_gains_of(c.resource for ranked in candidates.values() for c in ranked)
    if not kept.gains:
        return candidates
    return {
        skill_id: sorted(ranked, key=lambda c: rank_key(c, kept.gains))
        for skill_id, ranked in candidates.items()
    }


def person_plan_suggestion(*, person: Person) -> PlanSuggestion:
    """The smallest-in-hours set of resources covering all of ``person``'s gaps."""
    states = person_skill_states(person=person)
    candidates = person_gap_candidates(person=person, states=states)
    return plan_cover(
        candidates=candidates,
        gap_skill_ids=[state.skill_id for state in states.values() if state.gap > 0],
    )


# --- Learning plan ----------------------------------------------------------------------------

_STATUS_ORDER = Case(
    When(status=PlanItemStatus.IN_PROGRESS, then=Value(0)),
    When(status=PlanItemStatus.PLANNED, then=Value(1)),
    When(status=PlanItemStatus.SUGGESTED, then=Value(2)),
    When(status=PlanItemStatus.COMPLETED, then=Value(3)),
    default=Value(4),
    output_field=IntegerField(),
)

#: Statuses whose hours count as planned: the person accepted the item (suggestions do not count
#: until planned; dropped items never do).
PLANNED_STATUSES = (PlanItemStatus.PLANNED, PlanItemStatus.IN_PROGRESS, PlanItemStatus.COMPLETED)


def person_plan_items(*, person: Person) -> QuerySet[LearningPlanItem]:
    """The person's plan, open items first (in progress, planned, suggested), then completed
    and dropped ones; with resource, provider, skill, assigner and the skills each resource
    builds (two queries)."""
    return (
        LearningPlanItem.objects.filter(person=person)
        .select_related("resource__provider", "skill", "assigned_by")
        .prefetch_related(
            Prefetch(
                "resource__skill_links",
                queryset=ResourceSkill.objects.select_related("skill").order_by(
                    "skill__category__order", "skill__order", "skill__name"
                ),
            )
        )
        .annotate(status_order=_STATUS_ORDER)
        .order_by("status_order", "due_date", "-completed_at", "-created_at", "pk")
    )


@dataclass(frozen=True, slots=True)
class RetiredItem:
    """An open plan item whose resource was retired upstream, and what replaces it."""

    skill: Skill | None  # the gap it served (or a gap its resource builds)
    replacement: Candidate | None  # the best active resource for that gap, if any
    replacement_planned: bool  # the replacement is already an open item of the plan


def plan_retired_replacements(
    *,
    person: Person,
    items: Iterable[LearningPlanItem],
    states: Mapping[int, SkillState] | None = None,
) -> dict[int, RetiredItem]:
    """Plan item id → its replacement, for the open items whose resource is retired: the
    best-ranked active resource for the same gap (``recommendations.rank_key``, as on
    ``/me/``). The gap is the item's skill, else the first gap among the skills its resource
    builds. Needs ``person_plan_items``' prefetch; no query when nothing is retired, a fixed
    number otherwise (the person's states, unless given, and candidates), however many items.
    """
    items = list(items)
    retired = [i for i in items if i.status in OPEN_PLAN_STATUSES and not i.resource.is_active]
    if not retired:
        return {}
    if states is None:
        states = person_skill_states(person=person)
    candidates = person_gap_candidates(person=person, states=states)
    open_resources = {i.resource_id for i in items if i.status in OPEN_PLAN_STATUSES}
    result = {}
    for item in retired:
        skills = (
            [item.skill] if item.skill else [link.skill for link in item.resource.skill_links.all()]
        )
        skill, best = (skills[0] if skills else None), None
        for candidate_skill in skills:
            ranked = candidates.get(candidate_skill.pk)
            if ranked:
                skill, best = candidate_skill, ranked[0]
                break
        result[item.pk] = RetiredItem(
            skill=skill,
            replacement=best,
            replacement_planned=best is not None and best.resource.pk in open_resources,
        )
    return result


@dataclass(frozen=True, slots=True)
class PlanProgress:
    """Hours completed out of hours planned (items without a duration counted as unknown)."""

    minutes_done: int
    minutes_planned: int
    unknown_duration: int
    items_planned: int
    items_done: int

    @property
    def percent(self) -> int:
        if not self.minutes_planned:
            return 0
        return round(100 * self.minutes_done / self.minutes_planned)

    @property
    def hours_done(self) -> float:
        return round(self.minutes_done / 60, 1)

    @property
    def hours_planned(self) -> float:
        return round(self.minutes_planned / 60, 1)


def plan_progress(*, items: Iterable[LearningPlanItem]) -> PlanProgress:
    """Progress of a plan: durations of completed items over durations of planned, in-progress
    and completed ones. Items of unknown duration are counted apart (never guessed)."""
    done = planned = unknown = items_planned = items_done = 0
    for item in items:
        if item.status not in PLANNED_STATUSES:
            continue
        items_planned += 1
        items_done += item.status == PlanItemStatus.COMPLETED
        minutes = item.resource.duration_minutes
        if minutes is None:
            unknown += 1
            continue
        planned += minutes
        if item.status == PlanItemStatus.COMPLETED:
            done += minutes
    return PlanProgress(done, planned, unknown, items_planned, items_done)


# --- History ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RatingPoint:
    at: dt.datetime
    level: int
    source: str
    rated_by: str
    note: str
    evidence_url: str


@dataclass
class SkillHistory:
    skill: Skill
    state: SkillState | None
    points: list[RatingPoint]

    @property
    def target(self) -> int | None:
        return self.state.target if self.state else None


def person_rating_history(*, person: Person) -> list[SkillHistory]:
    """Every rating of the person, oldest first, grouped by skill (framework order), and each
    required skill never rated (three queries: states, ratings, skills)."""
    states = person_skill_states(person=person)
    ratings = (
        SkillRating.objects.filter(person=person, skill__is_active=True)
        .select_related("rated_by")
        .order_by("created_at", "pk")
    )
    points: dict[int, list[RatingPoint]] = {}
    for rating in ratings:
        rater = ""
        if rating.rated_by is not None:
            rater = rating.rated_by.get_full_name() or rating.rated_by.get_username()
        points.setdefault(rating.skill_id, []).append(
            RatingPoint(
                at=rating.created_at,
                level=rating.level,
                source=rating.source,
                rated_by=rater,
                note=rating.note,
                evidence_url=rating.evidence_url,
            )
        )
    skills = _skills_for(set(points) | set(states))
    history = [
        SkillHistory(skill=skill, state=states.get(skill.pk), points=points.get(skill.pk, []))
        for skill in skills.values()
    ]
    history.sort(key=lambda h: _skill_sort_key(h.skill))
    return history
