"""The map's members, skills and filter choices read as SQL (``selectors.team_map_reads``)
are what the ORM reads: the same rows in the same order, for every combination of the
members' conditions."""

from __future__ import annotations

from assessments.selectors.team_map_reads import map_filter_choices, map_members, map_skills
from assessments.selectors.teams import team_members
from readiness.models import Audience, Skill, SkillCategory
from tests.factories import (
    AudienceFactory,
    PersonFactory,
    RoleFactory,
    SkillCategoryFactory,
    SkillFactory,
    UserFactory,
)


def _orm_members(team, audience_id, exclude_user):  # noqa: ANN001, ANN202
    members = team_members(team=team)
    if audience_id:
        members = members.filter(role__audience_id=audience_id)
    if exclude_user is not None:
        members = members.exclude(user=exclude_user)
    return [(p.pk, p.display_name, p.email, p.role.name if p.role else None) for p in members]


def test_members_are_the_orms_for_every_condition(make_team_org):
    org = make_team_org(people=3, skills=1)
    other_role = RoleFactory(audience=AudienceFactory())
    # Ties on the last name (then first name, then username decide), a member of another
    # audience, one without a role, an inactive one, and someone of another team.
    for first, last in (("Ann", "Same"), ("Bob", "Same"), ("", "")):
        user = UserFactory(first_name=first, last_name=last)
        PersonFactory(team=org.team, role=org.role, user=user)
    PersonFactory(team=org.team, role=other_role)
    PersonFactory(team=org.team, role=None)
    PersonFactory(team=org.team, role=org.role, is_active=False)
    PersonFactory(role=org.role)
    member = org.people[0].user
    for audience_id in (None, org.role.audience_id, other_role.audience_id):
        for exclude in (None, member):
            read = map_members(
                team_id=org.team.pk,
                audience_id=audience_id,
                exclude_user_id=exclude.pk if exclude else None,
            )
            assert [tuple(m) for m in read] == _orm_members(org.team, audience_id, exclude)
    assert len(map_members(team_id=org.team.pk, audience_id=None, exclude_user_id=None)) == 8


def test_skills_are_the_active_ones_in_the_frameworks_order(db):
    first, second = SkillCategoryFactory(order=2), SkillCategoryFactory(order=1)
    skills = [
        SkillFactory(category=first, order=1, name="B"),
        SkillFactory(category=first, order=1, name="A"),
        SkillFactory(category=second, order=5),
        SkillFactory(category=second, order=0),
    ]
    SkillFactory(category=second, is_active=False)
    mine = {skill.pk for skill in skills}
    read = [s for s in map_skills(relevant=None, category_id=None) if s.pk in mine]
    assert [s.pk for s in read] == [skills[3].pk, skills[2].pk, skills[1].pk, skills[0].pk]
    by_pk = {skill.pk: skill for skill in skills}
    for column in read:
        skill = by_pk[column.pk]
        assert (column.name, column.slug, column.order) == (skill.name, skill.slug, skill.order)
        category = skill.category
        assert tuple(column.category) == (category.pk, category.name, category.order)
    everything = {s.pk for s in map_skills(relevant=None, category_id=None)}
    assert everything == set(Skill.objects.filter(is_active=True).values_list("pk", flat=True))
    relevant = {skills[0].pk, skills[2].pk}
    assert [s.pk for s in map_skills(relevant=relevant, category_id=None)] == [
        skills[2].pk,
        skills[0].pk,
    ]
    assert [s.pk for s in map_skills(relevant=None, category_id=first.pk)] == [
        skills[1].pk,
        skills[0].pk,
    ]


def test_filter_choices_are_the_orms(db):
    AudienceFactory(name="Zed", order=1)
    AudienceFactory(name="Alpha", order=1)
    AudienceFactory(name="Early", order=0)
    everyone = Audience.objects.filter(is_everyone=True).first() or AudienceFactory(
        name="Everyone", is_everyone=True
    )
    SkillCategoryFactory(name="Later", order=3)
    SkillCategoryFactory(name="First", order=1)
    choices = map_filter_choices()
    assert choices.audiences == list(
        Audience.objects.filter(is_everyone=False).values_list("pk", "name")
    )
    assert choices.categories == list(SkillCategory.objects.values_list("pk", "name"))
    assert everyone.pk not in {pk for pk, _ in choices.audiences}
    assert len(choices.audiences) >= 3
