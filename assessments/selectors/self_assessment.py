"""Reads of the self-assessment page: the framework's skills as plain rows.

At 164 skills the page drew every skill through a ``Skill`` model instance and its category
(328 instances a request, each with its ``post_init`` signals): plain tuples from one query
carry what the page shows, the level descriptors already resolved.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from readiness.models import LEVEL_MEANINGS, Level, Skill

#: The scale's meaning of each level, in level order: a skill's descriptor when it has none.
_MEANINGS = tuple(LEVEL_MEANINGS[level] for level in Level)
_DESCRIPTORS = tuple(f"descriptor_{level.value}" for level in Level)


class FrameworkSkill(NamedTuple):
    """One skill as the self-assessment shows it."""

    pk: int
    name: str
    slug: str
    category_id: int
    category_name: str
    #: What each level (0 to 4) means for this skill: its own descriptor or the scale's.
    descriptors: tuple[str, ...]


def assessment_skills(*, include: Iterable[int] = ()) -> list[FrameworkSkill]:
    """The active skills of the framework, and the skills ``include`` names even if retired
    (so that a retired skill named by submitted data gets its message at its own field), in
    the framework's order (category, then skill), in one query.

    The query reads every skill and the retired ones are dropped here: a framework is a few
    hundred skills, and a statement naming the 164 skills of a submitted form took longer to
    build and run than the few retired rows it leaves out."""
    include = set(include)
    rows = Skill.objects.order_by(
        "category__order", "category__name", "category_id", "order", "name"
    ).values_list("pk", "name", "slug", "category_id", "category__name", "is_active", *_DESCRIPTORS)
    return [
        FrameworkSkill(
            pk,
            name,
            slug,
            category_id,
            category_name,
            tuple(own or meaning for own, meaning in zip(descriptors, _MEANINGS, strict=True)),
        )
        for pk, name, slug, category_id, category_name, is_active, *descriptors in rows
        if is_active or pk in include
    ]
