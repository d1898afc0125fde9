"""Writes of the person side: ratings (append-only), submissions and learning-plan items (put
in a plan by ``services.plan_items``).

Every form, API endpoint and import goes through these functions, so that the same bad input
gets the same refusal everywhere (``services.ratings``: the rating input and its validation,
re-exported here) and nothing is ever half-saved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assessments.models import (
    OPEN_PLAN_STATUSES,
    AssessmentCycle,
    AssessmentSubmission,
    LearningPlanItem,
    PlanItemStatus,
    RatingSource,
    SkillRating,
    SubmissionKind,
)
from assessments.selectors import SkillState
from assessments.selectors.own_ratings import SelfRating, latest_self_ratings
from assessments.selectors.scope import pending_cycle_and_last_submission
from assessments.services.dashboard import dashboard_figures_refresh_later
from assessments.services.effectiveness import effectiveness_refresh_later
from assessments.services.plan_items import plan_item_add as plan_item_add  # re-exported
from assessments.services.ratings import RatingInput, validated_ratings
from assessments.services.ratings import RatingsInvalid as RatingsInvalid  # re-exported
from readiness.models import Person, Skill
from readiness.webhooks.models import EventType
from readiness.webhooks.services import event_emit

if TYPE_CHECKING:
    from assessments.recommendations import PlanSuggestion


def submission_cycle(*, person: Person, today: dt.date | None = None) -> AssessmentCycle | None:
    """The assessment cycle a submission of ``person`` made ``today`` counts for: the open
    cycle covering them that they have not submitted yet (``open_cycles_by_person``'s rule),
    or None — in one statement (``scope.pending_cycle_and_last_submission``; ``person`` with
    its role and team loaded, as ``person_get`` reads it). The page and the API both ask here,
    so they never disagree."""
    cycle, _ = pending_cycle_and_last_submission(person=person, today=today or timezone.localdate())
    return cycle


def self_assessment_version(*, person: Person) -> int:
    """A token that changes whenever the person's self-assessment changes (stale-form check)."""
    latest = AssessmentSubmission.objects.filter(person=person).order_by("-pk").values("pk").first()
    return latest["pk"] if latest else 0


def _self_changes(
    *, entries: Iterable[RatingInput], states: Mapping[int, SkillState | SelfRating]
) -> list[RatingInput]:
    """The entries that change something of the person's self rating of their skill: the
    level, the interest, or a note or evidence link given. A rating is a change, a
    confirmation is not (DESIGN.md): an entry repeating the latest self level and interest with
    no note is never a row — it could only undo a later manager rating and put an unchanged
    level back in the manager's review queue."""
    return [
        e
        for e in entries
        if e.skill_id not in states
        or states[e.skill_id].self_level != e.level
        or states[e.skill_id].interest != e.interest
        or e.note
        or e.evidence_url
    ]


@dataclass(frozen=True, slots=True)
class SelfAssessmentSaved:
    """What a self-assessment recorded: its submission and the ratings it appended."""

    submission: AssessmentSubmission
    ratings: list[SkillRating]


def self_assessment_submit(
    *,
    person: Person,
    entries: Iterable[RatingInput],
    user: User,
    cycle: AssessmentCycle | None = None,
    version: int | None = None,
    states: Mapping[int, SkillState] | None = None,
) -> AssessmentSubmission:
    """Record a self-assessment (``self_assessment_record``) and return its submission."""
    return self_assessment_record(
        person=person, entries=entries, user=user, cycle=cycle, version=version, states=states
    ).submission


@transaction.atomic
def self_assessment_record(
    *,
    person: Person,
    entries: Iterable[RatingInput],
    user: User,
    cycle: AssessmentCycle | None = None,
    version: int | None = None,
    states: Mapping[int, SkillState] | None = None,
) -> SelfAssessmentSaved:
    """Record a self-assessment: append ratings for the skills that changed only (inside a
    cycle too) and a submission, which restarts the cadence and counts for ``cycle``.

    ``version`` is the token the form was rendered with; a stale form is refused.
    ``states`` are the person's states (``person_skill_states``) if the caller has just read
    them (the form does, to validate), else the latest self ratings of the skills given are
    read here (``latest_self_ratings``: the same values, for those skills only). Give them
    only with ``version``: read after the form was drawn, they are as current as the version
    check, since the self levels and interests they hold change only through this function,
    which always records a submission — any change since the form was drawn makes it stale.
    The ratings come back as saved (ids included): an API answer needs not read them again.
    """
    if version is not None and version != self_assessment_version(person=person):
        raise ValidationError(
            "Your ratings changed since this form was opened (perhaps in another tab). "
            "Review the current values and save again.",
            code="stale",
        )
    entries = list(entries)
    current: Mapping[int, SkillState | SelfRating] = (
        states
        if states is not None
        else latest_self_ratings(person_id=person.pk, skill_ids=[e.skill_id for e in entries])
    )
    now = timezone.now()
    rows = validated_ratings(
        inputs=_self_changes(entries=entries, states=current),
        default_person_id=person.pk,
        source=RatingSource.SELF,
        rated_by=user,
        cycle=cycle,
        at=now,
    )
    SkillRating.objects.bulk_create(rows)
    _ratings_recorded(rows)
    submission = AssessmentSubmission.objects.create(
        person=person,
        cycle=cycle,
        kind=SubmissionKind.FULL,
        changed_skills=len(rows),
        submitted_at=now,
    )
    return SelfAssessmentSaved(submission=submission, ratings=rows)


@transaction.atomic
def self_assessment_confirm(
    *, person: Person, user: User, cycle: AssessmentCycle | None = None
) -> AssessmentSubmission:
    """ "Nothing changed": record a submission only — it restarts the cadence and counts for
    ``cycle`` — and no rating, so that a confirmation never undoes a manager's adjustment nor
    refills the manager's review queue."""
    return AssessmentSubmission.objects.create(
        person=person, cycle=cycle, kind=SubmissionKind.QUICK_REVIEW, submitted_at=timezone.now()
    )


@transaction.atomic
def manager_ratings_record(*, manager: User, entries: Iterable[RatingInput]) -> list[SkillRating]:
    """Append manager ratings (each entry names its person). The caller checks that ``manager``
    manages every person named (``readiness.selectors.people_managed_by``)."""
    rows = validated_ratings(
        inputs=entries,
        default_person_id=None,
        source=RatingSource.MANAGER,
        rated_by=manager,
        cycle=None,
        at=timezone.now(),
    )
    saved = SkillRating.objects.bulk_create(rows)
    _ratings_recorded(saved)
    return saved


def _ratings_recorded(rows: list[SkillRating]) -> None:
    """One ``rating.recorded`` webhook event per save (a form, a team grid, a CSV import),
    and the measured effectiveness and the dashboard's figures refreshed (debounced:
    ``services.effectiveness``, ``services.dashboard``)."""
    if rows:
        effectiveness_refresh_later()
        dashboard_figures_refresh_later()
        event_emit(
            type=EventType.RATING_RECORDED,
            data={
                "ratings": [
                    {
                        "id": r.pk,
                        "person": r.person_id,
                        "skill": r.skill_id,
                        "level": r.level,
                        "source": r.source,
                        "cycle": r.cycle_id,
                        "interest": r.interest,
                        "created_at": r.created_at,
                    }
                    for r in rows
                ]
            },
        )


# --- Learning plan ----------------------------------------------------------------------------


_PAST_TENSE = {"plan": "planned", "start": "started", "complete": "completed", "drop": "dropped"}
_TRANSITIONS = {
    "plan": ({PlanItemStatus.SUGGESTED}, PlanItemStatus.PLANNED),
    "start": ({PlanItemStatus.SUGGESTED, PlanItemStatus.PLANNED}, PlanItemStatus.IN_PROGRESS),
    "complete": (set(OPEN_PLAN_STATUSES), PlanItemStatus.COMPLETED),
    "drop": (set(OPEN_PLAN_STATUSES), PlanItemStatus.DROPPED),
}


@dataclass(frozen=True, slots=True)
class SuggestionApplied:
    """What applying a plan suggestion did: how many resources were suggested and how many of
    them were new to the plan (the others already were in it)."""

    suggested: int
    created: int


@transaction.atomic
def plan_suggestion_apply(*, person: Person, suggestion: PlanSuggestion) -> SuggestionApplied:
    """Add every resource of ``suggestion`` (``selectors.me.person_plan_suggestion``) to the
    person's plan as a suggestion, for the first gap it covers; all or nothing."""
    skills = Skill.objects.in_bulk(
        [skill_ids[0] for skill_ids in suggestion.covers.values() if skill_ids]
    )
    created = 0
    for resource in suggestion.resources:
        covered = suggestion.covers.get(resource.pk)
        _item, was_created = plan_item_add(
            person=person,
            resource=resource,
            skill=skills.get(covered[0]) if covered else None,
            status=PlanItemStatus.SUGGESTED,
        )
        created += was_created
    return SuggestionApplied(suggested=len(suggestion.resources), created=created)


@transaction.atomic
def plan_item_transition(*, item: LearningPlanItem, action: str) -> LearningPlanItem:
    """Move a plan item along its life: plan, start, complete or drop."""
    if action not in _TRANSITIONS:
        raise ValidationError({"action": f"Unknown action “{action}”."})
    allowed_from, target = _TRANSITIONS[action]
    item = LearningPlanItem.objects.select_for_update().get(pk=item.pk)
    if item.status not in allowed_from:
        raise ValidationError(
            {
                "status": f"An item that is {item.get_status_display().lower()} "
                f"cannot be {_PAST_TENSE[action]}."
            }
        )
    now = timezone.now()
    item.status = target
    if target == PlanItemStatus.IN_PROGRESS:
        item.started_at = now
    elif target == PlanItemStatus.COMPLETED:
        item.started_at = item.started_at or now
        item.completed_at = now
    item.save(update_fields=["status", "started_at", "completed_at", "updated_at"])
    if target == PlanItemStatus.COMPLETED:
        event_emit(
            type=EventType.PLAN_ITEM_COMPLETED,
            data={
                "plan_item": {
                    "id": item.pk,
                    "person": item.person_id,
                    "resource": item.resource_id,
                    "skill": item.skill_id,
                    "started_at": item.started_at,
                    "completed_at": item.completed_at,
                }
            },
        )
    return item
