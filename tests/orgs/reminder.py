"""A small organization for the reminder tests: a department with a sub-team, managers, people
with one required skill each, self-assessed at a known moment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from readiness.models import Person, Skill, Team
from tests.factories import (
    PersonFactory,
    RoleFactory,
    RoleRequirementFactory,
    SkillFactory,
    SkillRatingFactory,
    TeamFactory,
    UserFactory,
)


@dataclass
class ReminderOrg:
    department: Team
    team: Team
    skill: Skill
    manager: object
    department_head: object


def build_reminder_org() -> ReminderOrg:
    """Engineering (head Hugo) and its sub-team Platform (manager Maya), one skill; no one yet:
    ``add_person`` adds each person with the moment of their self-assessment."""
    department = TeamFactory(name="Engineering")
    team = TeamFactory(name="Platform", parent=department)
    manager = UserFactory(username="manager", first_name="Maya", last_name="Manager")
    head = UserFactory(username="head", first_name="Hugo", last_name="Head")
    team.managers.add(manager)
    department.managers.add(head)
    skill = SkillFactory(name="Reminder test skill")
    return ReminderOrg(
        department=department, team=team, skill=skill, manager=manager, department_head=head
    )


def add_person(
    org: ReminderOrg,
    username: str,
    *,
    assessed_at: dt.datetime | None,
    team: Team | None = None,
    skill: Skill | None = None,
    **extra,
) -> Person:
    """A person of ``org`` whose own role requires ``skill`` (the org's) at 2, self-assessed at
    ``assessed_at`` (never when None)."""
    role = RoleFactory()
    RoleRequirementFactory(role=role, skill=skill or org.skill, target_level=2)
    person = PersonFactory(
        user=UserFactory(username=username, first_name=username.title(), last_name="Tester"),
        team=team or org.team,
        role=role,
        **extra,
    )
    if assessed_at is not None:
        SkillRatingFactory(person=person, skill=skill or org.skill, level=2, created_at=assessed_at)
    return person
