"""The seed content shipped by the 0002 data migrations of readiness and catalog."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db.models import Count

from catalog.models import Provider, ResourceSkill, SkillMappingRule, TrainingResource
from readiness.models import (
    Audience,
    AudienceRequirement,
    Role,
    RoleRequirement,
    Skill,
    SkillCategory,
)
from readiness.permissions import CURATORS_GROUP, LEADERSHIP_GROUP

pytestmark = pytest.mark.usefixtures("seed_content")

LEARN = "https://learn.microsoft.com/training"
# url → (external uid, audience slugs, difficulty level)
RESOURCES = {
    f"{LEARN}/modules/embrace-responsible-ai-principles-practices/": (
        "learn.wwl.embrace-responsible-ai-principles-practices",
        {"everyone"},
        1,
    ),
    f"{LEARN}/paths/introduction-generative-ai/": (
        "learn.intro-generative-ai",
        {"leadership", "tech-specialists", "end-users"},
        1,
    ),
    f"{LEARN}/paths/intro-generative-ai-for-trainers/": (
        "learn.philanthropies.intro-generative-ai-for-trainers",
        {"leadership", "tech-specialists"},
        1,
    ),
    f"{LEARN}/paths/develop-ai-solutions-azure-openai/": (
        "learn.wwl.develop-ai-solutions-azure-openai",
        {"tech-specialists"},
        2,
    ),
    f"{LEARN}/paths/security-copilot-and-ai/": (
        "learn.wwl.security-copilot-and-ai",
        {"tech-specialists"},
        1,
    ),
    "https://www.linkedin.com/learning/paths/"
    "career-essentials-in-generative-ai-by-microsoft-and-linkedin": (
        None,
        {"leadership", "tech-specialists", "end-users"},
        1,
    ),
    "https://microsoft.github.io/generative-ai-for-beginners/": (None, {"tech-specialists"}, 1),
}


def _counts() -> dict[str, int]:
    models = [
        Audience,
        SkillCategory,
        Skill,
        Role,
        RoleRequirement,
        AudienceRequirement,
        Group,
        Provider,
        TrainingResource,
        ResourceSkill,
        SkillMappingRule,
        TrainingResource.audiences.through,
    ]
    return {model.__name__: model.objects.count() for model in models}


def test_the_four_audiences():
    audiences = list(Audience.objects.order_by("order"))

    assert [(a.slug, a.order) for a in audiences] == [
        ("leadership", 1),
        ("tech-specialists", 2),
        ("end-users", 3),
        ("everyone", 4),
    ]
    assert [a.slug for a in audiences if a.is_everyone] == ["everyone"]
    assert all(a.focus for a in audiences)
    assert "responsible" in Audience.objects.get(slug="everyone").focus.lower()


def test_every_skill_has_a_description_and_five_descriptors():
    skills = list(Skill.objects.all())

    assert 12 <= len(skills) <= 16
    assert SkillCategory.objects.annotate(n=Count("skills")).filter(n=0).count() == 0
    for skill in skills:
        descriptors = [getattr(skill, f"descriptor_{level}") for level in range(5)]
        assert skill.description, skill.slug
        assert all(0 < len(text) <= 300 for text in descriptors), skill.slug
        assert len(set(descriptors)) == 5, skill.slug
    assert any(skill.reassessment_interval_days for skill in skills)


def test_role_templates_cover_each_audience_and_all_have_requirements():
    roles = {role.slug: role.audience.slug for role in Role.objects.select_related("audience")}

    assert {
        "executive": "leadership",
        "people-manager": "leadership",
        "developer": "tech-specialists",
        "data-scientist": "tech-specialists",
        "security-analyst": "tech-specialists",
        "solution-architect": "tech-specialists",
        "trainer": "end-users",
        "business-user": "end-users",
        "customer-service-agent": "end-users",
    }.items() <= roles.items()
    assert Role.objects.annotate(n=Count("requirements")).filter(n__lt=3).count() == 0
    assert RoleRequirement.objects.filter(importance="desirable").exists()
    assert set(RoleRequirement.objects.values_list("target_level", flat=True)) <= {1, 2, 3, 4}


def test_audience_requirements():
    everyone = dict(
        AudienceRequirement.objects.filter(audience__slug="everyone").values_list(
            "skill__slug", "target_level"
        )
    )

    assert everyone["responsible-ai"] >= 1
    assert everyone["data-privacy-ai"] >= 1
    for slug in ("leadership", "tech-specialists", "end-users"):
        assert AudienceRequirement.objects.filter(audience__slug=slug).count() >= 3, slug


def test_groups_exist_and_curators_may_edit_the_framework_and_catalog():
    assert Group.objects.filter(name__in=[LEADERSHIP_GROUP, CURATORS_GROUP]).count() == 2
    curators = Group.objects.get(name=CURATORS_GROUP)
    codenames = set(curators.permissions.values_list("codename", flat=True))

    assert {
        "change_skill",
        "add_rolerequirement",
        "change_trainingresource",
        "add_skillmappingrule",
    } <= codenames


def test_the_seven_resources_with_audiences_uids_and_skills():
    resources = TrainingResource.objects.prefetch_related("audiences", "skill_links")

    assert {r.url for r in resources} >= RESOURCES.keys()
    for resource in resources.filter(url__in=RESOURCES):
        uid, audiences, level = RESOURCES[resource.url]
        assert resource.external_uid == uid, resource.url
        assert {a.slug for a in resource.audiences.all()} == audiences, resource.url
        assert resource.level == level, resource.url
        assert resource.skill_links.count() >= 1, resource.url
        assert resource.duration_minutes and resource.summary
        expected_source = "learn_catalog" if uid else "manual"
        assert resource.source == expected_source
    providers = dict(TrainingResource.objects.values_list("url", "provider__slug"))
    assert providers["https://microsoft.github.io/generative-ai-for-beginners/"] == "github"
    assert set(Provider.objects.values_list("slug", flat=True)) >= {
        "microsoft-learn",
        "linkedin-learning",
        "github",
        "internal",
    }


def test_mapping_rules_attach_learn_products_and_keywords():
    rules = set(SkillMappingRule.objects.values_list("field", "value", "skill__slug"))

    assert ("product", "azure-openai", "llm-apis") in rules
    assert ("keyword", "responsible", "responsible-ai") in rules


def test_seeding_again_changes_nothing():
    before = _counts()
    framework = importlib.import_module("readiness.migrations.0002_seed_framework")
    resources = importlib.import_module("catalog.migrations.0002_seed_resources")

    framework.seed_framework(apps, None)
    resources.seed_resources(apps, None)
    resources.grant_curator_permissions(apps, None)

    assert _counts() == before
