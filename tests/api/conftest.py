"""A small organization with every persona the API must tell apart.

    Engineering (department)
    ├── Platform   managed by `manager`: `employee`, `colleague`
    └── Data       managed by `other_manager`: `outsider` (an employee of another team)

`curator` (Curators group), `lead` (Leadership group) and `admin` (superuser) have no team.
The Platform role requires skill A at 2 and skill B at 3; Everyone requires skill C at 1.
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from readiness.models import Audience, AudienceRequirement
from readiness.permissions import CURATORS_GROUP, LEADERSHIP_GROUP
from readiness.tokens import token_create
from tests.assessments.badge_issuer import badge_issuer  # noqa: F401 - a fixture
from tests.factories import (
    AudienceFactory,
    AudienceRequirementFactory,
    PersonFactory,
    RoleFactory,
    RoleRequirementFactory,
    SkillCategoryFactory,
    SkillFactory,
    TeamFactory,
    UserFactory,
)


@dataclass
class Org:
    dept: object
    platform: object
    data: object
    role: object
    audience: object
    everyone: object
    skill_a: object
    skill_b: object
    skill_c: object
    employee: object  # Person
    colleague: object
    outsider: object
    manager: object  # users from here on
    other_manager: object
    curator: object
    lead: object
    admin: object


@pytest.fixture
def org(db) -> Org:
    everyone = Audience.objects.filter(is_everyone=True).first() or AudienceFactory(
        name="Everyone (test)", slug="everyone-test", is_everyone=True
    )
    audience = AudienceFactory(name="API testers", slug="api-testers")
    category = SkillCategoryFactory(name="API category", slug="api-category")
    skill_a = SkillFactory(name="API skill A", slug="api-skill-a", category=category)
    skill_b = SkillFactory(name="API skill B", slug="api-skill-b", category=category)
    skill_c = SkillFactory(name="API skill C", slug="api-skill-c", category=category)
    role = RoleFactory(name="API developer", slug="api-developer", audience=audience)
    RoleRequirementFactory(role=role, skill=skill_a, target_level=2)
    RoleRequirementFactory(role=role, skill=skill_b, target_level=3)
    # The seeded framework's Everyone requirements would apply to everybody: keep the numbers
    # of these tests to the three skills above.
    AudienceRequirement.objects.filter(audience=everyone).delete()
    AudienceRequirementFactory(audience=everyone, skill=skill_c, target_level=1)

    dept = TeamFactory(name="Engineering")
    platform = TeamFactory(name="Platform", parent=dept)
    data = TeamFactory(name="Data", parent=dept)
    manager = UserFactory(username="manager")
    other_manager = UserFactory(username="other_manager")
    platform.managers.add(manager)
    data.managers.add(other_manager)
    PersonFactory(user=manager, team=dept, role=role)
    PersonFactory(user=other_manager, team=dept, role=role)

    curator = UserFactory(username="curator")
    curator.groups.add(Group.objects.get_or_create(name=CURATORS_GROUP)[0])
    lead = UserFactory(username="lead")
    lead.groups.add(Group.objects.get_or_create(name=LEADERSHIP_GROUP)[0])
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)

    return Org(
        dept=dept,
        platform=platform,
        data=data,
        role=role,
        audience=audience,
        everyone=everyone,
        skill_a=skill_a,
        skill_b=skill_b,
        skill_c=skill_c,
        employee=PersonFactory(user=UserFactory(username="employee"), team=platform, role=role),
        colleague=PersonFactory(user=UserFactory(username="colleague"), team=platform, role=role),
        outsider=PersonFactory(user=UserFactory(username="outsider"), team=data, role=role),
        manager=manager,
        other_manager=other_manager,
        curator=curator,
        lead=lead,
        admin=admin,
    )


def person_id(user) -> int:  # noqa: ANN001
    """The Person id of ``user`` (the API names people by it), giving the account a person
    record (no team, no role) when it has none: ``lead``, ``curator`` and ``admin`` have none."""
    person = getattr(user, "person", None) or PersonFactory(user=user, team=None, role=None)
    return person.pk


def client_for(user) -> APIClient:  # noqa: ANN001
    """An API client authenticated with a fresh token of ``user`` (no session)."""
    client = APIClient()
    if user is not None:
        _token, secret = token_create(user=user, name="tests", expires_in_days=7)
        client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


@pytest.fixture
def api(org):  # noqa: ANN001, ANN201
    """``api("employee")`` → a token-authenticated client of that persona (None: anonymous)."""

    def make(persona: str | None) -> APIClient:
        if persona is None:
            return APIClient()
        user = getattr(org, persona)
        return client_for(getattr(user, "user", user))

    return make


def problem_of(response, status: int) -> dict:  # noqa: ANN001
    """The RFC 9457 body of a refusal, checking its status and content type."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"] == "application/problem+json", response["Content-Type"]
    body = response.json()
    assert body["status"] == status and body["type"] == f"urn:readiness:problem:{body['code']}"
    return body


def field_errors(response) -> dict:  # noqa: ANN001
    """The ``errors`` of a 400 problem as the nested {field: [messages]} map they point at:
    ``#/people/2/role`` → ``{"people": {"2": {"role": [...]}}}``, ``#`` → ``non_field_errors``,
    a refused query parameter → ``{name: [...]}``."""
    nested: dict = {}
    for error in problem_of(response, 400)["errors"]:
        if "parameter" in error:
            path = [error["parameter"]]
        else:
            tokens = error["pointer"].removeprefix("#").split("/")[1:]
            path = [t.replace("~1", "/").replace("~0", "~") for t in tokens] or ["non_field_errors"]
        node = nested
        for token in path[:-1]:
            node = node.setdefault(token, {})
        node.setdefault(path[-1], []).append(error["detail"])
    return nested
