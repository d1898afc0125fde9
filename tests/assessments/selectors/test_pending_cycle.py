"""``person_pending_cycle`` (the layout's banner) in one statement: the same rule as
``open_cycles_by_person`` (``cycle_scope``) for every kind of scope, person by person."""

import datetime as dt

import pytest
from django.utils import timezone

from assessments.models import AssessmentSubmission
from assessments.selectors.cycles import person_pending_cycle
from assessments.selectors.scope import open_cycles_by_person
from readiness.models import Audience, Person
from tests.factories import (
    AssessmentCycleFactory,
    AudienceFactory,
    PersonFactory,
    RoleFactory,
    TeamFactory,
    UserFactory,
)
from tests.orgs import clear_framework

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    """Engineering ⊃ Platform, and Sales; people of each kind the scope rules tell apart."""
    clear_framework()
    engineering = TeamFactory(name="Engineering")
    platform = TeamFactory(name="Platform", parent=engineering)
    sales = TeamFactory(name="Sales")
    ops, devs = AudienceFactory(slug="ops"), AudienceFactory(slug="devs")
    everyone = Audience.objects.get(is_everyone=True)  # seeded
    in_ops, in_devs = RoleFactory(audience=ops), RoleFactory(audience=devs)
    people = {
        "eng": PersonFactory(team=engineering, role=in_ops),
        "platform": PersonFactory(team=platform, role=in_devs),
        "sales": PersonFactory(team=sales, role=in_ops),
        "loner": PersonFactory(team=None, role=None),
        "left": PersonFactory(team=engineering, role=in_ops, is_active=False),
        "done": PersonFactory(team=engineering, role=in_ops),
    }
    return {
        "teams": {"engineering": engineering, "platform": platform, "sales": sales},
        "audiences": {"ops": ops, "devs": devs, "everyone": everyone},
        "people": people,
    }


#: Each scope, and who it covers among the org's people ("done" has submitted: never pending).
SCOPES = {
    "nobody named: everybody": ({}, {"eng", "platform", "sales", "loner"}),
    "the Everyone audience": ({"audiences": ["everyone"]}, {"eng", "platform", "sales", "loner"}),
    "a role's audience": ({"audiences": ["ops"]}, {"eng", "sales"}),
    "a team with its sub-teams": ({"teams": ["engineering"]}, {"eng", "platform"}),
    "a team alone": ({"teams": ["engineering"], "include_subteams": False}, {"eng"}),
    "a sub-team": ({"teams": ["platform"]}, {"platform"}),
    "an audience or a team": ({"audiences": ["devs"], "teams": ["sales"]}, {"platform", "sales"}),
}


@pytest.mark.parametrize("scope", SCOPES)
def test_the_banner_follows_the_scope_rule_for_everyone(org, scope):
    spec, covered = SCOPES[scope]
    today = timezone.localdate()
    cycle = AssessmentCycleFactory(
        opens_on=today - dt.timedelta(days=3),
        due_on=today + dt.timedelta(days=3),
        include_subteams=spec.get("include_subteams", True),
    )
    cycle.audiences.set(org["audiences"][name] for name in spec.get("audiences", []))
    cycle.teams.set(org["teams"][name] for name in spec.get("teams", []))
    AssessmentSubmission.objects.create(person=org["people"]["done"], cycle=cycle, kind="full")
    reference = open_cycles_by_person(people=Person.objects.all(), today=today)
    for name, person in org["people"].items():
        pending = person_pending_cycle(user=person.user, today=today)
        assert pending == reference.get(person.pk), name
        assert (pending == cycle) is (name in covered), name
    assert person_pending_cycle(user=UserFactory(), today=today) is None  # no person record


def test_the_earliest_due_open_cycle_comes_first(org):
    today = timezone.localdate()
    eng = org["people"]["eng"]

    def cycle(due_in: int, **extra):  # noqa: ANN202
        return AssessmentCycleFactory(
            opens_on=extra.pop("opens_on", today), due_on=today + dt.timedelta(days=due_in), **extra
        )

    cycle(1, status="closed")
    cycle(2, opens_on=today + dt.timedelta(days=1))  # not open yet
    later, first, tie = cycle(9), cycle(5), cycle(5)
    assert person_pending_cycle(user=eng.user, today=today) == first
    AssessmentSubmission.objects.create(person=eng, cycle=first, kind="full")
    assert person_pending_cycle(user=eng.user, today=today) == tie
    AssessmentSubmission.objects.create(person=eng, cycle=tie, kind="full")
    assert person_pending_cycle(user=eng.user, today=today) == later
