"""Writes of the manager's side: the team grid (with its stale-form check) and assignments.

Ratings are still recorded by ``services.manager_ratings_record`` (validated, all-or-nothing,
one bulk insert); this module adds what a team form needs around it: only members the manager
may rate, and no silent overwrite of a cell someone rated after the form was rendered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.admin.models import ADDITION
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from assessments.models import LearningPlanItem, PlanItemStatus, SkillRating
from assessments.recommendations import Candidate
from assessments.selectors import SkillState, skill_states
from assessments.selectors.states import GridState
from assessments.selectors.teams import state_version, team_can_edit, team_members
from assessments.services.me import RatingInput, manager_ratings_record
from assessments.services.plan_items import plan_items_add
from catalog.models import ResourceSkill, TrainingResource
from readiness.history import change_log_record
from readiness.models import Level, Person, Skill, Team


@dataclass(frozen=True, slots=True)
class CellEdit:
    """One cell of a team form: the level the manager chose, and what the form showed."""

    person_id: int
    skill_id: int
    level: int
    seen_level: int | None = None  # the manager level the form was rendered with
    seen_version: str = ""  # ``state_version`` of the cell when the form was rendered

    @property
    def key(self) -> tuple[int, int]:
        return (self.person_id, self.skill_id)


@dataclass(frozen=True, slots=True)
class CellConflict:
    """A cell someone rated after the form was rendered: the manager decides."""

    edit: CellEdit
    #: The cell's state (as the grid editor read it, when it shows an undecided one again).
    state: SkillState | GridState | None
    latest: SkillRating | None  # the newest rating of the cell, with who gave it

    @property
    def key(self) -> tuple[int, int]:
        return self.edit.key


@dataclass
class TeamRatingsResult:
    saved: list[SkillRating] = field(default_factory=list)
    conflicts: list[CellConflict] = field(default_factory=list)
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.conflicts


def _latest_ratings(keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], SkillRating]:
    """The newest rating of each (person, skill), with its author: one query."""
    condition = Q(pk__in=[])
    for person_id, skill_id in keys:
        condition |= Q(person_id=person_id, skill_id=skill_id)
    latest: dict[tuple[int, int], SkillRating] = {}
    for rating in (
        SkillRating.objects.filter(condition)
        .select_related("rated_by")
        .order_by("-created_at", "-id")
    ):
        latest.setdefault((rating.person_id, rating.skill_id), rating)
    return latest


# Over 60 lines: the stale-form check, the member check and the recording are one
# transaction and read best as one sequence.
@transaction.atomic
def team_ratings_record(
    *, manager: User, team: Team, edits: Iterable[CellEdit]
) -> TeamRatingsResult:
    """Record manager ratings for cells of ``team``'s map, all or nothing.

    Each edit says what the form showed (``seen_version``). When a cell was rated since (by
    another manager, or by the member themself), nothing at all is written and the result
    lists the conflicting cells: the caller shows them and lets the manager decide. A cell
    whose current manager rating already equals the choice (and awaits no review) is skipped.

    Only the team's managers and admins may record; only for active direct members, never for
    themselves. The members' rows are locked for the check, so two saves for the same people
    run one after the other.
    """
    if not team_can_edit(user=manager, team=team):
        raise PermissionDenied("Only the team's managers can rate its members.")
    edits = list(edits)
    person_ids = {edit.person_id for edit in edits}
    allowed = set(
        team_members(team=team)
        .exclude(user=manager)
        .filter(pk__in=person_ids)
        .select_for_update(of=("self",))
        .values_list("pk", flat=True)
    )
    outsiders = person_ids - allowed
    if outsiders:
        raise ValidationError(
            f"You cannot rate {len(outsiders)} of these people: only active members of "
            f"{team.name}, and never yourself."
        )
    if not edits:
        return TeamRatingsResult()
    states = {
        (s.person_id, s.skill_id): s
        for s in skill_states(people=Person.objects.filter(pk__in=person_ids))
    }
    result = TeamRatingsResult()
    to_record: list[CellEdit] = []
    conflicted: list[CellEdit] = []
    for edit in edits:
        state = states.get(edit.key)
        if state is not None and state.manager_level == edit.level and not state.awaiting_review:
            result.unchanged += 1  # already what the manager wants, whoever rated it
        elif state_version(state) != edit.seen_version:
            conflicted.append(edit)
        else:
            to_record.append(edit)
    if conflicted:
        latest = _latest_ratings(edit.key for edit in conflicted)
        result.conflicts = [
            CellConflict(edit, states.get(edit.key), latest.get(edit.key)) for edit in conflicted
        ]
        return result
    result.saved = manager_ratings_record(
        manager=manager,
        entries=[
            RatingInput(skill_id=e.skill_id, level=e.level, person_id=e.person_id)
            for e in to_record
        ],
    )
    return result


# --- Assignment -------------------------------------------------------------------------------


@dataclass
class AssignmentResult:
    created: list[LearningPlanItem] = field(default_factory=list)
    updated: list[LearningPlanItem] = field(default_factory=list)


@transaction.atomic
def team_resource_assign(
    *,
    manager: User,
    team: Team,
    resource: TrainingResource,
    people: Iterable[Person],
    due_date: dt.date,
) -> AssignmentResult:
    """Put ``resource`` in the learning plan of each of ``people`` (members of ``team``), as
    assigned by ``manager`` with ``due_date``. Each item names the skill on which the resource
    closes that person's largest gap (None when it closes none of theirs). A constant number
    of queries, however many people."""
    if not team_can_edit(user=manager, team=team):
        raise PermissionDenied("Only the team's managers can assign learning to its members.")
    people = list(people)
    if not people:
        raise ValidationError({"people": "Choose at least one member."})
    if due_date < timezone.localdate():
        raise ValidationError({"due_date": "The due date cannot be in the past."})
    member_ids = set(
        team_members(team=team).filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True)
    )
    if member_ids != {p.pk for p in people}:
        raise ValidationError({"people": f"Only members of {team.name} can be assigned."})
    brings = dict(
        ResourceSkill.objects.filter(resource=resource, skill__is_active=True).values_list(
            "skill_id", "level"
        )
    )
    best_skill: dict[int, tuple[int, int]] = {}  # person → (gap closed, skill)
    for state in skill_states(people=Person.objects.filter(pk__in=member_ids)):
        # (A gap always has a target: the test is for the type checker.)
        if state.gap <= 0 or state.target is None or state.skill_id not in brings:
            continue
        closed = Candidate(
            resource, state.skill_id, brings[state.skill_id], state.target, state.level or 0
        ).gap_closed
        candidate = (closed, -state.skill_id)
        if closed and candidate > best_skill.get(state.person_id, (0, 0)):
            best_skill[state.person_id] = candidate
    skills = Skill.objects.in_bulk({-closed_skill[1] for closed_skill in best_skill.values()})
    result = AssignmentResult()
    for item, created in plan_items_add(
        people=people,
        resource=resource,
        skills={person_id: skills.get(-negated) for person_id, (_, negated) in best_skill.items()},
        assigned_by=manager,
        due_date=due_date,
        status=PlanItemStatus.PLANNED,
    ):
        (result.created if created else result.updated).append(item)
    return result


# --- Audit of bulk rating writes ------------------------------------------------------------

CSV_IMPORT_REASON = "via CSV import"


def ratings_change_log_record(
    *,
    ratings: Iterable[SkillRating],
    labels: dict[tuple[int, int], str],
    user: User,
    reason: str,
) -> None:
    """Record manager ratings written in bulk (a CSV import) in the change log, one entry per
    rating — "<person> · <skill> → <level>" — so ``/audit/`` lists them with who and how.
    ``labels`` names each (person id, skill id). One statement."""
    change_log_record(
        SkillRating,
        [
            (
                r.pk,
                f"{labels.get((r.person_id, r.skill_id), f'#{r.pk}')} → "
                f"{Level(r.level).label} ({r.level})",
            )
            for r in ratings
        ],
        user=user,
        reason=reason,
        action_flag=ADDITION,
    )
