"""A small organization for the employee-page tests: one team with its manager, the person
under test and a team-mate, a second team with its own manager and member, and a lead."""

from __future__ import annotations

from dataclasses import dataclass, field

from catalog.models import TrainingResource
from readiness.models import Person, Skill, Team
from tests.factories import (
    PersonFactory,
    ResourceSkillFactory,
    RoleFactory,
    RoleRequirementFactory,
    SkillFactory,
    SkillRatingFactory,
    TeamFactory,
    TrainingResourceFactory,
    UserFactory,
)
from tests.orgs import clear_framework, leadership_user


@dataclass
class EmployeeOrg:
    team: Team
    manager: object
    person: Person
    teammate: Person
    other_team: Team
    other_manager: object
    outsider: Person
    lead: object
    skills: list[Skill]
    resources: list[TrainingResource] = field(default_factory=list)


def build_employee_org(
    *, skills: int = 3, ratings_per_skill: int = 1, resources_per_skill: int = 1
) -> EmployeeOrg:
    """``skills`` required skills (target 2) for the person's role. The person rates each
    ``ratings_per_skill`` times (self at 1, and a manager rating at 1 for every second skill),
    so every skill is a gap of 1; ``resources_per_skill`` resources build each skill to 2."""
    clear_framework()
    team, other_team = TeamFactory(), TeamFactory()
    manager, other_manager = UserFactory(), UserFactory()
    team.managers.add(manager)
    other_team.managers.add(other_manager)
    role = RoleFactory()
    required = SkillFactory.create_batch(skills)
    for skill in required:
        RoleRequirementFactory(role=role, skill=skill, target_level=2)
    person = PersonFactory(team=team, role=role)
    teammate = PersonFactory(team=team, role=role)
    outsider = PersonFactory(team=other_team, role=role)
    for index, skill in enumerate(required):
        for _ in range(ratings_per_skill):
            SkillRatingFactory(person=person, skill=skill, level=1, interest=1)
        if index % 2 and ratings_per_skill:
            SkillRatingFactory(
                person=person, skill=skill, level=1, source="manager", rated_by=manager
            )
    resources = []
    for skill in required:
        for _ in range(resources_per_skill):
            resource = TrainingResourceFactory(duration_minutes=90)
            ResourceSkillFactory(resource=resource, skill=skill, level=2)
            resources.append(resource)
    lead = leadership_user()
    return EmployeeOrg(
        team,
        manager,
        person,
        teammate,
        other_team,
        other_manager,
        outsider,
        lead,
        required,
        resources,
    )
