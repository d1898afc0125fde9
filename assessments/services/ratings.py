"""Ratings as every write receives them: one input, and the validation that gives the same
bad input the same refusal everywhere (the self-assessment, manager ratings, team grids,
imports), in a constant number of queries. ``services.me`` records them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from assessments.models import AssessmentCycle, SkillRating
from readiness.models import Skill


@dataclass(frozen=True, slots=True)
class RatingInput:
    """One rating to record; ``person_id`` is implied for self-assessments."""

    skill_id: int
    level: int
    person_id: int | None = None
    interest: int | None = None
    note: str = ""
    evidence_url: str = ""


def validated_ratings(
    *,
    inputs: Iterable[RatingInput],
    default_person_id: int | None,
    source: str,
    rated_by: User | None,
    cycle: AssessmentCycle | None,
    at: dt.datetime,
) -> list[SkillRating]:
    """Build rating rows and validate them all, raising one ValidationError for every bad row.

    Foreign keys are checked in one query (not one per row): only active skills.
    The other fields are validated once per distinct set of their values (``source``, ``at``
    are the same for every row): a self-assessment of 164 skills holds a handful (five levels,
    no note), and validating is a pure function of them.
    """
    inputs = list(inputs)
    # The active framework's ids (a few hundred), rather than a statement naming every skill
    # of the inputs (164 for a full self-assessment), which costs more to build and to run.
    # Unordered: the skills' default order joins their categories.
    active_skills = set(
        Skill.objects.filter(is_active=True).order_by().values_list("pk", flat=True)
    )
    rows, errors = [], {}
    checked: dict[tuple, ValidationError | None] = {}
    for index, entry in enumerate(inputs):
        person_id = entry.person_id or default_person_id
        if person_id is None:  # a caller's mistake: every rating names its person
            raise ValueError("A rating without a person (and no default person).")
        rating = SkillRating(
            person_id=person_id,
            skill_id=entry.skill_id,
            level=entry.level,
            source=source,
            rated_by=rated_by,
            cycle=cycle,
            interest=entry.interest,
            note=entry.note or "",
            evidence_url=entry.evidence_url or "",
            created_at=at,
        )
        error: ValidationError | None
        if entry.skill_id not in active_skills:
            error = ValidationError({"skill": "This skill is not in the skills framework."})
        else:
            key = (entry.level, entry.interest, rating.note, rating.evidence_url)
            if key not in checked:
                checked[key] = _invalid(rating)
            error = checked[key]
        if error is not None:
            errors[(person_id, entry.skill_id, index)] = error
            continue
        rows.append(rating)
    if errors:
        raise RatingsInvalid(errors)
    return rows


def _invalid(rating: SkillRating) -> ValidationError | None:
    """What is wrong with the fields of ``rating`` other than its foreign keys, or None."""
    try:
        # The check constraints repeat the field validators (level, interest, source) and
        # Django validates each with one query per row: skip them, keep saves constant.
        rating.full_clean(
            exclude=["person", "skill", "rated_by", "cycle"], validate_constraints=False
        )
    except ValidationError as error:
        return error
    return None


class RatingsInvalid(ValidationError):
    """Several ratings failed validation; ``errors_by_key`` maps (person, skill, index) to each."""

    def __init__(self, errors: dict) -> None:
        self.errors_by_key = errors
        messages = []
        for error in errors.values():
            messages.extend(error.messages)
        super().__init__(messages)
