"""Mapping gaps to learning: ranking, the smallest plan, the team ranking."""

import pytest

from assessments.recommendations import gap_candidates, plan_cover, team_resource_ranking
from assessments.selectors import person_skill_states, skill_states
from readiness.models import AudienceRequirement, Person, RoleRequirement
from tests.factories import (
    AudienceFactory,
    PersonFactory,
    ProviderFactory,
    ResourceSkillFactory,
    RoleRequirementFactory,
    SkillFactory,
    SkillRatingFactory,
    TeamFactory,
    TrainingResourceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def blank_framework():
    AudienceRequirement.objects.all().delete()
    RoleRequirement.objects.all().delete()


def resource(minutes, *links, audiences=(), title=None, preference=50):
    provider = ProviderFactory(preference=preference)
    res = TrainingResourceFactory(
        duration_minutes=minutes, provider=provider, **({"title": title} if title else {})
    )
    res.audiences.set(audiences)
    for skill, level in links:
        ResourceSkillFactory(resource=res, skill=skill, level=level)
    return res


def test_candidates_rank_full_closers_then_closeness_then_duration():
    person = PersonFactory()
    skill = SkillFactory()
    RoleRequirementFactory(role=person.role, skill=skill, target_level=2)
    SkillRatingFactory(person=person, skill=skill, level=1)
    partial = resource(30, (skill, 1))  # not above level 1: excluded
    overshoot = resource(30, (skill, 4))
    exact_long = resource(120, (skill, 2))
    exact_short = resource(60, (skill, 2))
    other_audience = resource(10, (skill, 2), audiences=[AudienceFactory()])

    ranked = gap_candidates(person=person, states=person_skill_states(person=person).values())[
        skill.pk
    ]
    assert [c.resource for c in ranked] == [exact_short, exact_long, overshoot]
    assert partial not in [c.resource for c in ranked]
    assert other_audience not in [c.resource for c in ranked]


def test_resource_for_the_persons_audience_fits():
    person = PersonFactory()
    skill = SkillFactory()
    RoleRequirementFactory(role=person.role, skill=skill, target_level=1)
    mine = resource(10, (skill, 1), audiences=[person.role.audience])
    ranked = gap_candidates(person=person, states=person_skill_states(person=person).values())
    assert [c.resource for c in ranked[skill.pk]] == [mine]


def test_plan_cover_prefers_one_resource_building_several_skills():
    person = PersonFactory()
    a, b, c = SkillFactory(), SkillFactory(), SkillFactory()
    for skill in (a, b, c):
        RoleRequirementFactory(role=person.role, skill=skill, target_level=2)
    bundle = resource(150, (a, 2), (b, 2))
    only_a = resource(100, (a, 2))
    only_b = resource(100, (b, 2))
    only_c = resource(30, (c, 3))
    states = person_skill_states(person=person).values()
    candidates = gap_candidates(person=person, states=states)
    plan = plan_cover(candidates=candidates, gap_skill_ids=[a.pk, b.pk, c.pk])
    assert set(plan.resources) == {bundle, only_c}
    assert plan.minutes == 180 and plan.uncovered == []
    assert only_a not in plan.resources and only_b not in plan.resources


def test_plan_cover_reports_gaps_nothing_can_close():
    person = PersonFactory()
    lonely = SkillFactory()
    RoleRequirementFactory(role=person.role, skill=lonely, target_level=2)
    plan = plan_cover(candidates={}, gap_skill_ids=[lonely.pk])
    assert plan.resources == [] and plan.uncovered == [lonely.pk]


def test_team_ranking_by_gap_closed_per_hour():
    team = TeamFactory()
    skill = SkillFactory()
    people = PersonFactory.create_batch(3, team=team)
    for person in people:
        RoleRequirementFactory(role=person.role, skill=skill, target_level=2)
    SkillRatingFactory(person=people[0], skill=skill, level=2)  # no gap
    quick = resource(60, (skill, 2))  # closes 2 + 2 = 4 per hour
    slow = resource(240, (skill, 3))  # closes 4 in 4 hours = 1 per hour
    scope = Person.objects.filter(team=team)
    ranking = team_resource_ranking(
        people=scope.select_related("role"), states=skill_states(people=scope)
    )
    assert [r.resource for r in ranking] == [quick, slow]
    assert ranking[0].gap_closed == 4 and ranking[0].members == {people[1].pk, people[2].pk}
    assert ranking[0].gap_closed_per_hour == 4.0


def test_team_ranking_counts_each_member_only_where_a_resource_fits_them():
    """The audience rule (``fits_sql``) per member of a team of several audiences, held to a
    naive reading of it: a resource counts for a member when it names no audience, Everyone,
    or the member's role's audience (none without a role)."""
    from readiness.models import Audience

    team = TeamFactory()
    skill = SkillFactory()
    everyone = Audience.objects.filter(is_everyone=True).first() or AudienceFactory(
        slug="everyone", is_everyone=True
    )
    people = PersonFactory.create_batch(3, team=team)
    for person in people:
        RoleRequirementFactory(role=person.role, skill=skill, target_level=2)
    roleless = PersonFactory(team=team, role=None)
    AudienceRequirement.objects.create(audience=everyone, skill=skill, target_level=2)
    first, second = people[0].role.audience, people[1].role.audience
    resources = {
        "none": resource(60, (skill, 2)),
        "everyone": resource(60, (skill, 2), audiences=[everyone]),
        "first": resource(60, (skill, 2), audiences=[first]),
        "first and second": resource(60, (skill, 2), audiences=[first, second]),
        "other": resource(60, (skill, 2), audiences=[AudienceFactory()]),
    }
    scope = Person.objects.filter(team=team)
    ranking = team_resource_ranking(
        people=scope.select_related("role"), states=skill_states(people=scope)
    )

    def fits(res, person):  # noqa: ANN001, ANN202
        named = set(res.audiences.all())
        audience = person.role.audience if person.role else None
        return not named or everyone in named or audience in named

    everybody = [*people, roleless]
    expected = {res: {p.pk for p in everybody if fits(res, p)} for res in resources.values()}
    assert {r.resource: r.members for r in ranking} == {
        res: members for res, members in expected.items() if members
    }
    assert expected[resources["first and second"]] == {people[0].pk, people[1].pk}
    assert resources["other"] not in {r.resource for r in ranking}


@pytest.mark.parametrize("has_role", [True, False])
def test_the_overview_finds_the_candidates_of_person_gap_candidates(has_role):
    """``/me/`` reads its candidates in one statement, the audience rule in SQL
    (``fitting_links``): the same resources, in the same order, as ``person_gap_candidates``
    (the rule in Python, over the Everyone audience and every link's audiences); and the
    person's open plan items among them."""
    from assessments.selectors.me import person_gap_candidates
    from assessments.selectors.me_readiness import person_readiness_overview
    from readiness.models import Audience
    from readiness.selectors import person_get
    from tests.factories import LearningPlanItemFactory

    person = PersonFactory()
    a, b = SkillFactory(), SkillFactory()
    for skill in (a, b):
        AudienceRequirement.objects.create(
            audience=person.role.audience, skill=skill, target_level=3
        )
    SkillRatingFactory(person=person, skill=b, level=1)
    everyone = Audience.objects.filter(is_everyone=True).first() or AudienceFactory(
        slug="everyone", is_everyone=True
    )
    other = AudienceFactory()
    fits = [
        resource(30, (a, 3), (b, 2)),  # no audience: everybody
        resource(40, (a, 2), audiences=[everyone]),
        resource(50, (b, 3), audiences=[person.role.audience]),
        resource(20, (a, 3), audiences=[other, everyone]),
        resource(60, (a, 1), (b, 3), audiences=[other, person.role.audience]),
    ]
    elsewhere = resource(10, (a, 3), (b, 3), audiences=[other])
    retired = resource(10, (a, 3))
    retired.is_active = False
    retired.save()
    below = resource(10, (b, 1))
    LearningPlanItemFactory(person=person, resource=fits[1], status="in_progress")
    LearningPlanItemFactory(person=person, resource=fits[2], status="dropped")
    if not has_role:
        # Without a role the gaps are the Everyone audience's: only what fits everybody.
        for skill in (a, b):
            AudienceRequirement.objects.create(audience=everyone, skill=skill, target_level=3)
        person.role = None
        person.save()
    person = person_get(user=person.user)

    overview = person_readiness_overview(person=person)
    found = {
        row.row.skill.pk: [c.resource for c in row.candidates] for row in overview.recommendations
    }
    expected = person_gap_candidates(person=person, states=person_skill_states(person=person))
    assert found == {skill: [c.resource for c in ranked][:3] for skill, ranked in expected.items()}
    assert {r.row.skill.pk: len(r.candidates) + r.more for r in overview.recommendations} == {
        skill: len(ranked) for skill, ranked in expected.items()
    }
    shown = {r for ranked in found.values() for r in ranked}
    assert not shown & {elsewhere, retired, below}
    assert (fits[2] in shown) == has_role and (fits[4] in shown) == has_role
    assert fits[0] in shown and fits[3] in shown
    assert overview.planned == {fits[1].pk: "in_progress"}
