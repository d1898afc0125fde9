"""The mapping-rule service (catalog.services.curate): the model's checks before any write,
and the audit history of each version."""

import pytest
from django.core.exceptions import ValidationError

from catalog.models import LevelRule, MappingField, SkillMappingRule
from catalog.services.curate import mapping_rule_delete, mapping_rule_save
from tests.factories import SkillFactory

pytestmark = pytest.mark.django_db


def _fields(skill, **extra) -> dict:  # noqa: ANN001
    return {
        "skill": skill,
        "field": MappingField.SUBJECT,
        "value": "machine learning",
        "level_rule": LevelRule.FIXED,
        "fixed_level": 2,
        "is_active": True,
        **extra,
    }


def test_a_rule_is_created_changed_and_deleted_with_a_version_each():
    skill = SkillFactory()
    rule = mapping_rule_save(**_fields(skill))
    changed = mapping_rule_save(
        rule=rule, **_fields(skill, level_rule=LevelRule.FROM_DIFFICULTY, fixed_level=None)
    )
    pk = rule.pk
    assert changed.pk == pk
    assert SkillMappingRule.objects.get(skill=skill).level_rule == "difficulty"
    mapping_rule_delete(rule=changed)
    assert not SkillMappingRule.objects.filter(skill=skill).exists()
    history = SkillMappingRule.history.filter(id=pk).order_by("history_date")
    assert list(history.values_list("history_type", flat=True)) == ["+", "~", "-"]


def test_the_models_checks_refuse_before_anything_is_saved():
    skill = SkillFactory()
    mapping_rule_save(**_fields(skill))
    with pytest.raises(ValidationError) as duplicate:
        mapping_rule_save(**_fields(skill))
    assert "__all__" in duplicate.value.message_dict
    with pytest.raises(ValidationError):  # a fixed level on a rule that takes the difficulty
        mapping_rule_save(**_fields(skill, value="other", level_rule=LevelRule.FROM_DIFFICULTY))
    assert SkillMappingRule.objects.filter(skill=skill).count() == 1
    assert SkillMappingRule.history.filter(skill=skill).count() == 1
