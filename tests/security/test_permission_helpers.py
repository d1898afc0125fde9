"""The functions that decide who may do what, called directly (the views and the API call them;
the matrix in test_permission_matrix.py checks them through every URL). The two services that
decide a permission themselves — the team grid's ratings and the team's assignments — are called
as every user who must be refused: PermissionDenied, and nothing written."""

import dataclasses
import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from assessments.models import LearningPlanItem, SkillRating
from assessments.selectors import skill_states
from assessments.selectors.cycles import cycle_viewer
from assessments.selectors.plans import (
    concern_can_triage,
    plan_can_create,
    plan_can_edit,
    plan_can_view,
    plans_visible_to,
)
from assessments.selectors.teams import state_version, team_can_edit, teams_readable_by
from assessments.services.teams import CellEdit, team_ratings_record, team_resource_assign
from readiness.concerns import (
    concern_shows_raiser,
)
from readiness.models import Concern, Person
from readiness.permissions import (
    CURATORS_GROUP,
    LEADERSHIP_GROUP,
    PersonaFlags,
    forget_persona,
    is_admin,
    is_curator,
    is_leadership,
    is_manager,
    persona_flags,
)
from tests.factories import (
    PersonFactory,
    ReadinessPlanFactory,
    ResourceSkillFactory,
    TeamFactory,
    TrainingResourceFactory,
    UserFactory,
)
from tests.orgs import clear_framework, leadership_user

pytestmark = pytest.mark.django_db


def _in_group(user, name: str):  # noqa: ANN001, ANN202
    user.groups.add(Group.objects.get_or_create(name=name)[0])
    forget_persona(user)
    return user


# --- Persona flags -------------------------------------------------------------------------


def test_persona_flags_of_each_kind_of_user():
    team = TeamFactory()
    employee = PersonFactory(team=team).user
    manager = UserFactory()
    team.managers.add(manager)
    curator = _in_group(PersonFactory().user, CURATORS_GROUP)
    leader = _in_group(UserFactory(), LEADERSHIP_GROUP)
    admin = UserFactory(is_superuser=True, is_staff=True)
    staff_only = UserFactory(is_staff=True)
    assert persona_flags(AnonymousUser()) == PersonaFlags(False, False, False, False, False)
    assert persona_flags(employee) == PersonaFlags(False, False, False, False, True)
    assert persona_flags(manager) == PersonaFlags(False, False, False, True, False)
    assert persona_flags(curator) == PersonaFlags(False, False, True, False, True)
    assert persona_flags(leader) == PersonaFlags(False, True, False, False, False)
    # An admin is leadership and curator too, but manages nothing by being an admin.
    assert persona_flags(admin) == PersonaFlags(True, True, True, False, False)
    assert persona_flags(staff_only) == PersonaFlags(False, False, False, False, False)
    table = {
        user: (is_admin(user), is_leadership(user), is_curator(user), is_manager(user))
        for user in (employee, manager, curator, leader, admin, staff_only)
    }
    assert table == {
        employee: (False, False, False, False),
        manager: (False, False, False, True),
        curator: (False, False, True, False),
        leader: (False, True, False, False),
        admin: (True, True, True, False),
        staff_only: (False, False, False, False),
    }
    anonymous = AnonymousUser()
    assert not any(f(anonymous) for f in (is_admin, is_leadership, is_curator, is_manager))


def test_persona_flags_of_a_user_without_a_row_are_all_false():
    """A user object whose row is gone (deleted mid-session): nothing, not even an error."""
    ghost = get_user_model()(pk=999_999, username="ghost")
    assert persona_flags(ghost) == PersonaFlags(False, False, False, False, False)


def test_persona_flags_are_immutable():
    """The flags are kept on the user and in the cache, shared between requests: frozen, and
    slotted (an organization-wide page asks for them for every row)."""
    flags = persona_flags(PersonFactory().user)
    with pytest.raises(dataclasses.FrozenInstanceError):
        flags.leadership = True  # type: ignore[misc]
    assert not hasattr(flags, "__dict__")


@pytest.mark.usefixtures("seed_content")
def test_the_group_names_are_the_seeded_groups():
    """The groups the data migrations create (and curators get their permissions through)."""
    assert set(Group.objects.values_list("name", flat=True)) >= {LEADERSHIP_GROUP, CURATORS_GROUP}
    assert Group.objects.get(name=CURATORS_GROUP).permissions.exists()


def test_persona_flags_are_read_once_per_request_and_forgotten_on_demand(
    django_assert_num_queries,
):
    user = PersonFactory().user
    assert persona_flags(user).leadership is False
    _in_group(user, LEADERSHIP_GROUP)  # (forgets the flags kept on the user object)
    with django_assert_num_queries(1):  # the cache may hold them: the data version, at most
        assert persona_flags(user).leadership is True
    with django_assert_num_queries(0):
        assert is_leadership(user) and not is_curator(user)


# --- Plans ---------------------------------------------------------------------------------


def test_plan_permissions_of_each_kind_of_user():
    owner = leadership_user()
    plan = ReadinessPlanFactory(owner=owner)
    other_leader = leadership_user()
    admin = UserFactory(is_superuser=True, is_staff=True)
    outside_owner = UserFactory()
    own_plan = ReadinessPlanFactory(owner=outside_owner)
    employee = PersonFactory().user
    manager = UserFactory()
    TeamFactory().managers.add(manager)
    rows = {
        "owner": (owner, (True, True, True)),
        "other leader": (other_leader, (True, False, True)),
        "admin": (admin, (True, True, True)),
        "owner outside leadership": (outside_owner, (False, False, False)),
        "employee": (employee, (False, False, False)),
        "manager": (manager, (False, False, False)),
    }
    for who, (user, expected) in rows.items():
        got = (
            plan_can_view(user=user, plan=plan),
            plan_can_edit(user=user, plan=plan),
            plan_can_create(user=user),
        )
        assert got == expected, who
    assert plan_can_view(user=outside_owner, plan=own_plan)
    assert plan_can_edit(user=outside_owner, plan=own_plan)
    assert set(plans_visible_to(user=other_leader)) == {plan, own_plan}
    assert set(plans_visible_to(user=outside_owner)) == {own_plan}
    assert set(plans_visible_to(user=employee)) == set()


