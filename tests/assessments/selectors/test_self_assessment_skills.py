"""The self-assessment's skills as plain rows (``selectors.self_assessment``)."""

import pytest

from assessments.selectors.self_assessment import assessment_skills
from readiness.models import LEVEL_MEANINGS, Level
from tests.factories import SkillCategoryFactory, SkillFactory

pytestmark = pytest.mark.django_db


def test_active_skills_in_framework_order_with_descriptors_resolved():
    late = SkillCategoryFactory(name="Late", order=2)
    early = SkillCategoryFactory(name="Early", order=1)
    b = SkillFactory(name="B skill", category=late, order=1, descriptor_3="Leads <b>it</b>.")
    a = SkillFactory(name="A skill", category=late, order=0)
    c = SkillFactory(name="C skill", category=early)
    retired = SkillFactory(name="Retired skill", category=early, is_active=False)
    mine = {a.pk, b.pk, c.pk, retired.pk}

    rows = [row for row in assessment_skills() if row.pk in mine]

    # category order first, then the skills' own order; a retired skill is left out
    assert [row.name for row in rows] == ["C skill", "A skill", "B skill"]
    row_b = rows[2]
    assert (row_b.slug, row_b.category_id, row_b.category_name) == (b.slug, late.pk, "Late")
    # its own descriptor where it has one (as stored: escaping is the template's job), the
    # scale's meaning elsewhere
    assert row_b.descriptors[3] == "Leads <b>it</b>."
    assert row_b.descriptors[0] == LEVEL_MEANINGS[Level.NONE]
    assert len(row_b.descriptors) == len(Level)


def test_a_retired_skill_is_included_only_when_named():
    retired = SkillFactory(is_active=False)
    assert retired.pk not in {row.pk for row in assessment_skills()}
    assert retired.pk in {row.pk for row in assessment_skills(include=[retired.pk])}


def test_one_query_whatever_the_number_of_skills(django_assert_num_queries):
    SkillFactory.create_batch(3)
    with django_assert_num_queries(1):
        assessment_skills(include=[1, 2, 3])
    SkillFactory.create_batch(20)
    with django_assert_num_queries(1):
        assessment_skills(include=range(1, 200))
