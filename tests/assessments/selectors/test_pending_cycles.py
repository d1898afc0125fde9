"""``scope.pending_cycle_and_last_submission`` (one person, one statement: what ``/me/`` and
the person page read) equals ``open_cycles_by_person`` (``cycle_scope`` per cycle) for every
kind of scope: none, a team with or without its sub-teams, an audience, Everyone, both, an
inactive person, a person with no role or no team, a submission made; and it carries the last
submission."""

import datetime as dt

import pytest

from assessments.models import AssessmentCycle, AssessmentSubmission
from assessments.selectors import open_cycles_by_person
from assessments.selectors.scope import pending_cycle_and_last_submission
from readiness.models import Audience, Person
from tests.factories import AudienceFactory, PersonFactory, RoleFactory, TeamFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def org() -> dict:
    """Teams root > child, and other; audiences A and B (and Everyone); five people."""
    root = TeamFactory(name="root")
    child = TeamFactory(name="child", parent=root)
    other = TeamFactory(name="other")
    audience_a, audience_b = AudienceFactory(slug="a"), AudienceFactory(slug="b")
    everyone = Audience.objects.filter(is_everyone=True).first() or AudienceFactory(
        slug="everyone", is_everyone=True
    )
    people = {
        "child_a": PersonFactory(team=child, role=RoleFactory(audience=audience_a)),
        "root_b": PersonFactory(team=root, role=RoleFactory(audience=audience_b)),
        "other_no_role": PersonFactory(team=other, role=None),
        "no_team_a": PersonFactory(team=None, role=RoleFactory(audience=audience_a)),
        "inactive_child_a": PersonFactory(
            team=child, role=RoleFactory(audience=audience_a), is_active=False
        ),
    }
    return {
        "teams": {"root": root, "child": child, "other": other},
        "audiences": {"a": audience_a, "b": audience_b, "everyone": everyone},
        "people": people,
    }


SCOPES = {
    # name: (teams, audiences, include sub-teams, who is covered)
    "everybody": ((), (), True, {"child_a", "root_b", "other_no_role", "no_team_a"}),
    "root with sub-teams": (("root",), (), True, {"child_a", "root_b"}),
    "root alone": (("root",), (), False, {"root_b"}),
    "child": (("child",), (), False, {"child_a"}),
    "audience a": ((), ("a",), True, {"child_a", "no_team_a"}),
    "Everyone": ((), ("everyone",), True, {"child_a", "root_b", "other_no_role", "no_team_a"}),
    "audience b or team other": (("other",), ("b",), True, {"root_b", "other_no_role"}),
    "audience b or root alone": (("root",), ("b",), False, {"root_b"}),
}


def _cycle(org: dict, teams, audiences, subteams: bool, due_in: int = 5) -> AssessmentCycle:
    cycle = AssessmentCycle.objects.create(
        name="C",
        status="open",
        opens_on=TODAY - dt.timedelta(days=10),
        due_on=TODAY + dt.timedelta(days=due_in),
        include_subteams=subteams,
    )
    cycle.teams.add(*(org["teams"][name] for name in teams))
    cycle.audiences.add(*(org["audiences"][name] for name in audiences))
    return cycle


def _pending(person: Person) -> AssessmentCycle | None:
    return pending_cycle_and_last_submission(person=person, today=TODAY)[0]


@pytest.mark.parametrize("scope", SCOPES)
def test_pending_cycle_is_the_one_cycle_scope_finds(org, scope):
    teams, audiences, subteams, covered = SCOPES[scope]
    cycle = _cycle(org, teams, audiences, subteams)
    everyone = Person.objects.filter(pk__in=[p.pk for p in org["people"].values()])
    expected = open_cycles_by_person(people=everyone, today=TODAY)
    for name, person in org["people"].items():
        assert _pending(person) == expected.get(person.pk), name
        assert (_pending(person) == cycle) == (name in covered), name


def test_earliest_due_first_and_a_submission_ends_it(org):
    person = org["people"]["child_a"]
    later = _cycle(org, ("root",), (), True, due_in=9)
    sooner = _cycle(org, (), ("a",), True, due_in=2)
    assert _pending(person) == sooner
    at = dt.datetime(2026, 6, 14, 9, 30, tzinfo=dt.UTC)
    AssessmentSubmission.objects.create(
        person=person, cycle=sooner, kind="full", submitted_at=at - dt.timedelta(days=1)
    )
    assert _pending(person) == later
    AssessmentSubmission.objects.create(
        person=person, cycle=later, kind="quick_review", submitted_at=at
    )
    AssessmentSubmission.objects.create(
        person=person, kind="full", submitted_at=at - dt.timedelta(days=3)
    )
    assert pending_cycle_and_last_submission(person=person, today=TODAY) == (None, at)
    other = org["people"]["root_b"]
    assert pending_cycle_and_last_submission(person=other, today=TODAY) == (later, None)


def test_closed_and_not_yet_open_cycles_are_not_pending(org):
    person = org["people"]["child_a"]
    cycle = _cycle(org, (), (), True)
    AssessmentCycle.objects.filter(pk=cycle.pk).update(opens_on=TODAY + dt.timedelta(days=1))
    assert _pending(person) is None
    AssessmentCycle.objects.filter(pk=cycle.pk).update(opens_on=TODAY, status="closed")
    assert _pending(person) is None