def test_concern_triage_and_raiser_visibility():
    owner = leadership_user()
    plan = ReadinessPlanFactory(owner=owner)
    assignee = leadership_user()
    assigned_outsider = UserFactory()  # assigned, but may not read the plan
    raiser = PersonFactory().user
    concern = Concern.objects.create(
        plan=plan,
        category="ethics",
        text="?",
        raised_by=raiser,
        owner=assignee,
        anonymous_to_manager=True,
    )
    outsiders = Concern.objects.create(
        plan=plan, category="ethics", text="?", raised_by=raiser, owner=assigned_outsider
    )
    other_leader = leadership_user()
    assert concern_can_triage(user=owner, plan=plan, concern=concern)
    assert concern_can_triage(user=assignee, plan=plan, concern=concern)
    assert not concern_can_triage(user=other_leader, plan=plan, concern=concern)
    assert not concern_can_triage(user=raiser, plan=plan, concern=concern)
    assert not concern_can_triage(user=assigned_outsider, plan=plan, concern=outsiders)
    # Raised anonymously to managers: only leadership sees who raised it.
    assert concern_shows_raiser(user=other_leader, concern=concern)
    assert not concern_shows_raiser(user=assigned_outsider, concern=concern)
    assert concern_shows_raiser(user=assigned_outsider, concern=outsiders)


# --- Cycles --------------------------------------------------------------------------------


def test_cycle_viewer_of_each_kind_of_user():
    team = TeamFactory()
    manager = UserFactory()
    team.managers.add(manager)
    leader = cycle_viewer(user=leadership_user())
    assert leader is not None and leader.can_manage and leader.people() is None
    managing = cycle_viewer(user=manager)
    assert managing is not None and not managing.can_manage
    member = PersonFactory(team=team)
    assert list(managing.people()) == [member]
    assert cycle_viewer(user=PersonFactory().user) is None
    assert cycle_viewer(user=_in_group(UserFactory(), CURATORS_GROUP)) is None


# --- Teams: the helper, then the two services as every refused user ------------------------


@pytest.fixture
def org(make_team_org):
    clear_framework(skills=True)
    return make_team_org(people=2, skills=2)


@pytest.fixture
def refused(make_team_org, org) -> dict:  # noqa: ANN001
    """Everyone who must not change ``org.team``: each kind, including those who may read it."""
    parent_manager = UserFactory()
    org.team.parent = TeamFactory()
    org.team.save()
    org.team.parent.managers.add(parent_manager)
    other = make_team_org(people=1, skills=1, rated=False)
    return {
        "member": org.people[0].user,
        "manager of another team": other.manager,
        "manager of the parent team": parent_manager,  # reads the team, does not change it
        "leadership": leadership_user(),
        "curator": _in_group(PersonFactory().user, CURATORS_GROUP),
        "staff (not superuser)": UserFactory(is_staff=True),
    }


def test_team_can_edit_only_for_its_managers_and_admins(org, refused):
    for who, user in refused.items():
        assert not team_can_edit(user=user, team=org.team), who
    assert team_can_edit(user=org.manager, team=org.team)
    assert team_can_edit(user=UserFactory(is_superuser=True), team=org.team)
    # Reading is wider than changing: the parent's manager and leadership read the team.
    for who in ("manager of the parent team", "leadership"):
        assert org.team in teams_readable_by(user=refused[who]), who


def _edit(org, level: int) -> CellEdit:  # noqa: ANN001
    person, skill = org.people[0], org.skills[1]
    state = {(s.person_id, s.skill_id): s for s in skill_states(people=Person.objects.all())}
    return CellEdit(
        person.pk, skill.pk, level, seen_version=state_version(state.get((person.pk, skill.pk)))
    )


def test_team_ratings_record_refuses_every_user_but_the_teams_managers(org, refused):
    edit = _edit(org, 4)  # a fresh edit: the team's manager would record it (below)
    before = SkillRating.objects.count()
    for who, user in refused.items():
        with pytest.raises(PermissionDenied):
            team_ratings_record(manager=user, team=org.team, edits=[edit])
        assert SkillRating.objects.count() == before, who
    result = team_ratings_record(manager=org.manager, team=org.team, edits=[edit])
    assert result.ok and len(result.saved) == 1
    assert SkillRating.objects.count() == before + 1


def test_team_ratings_record_lets_an_admin_rate(org):
    result = team_ratings_record(
        manager=UserFactory(is_superuser=True), team=org.team, edits=[_edit(org, 4)]
    )
    assert len(result.saved) == 1


def test_team_resource_assign_refuses_every_user_but_the_teams_managers(org, refused):
    resource = TrainingResourceFactory()
    ResourceSkillFactory(resource=resource, skill=org.skills[0], level=3)
    due = timezone.localdate() + dt.timedelta(days=30)
    for who, user in refused.items():
        with pytest.raises(PermissionDenied):
            team_resource_assign(
                manager=user, team=org.team, resource=resource, people=org.people, due_date=due
            )
        assert not LearningPlanItem.objects.exists(), who
    result = team_resource_assign(
        manager=org.manager, team=org.team, resource=resource, people=org.people, due_date=due
    )
    assert len(result.created) == len(org.people) == LearningPlanItem.objects.count()
