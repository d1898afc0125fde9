"""Reads of the team review page: the self-ratings waiting for the manager, with their notes,
evidence and the previous rating."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import F, Window
from django.db.models.functions import RowNumber

from assessments.models import RatingSource, SkillRating
from assessments.selectors import (
    SkillState,
    skill_states,
)
from assessments.selectors.teams import team_members
from readiness.models import Person, Skill, Team


def pending_reviews(
    *, team: Team, exclude_user: User | None = None
) -> list[tuple[Person, Skill, SkillState]]:
    """Every self-rating of an active member newer than their last manager rating of the same
    skill: the manager's review queue, member by member, skills in framework order. Three
    queries."""
    members = team_members(team=team)
    if exclude_user is not None:
        members = members.exclude(user=exclude_user)
    people = {person.pk: person for person in members}
    scope = Person.objects.filter(pk__in=list(people))
    waiting = [state for state in skill_states(people=scope) if state.awaiting_review]
    skills = Skill.objects.select_related("category").in_bulk({s.skill_id for s in waiting})
    rows = [(people[s.person_id], skills[s.skill_id], s) for s in waiting if s.skill_id in skills]
    rows.sort(
        key=lambda row: (
            row[0].display_name.casefold(),
            row[0].pk,
            row[1].category.order,
            row[1].category.name,
            row[1].order,
            row[1].name,
        )
    )
    return rows


@dataclass(frozen=True, slots=True)
class SelfRatingDetail:
    """What the manager reads before accepting a self level: the person's note and evidence
    link on their latest self rating, and the self level before it (None: the first)."""

    note: str
    evidence_url: str
    previous_level: int | None


def self_rating_details(
    *, pairs: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], SelfRatingDetail]:
    """The latest two self ratings of each (person, skill) of ``pairs``, in one query (a window
    ranks each pair's history; only two rows per pair leave the database)."""
    pairs = set(pairs)
    if not pairs:
        return {}
    ranked = (
        SkillRating.objects.filter(
            source=RatingSource.SELF,
            person_id__in={p for p, _ in pairs},
            skill_id__in={s for _, s in pairs},
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("person_id"), F("skill_id")],
                order_by=[F("created_at").desc(), F("id").desc()],
            )
        )
        .filter(rank__lte=2)
        .order_by("person_id", "skill_id", "rank")
        .values_list("person_id", "skill_id", "rank", "level", "note", "evidence_url")
    )
    latest: dict[tuple[int, int], tuple[str, str]] = {}
    previous: dict[tuple[int, int], int] = {}
    for person_id, skill_id, rank, level, note, evidence_url in ranked:
        key = (person_id, skill_id)
        if key not in pairs:
            continue
        if rank == 1:
            latest[key] = (note, evidence_url)
        else:
            previous[key] = level
    return {
        key: SelfRatingDetail(note, evidence_url, previous.get(key))
        for key, (note, evidence_url) in latest.items()
    }
