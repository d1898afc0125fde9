"""Fixtures of the catalog tests: a clean catalog with known skills and rules, and users."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from catalog.models import LevelRule, MappingField, SkillMappingRule, TrainingResource
from readiness.permissions import CURATORS_GROUP
from tests.factories import PersonFactory, SkillFactory, TeamFactory, UserFactory

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture
def clean_catalog(db) -> None:
    """No seeded resources or rules: every count in a test is the test's own."""
    SkillMappingRule.objects.all().delete()
    TrainingResource.objects.all().delete()


@pytest.fixture
def rules(clean_catalog) -> dict[str, object]:
    """Three skills and the rules that attach them to the fixture files' items."""
    prompting = SkillFactory(name="Prompting", slug="prompting")
    llm = SkillFactory(name="LLM APIs", slug="llm")
    rag = SkillFactory(name="Grounding (RAG)", slug="grounding")
    SkillMappingRule.objects.create(skill=prompting, field=MappingField.KEYWORD, value="Prompt")
    SkillMappingRule.objects.create(skill=llm, field=MappingField.PRODUCT, value="azure-openai")
    SkillMappingRule.objects.create(
        skill=rag,
        field=MappingField.PRODUCT,
        value="azure-ai-search",
        level_rule=LevelRule.FIXED,
        fixed_level=3,
    )
    return {"prompting": prompting, "llm": llm, "rag": rag}


@pytest.fixture
def curator(db):
    user = UserFactory(username="curator-user")
    user.groups.add(Group.objects.get_or_create(name=CURATORS_GROUP)[0])
    return user


@pytest.fixture
def employee(db):
    return PersonFactory(user=UserFactory(username="employee-user")).user


@pytest.fixture
def manager(db):
    team = TeamFactory()
    user = UserFactory(username="manager-user")
    team.managers.add(user)
    PersonFactory(user=user, team=team)
    return user
