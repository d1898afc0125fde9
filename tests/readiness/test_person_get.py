"""``person_get``: the person of a signed-in user, with their user, team, role and audience,
read in one constant statement and built as ``select_related`` builds them."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from readiness.models import Person
from readiness.selectors import person_get
from tests.factories import PersonFactory, RoleFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def _values(instance: object) -> list:
    return [getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields]


def _as_the_orm_reads_it(person: Person) -> Person:
    return Person.objects.select_related("user", "team", "role", "role__audience").get(pk=person.pk)


def test_the_person_and_everything_a_page_shows_of_them_in_one_query(
    django_assert_num_queries,
):
    team = TeamFactory(parent=TeamFactory(), description="Builds <things> & more")
    person = PersonFactory(
        team=team,
        role=RoleFactory(description="Role text"),
        job_title="Engineer",
        start_date=dt.date(2024, 2, 29),
        external_id="E-1",
    )
    expected = _as_the_orm_reads_it(person)

    with django_assert_num_queries(1):
        found = person_get(user=person.user)
        # Read from what the statement loaded: no query more. The user is the caller's own.
        assert found.user is person.user
        assert found.user.person is found
        assert found.team.path == expected.team.path
        assert found.role.audience.name == expected.role.audience.name

    assert isinstance(found.start_date, dt.date)  # SQLite reads dates as text: converted
    assert isinstance(found.updated_at, dt.datetime) and found.updated_at.tzinfo is not None
    for ours, theirs in [
        (found, expected),
        (found.user, expected.user),
        (found.team, expected.team),
        (found.role, expected.role),
        (found.role.audience, expected.role.audience),
    ]:
        assert type(ours) is type(theirs)
        assert _values(ours) == _values(theirs)
        assert not ours._state.adding and ours._state.db == "default"


def test_a_person_without_team_or_role_has_none_cached(django_assert_num_queries):
    person = PersonFactory(team=None, role=None)

    with django_assert_num_queries(1):
        found = person_get(user=person.user)
        assert (found.pk, found.team, found.role) == (person.pk, None, None)


def test_a_user_without_a_person_has_none():
    PersonFactory()
    assert person_get(user=UserFactory()) is None
    assert person_get(user=AnonymousUser()) is None


def test_the_persona_flags_come_with_the_person(django_assert_num_queries):
    from django.contrib.auth.models import Group

    from readiness.permissions import LEADERSHIP_GROUP, forget_persona, persona_flags

    person = PersonFactory()
    user = person.user
    user.groups.add(Group.objects.get_or_create(name=LEADERSHIP_GROUP)[0])
    TeamFactory().managers.add(user)
    outsider = UserFactory()

    with django_assert_num_queries(1):
        person_get(user=user)
        flags = persona_flags(user)  # the navigation's: read with the person
    forget_persona(user)
    assert flags == persona_flags(user)  # as its own statement reads them
    assert (flags.leadership, flags.curator, flags.manager, flags.has_person) == (
        True,
        False,
        True,
        True,
    )
    with django_assert_num_queries(2):  # no person: the flags are read on their own
        assert person_get(user=outsider) is None
        assert not persona_flags(outsider).has_person
