"""A person's latest self rating of a few skills: what a save compares its entries with.

Saving a self-assessment keeps only the entries that change the person's latest self level or
interest (``services.me``). The page has the person's states at hand (it draws them); the API
has not, and reading all of them (``person_skill_states``: targets, certifications, the
effective level of every skill) to compare one or two entries cost a save more than anything
else it reads. This reads just the ratings compared, off the ``rating_latest_lookup`` index.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from django.db import connection

from assessments.models import RatingSource, SkillRating


class SelfRating(NamedTuple):
    """The latest self rating of one skill: the two values a save compares (the names of
    ``SkillState``'s, so that either can be compared)."""

    self_level: int
    interest: int | None


def latest_self_ratings(*, person_id: int, skill_ids: Iterable[int]) -> dict[int, SelfRating]:
    """The person's latest self rating of each of ``skill_ids`` that is active and rated, as
    the states hold it (``selectors.latest``: the newest first, a tie on time to the higher
    id; retired skills left out). One query; on PostgreSQL one row per skill
    (``DISTINCT ON``), elsewhere each skill's history, newest first."""
    ids = set(skill_ids)
    if not ids:
        return {}
    rows = (
        SkillRating.objects.filter(
            person_id=person_id,
            source=RatingSource.SELF,
            skill_id__in=ids,
            skill__is_active=True,
        )
        .order_by("skill_id", "-created_at", "-id")
        .values_list("skill_id", "level", "interest")
    )
    if connection.features.can_distinct_on_fields:
        rows = rows.distinct("skill_id")
    latest: dict[int, SelfRating] = {}
    for skill_id, level, interest in rows:
        latest.setdefault(skill_id, SelfRating(level, interest))
    return latest
