"""The framework file: export → empty the tables → import → export again gives the same file."""

import json

import pytest
from django.core.management import CommandError, call_command

from catalog.models import SkillMappingRule, TrainingResource
from catalog.services.framework_io import SECTIONS, framework_export, framework_import
from readiness.models import Skill
from tests.factories import (
    AudienceFactory,
    AudienceRequirementFactory,
    ResourceSkillFactory,
    RoleRequirementFactory,
    SkillFactory,
    TrainingResourceFactory,
)

pytestmark = pytest.mark.django_db


def _empty_the_framework() -> None:
    for section in reversed(SECTIONS):
        section.model.objects.all().delete()


@pytest.fixture
def framework(seed_content):
    """The seeded framework and catalog plus one of every kind of row, with awkward values."""
    skill = SkillFactory(
        name="Prompt <craft> — ünïcode",
        descriptor_3="Writes “system” prompts",
        reassessment_interval_days=30,
    )
    audience = AudienceFactory(slug="partners", name="Partners")
    RoleRequirementFactory(skill=skill, target_level=3, importance="desirable")
    AudienceRequirementFactory(audience=audience, skill=skill, target_level=2)
    resource = TrainingResourceFactory(
        learn_products=["azure-openai"],
        external_uid="learn.module.x",
        locale="en-us",
        upstream_modified_at="2026-02-01T10:00:00+00:00",
    )
    resource.audiences.add(audience)
    ResourceSkillFactory(resource=resource, skill=skill, level=3)
    SkillMappingRule.objects.create(
        skill=skill, field="product", value="azure-openai", level_rule="fixed", fixed_level=2
    )


def test_export_import_into_an_empty_instance_gives_the_same_file(framework, tmp_path):
    first = tmp_path / "framework.json"
    call_command("framework_export", str(first))
    exported = json.loads(first.read_text())
    assert exported["format"] == "readiness-framework" and exported["version"] == 1
    assert all(exported[s.name] for s in SECTIONS)  # every section has rows
    assert '"id"' not in first.read_text()  # natural keys only

    _empty_the_framework()
    assert not Skill.objects.exists() and not TrainingResource.objects.exists()
    call_command("framework_import", str(first))
    second = tmp_path / "again.json"
    call_command("framework_export", str(second))

    assert second.read_text() == first.read_text()


def test_importing_twice_updates_in_place(framework):
    document = framework_export()
    counts = {s.name: s.model.objects.count() for s in SECTIONS}

    result = framework_import(document=document)

    assert sum(result.created.values()) == 0
    assert {s.name: s.model.objects.count() for s in SECTIONS} == counts
    assert framework_export() == document


def test_a_broken_file_changes_nothing(framework, tmp_path):
    document = framework_export()
    _empty_the_framework()
    document["resource_skills"].append(
        {
            "resource": "https://nowhere.example.com/",
            "skill": "no-such-skill",
            "level": 2,
            "origin": "curator",
        }
    )
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(document))

    with pytest.raises(CommandError, match="not in the file or the database"):
        call_command("framework_import", str(path))

    assert not Skill.objects.exists()  # the whole import rolled back


def test_a_file_of_another_kind_or_version_is_refused(tmp_path):
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"format": "readiness-framework", "version": 99}))

    with pytest.raises(CommandError, match="version 99"):
        call_command("framework_import", str(path))
