"""``readiness_of_states`` (the team map's totals, summed from the states it already read)
equals ``readiness_figures`` (the same totals from a second run of the states statement)."""

import pytest

from assessments.selectors import (
    EMPTY_READINESS,
    readiness_figures,
    readiness_of_states,
    skill_states,
)
from readiness.models import Person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("people, skills", [(3, 4), (12, 9)])
def test_sums_from_the_states_equal_the_sql_figures(make_team_org, people, skills):
    org = make_team_org(people=people, skills=skills)
    scope = Person.objects.filter(team=org.team, is_active=True)
    per_person, per_skill, overall = readiness_figures(people=scope)
    assert overall.required > 0 and per_person and per_skill  # a case with something to sum
    assert readiness_of_states(skill_states(people=scope)) == (per_person, per_skill, overall)


def test_no_requirement_gives_the_empty_figures(make_team_org):
    org = make_team_org(people=2, skills=2)
    nobody = Person.objects.filter(pk=org.team.pk, team__isnull=True, is_active=False)
    assert readiness_of_states(skill_states(people=nobody)) == ({}, {}, EMPTY_READINESS)
    assert readiness_figures(people=nobody) == ({}, {}, EMPTY_READINESS)
