"""Teams for the manager-side tests: a manager, members, skills in categories, ratings.

Ratings are written with one bulk insert so a 50 × 40 team takes a moment, not a minute.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from django.utils import timezone

from assessments.models import SkillRating
from readiness.models import Person, Role, RoleRequirement, Skill, Team
from tests.factories import (
    PersonFactory,
    RoleFactory,
    SkillCategoryFactory,
    SkillFactory,
    TeamFactory,
    UserFactory,
)


@dataclass
class TeamOrg:
    team: Team
    manager: object
    people: list[Person]
    skills: list[Skill]
    role: Role


def build_team_org(
    *,
    people: int = 3,
    skills: int = 4,
    categories: int = 2,
    target: int = 2,
    parent: Team | None = None,
    rated: bool = True,
    at: dt.datetime | None = None,
) -> TeamOrg:
    """A team of ``people`` (one role requiring every skill at ``target``) and its manager.

    With ``rated``, each member has a self rating on every skill (levels cycling 0..3) and a
    manager rating on every other skill, a day later, at the same level."""
    team = TeamFactory(parent=parent)
    manager = UserFactory()
    team.managers.add(manager)
    role = RoleFactory()
    cats = SkillCategoryFactory.create_batch(categories)
    skill_list = [
        SkillFactory(category=cats[index % categories], order=index) for index in range(skills)
    ]
    RoleRequirement.objects.bulk_create(
        RoleRequirement(role=role, skill=skill, target_level=target) for skill in skill_list
    )
    members = [PersonFactory(team=team, role=role) for _ in range(people)]
    if rated:
        at = at or timezone.now() - dt.timedelta(days=10)
        levels = itertools.cycle([0, 1, 2, 3])
        rows = []
        for person in members:
            for index, skill in enumerate(skill_list):
                level = next(levels)
                rows.append(
                    SkillRating(
                        person=person,
                        skill=skill,
                        level=level,
                        source="self",
                        rated_by=person.user,
                        created_at=at,
                        interest=index % 3,
                    )
                )
                if index % 2 == 0:
                    rows.append(
                        SkillRating(
                            person=person,
                            skill=skill,
                            level=level,
                            source="manager",
                            rated_by=manager,
                            created_at=at + dt.timedelta(days=1),
                        )
                    )
        SkillRating.objects.bulk_create(rows)
    return TeamOrg(team, manager, members, skill_list, role)
