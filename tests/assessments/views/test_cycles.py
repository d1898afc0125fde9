"""Cycle pages: list, create, detail (completion per team, who is overdue), open, close and
freeze; each as leadership, admin, manager (read-only, their people only) and employee; the
banner; constant query counts."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.template import engines
from django.template.loader import get_template
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from assessments.context_processors import cycle_banner
from assessments.models import AssessmentCycle, AssessmentSubmission, CycleParticipation
from assessments.selectors.cycles import Completion
from readiness.permissions import LEADERSHIP_GROUP
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


@pytest.fixture(autouse=True)
def _blank(settings):
    clear_framework()


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def org():
    """Engineering ⊃ Platform (managed by `manager`), and Sales (someone else's)."""
    engineering = TeamFactory(name="Engineering")
    platform = TeamFactory(name="Platform", parent=engineering)
    sales = TeamFactory(name="Sales")
    manager = UserFactory(username="manager")
    platform.managers.add(manager)
    sales.managers.add(UserFactory(username="sales-boss"))
    return {"engineering": engineering, "platform": platform, "sales": sales, "manager": manager}


@pytest.fixture
def leader():
    user = UserFactory(username="leader")
    user.groups.add(Group.objects.get_or_create(name=LEADERSHIP_GROUP)[0])
    return user


@pytest.fixture
def admin_user_():
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def employee(org):
    return PersonFactory(user=UserFactory(username="employee"), team=org["platform"])


def banner_queries() -> int:
    """The queries of the cycle banner on a page while cycles are open: 0 until base.html
    includes it (the lead wires it in), then 1 (the open cycle in scope not submitted yet)."""
    source = get_template("base.html").template.source
    return 1 if "{% cycle_banner %}" in source else 0


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def team_cycle(*teams, today, **extra):
    cycle = AssessmentCycleFactory(
        opens_on=extra.pop("opens_on", today - dt.timedelta(days=10)),
        due_on=extra.pop("due_on", today - dt.timedelta(days=1)),
        **extra,
    )
    cycle.teams.set(teams)
    return cycle


def people(team, n, prefix):
    return [PersonFactory(team=team, user=UserFactory(username=f"{prefix}{i}")) for i in range(n)]


def submit(person, cycle):
    AssessmentSubmission.objects.create(person=person, cycle=cycle, kind="full")


# --- Access -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["assessments:cycle-list", "assessments:cycle-create"])
def test_anonymous_is_sent_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_employee_is_refused_everywhere(org, employee, today):
    cycle = team_cycle(org["platform"], today=today)
    client = client_for(employee.user)

    for url in (
        reverse("assessments:cycle-list"),
        reverse("assessments:cycle-create"),
        reverse("assessments:cycle-detail", args=[cycle.pk]),
        reverse("assessments:cycle-close", args=[cycle.pk]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("assessments:cycle-close", args=[cycle.pk])).status_code == 403
    assert client.post(reverse("assessments:cycle-create"), {"name": "x"}).status_code == 403


def test_manager_sees_only_cycles_reaching_their_people(org, today):
    tech = AudienceFactory(name="Tech")
    PersonFactory(team=org["platform"], role=RoleFactory(audience=tech))
    department = team_cycle(org["engineering"], today=today, name="Department, with sub-teams")
    department_only = team_cycle(
        org["engineering"], today=today, name="Department only", include_subteams=False
    )
    platform = team_cycle(org["platform"], today=today, name="Platform")
    sales = team_cycle(org["sales"], today=today, name="Sales")
    everyone = team_cycle(today=today, name="Everyone")
    by_audience = team_cycle(today=today, name="Tech audience")
    by_audience.audiences.add(tech)
    other_audience = team_cycle(today=today, name="Other audience")
    other_audience.audiences.add(AudienceFactory(name="Others"))
    draft = team_cycle(org["platform"], today=today, name="Draft", status="draft")
    client = client_for(org["manager"])

    html = client.get(reverse("assessments:cycle-list")).content.decode()

    for shown in (department, platform, everyone, by_audience):
        assert f'data-cycle="{shown.pk}"' in html, shown.name
    for hidden in (department_only, sales, other_audience, draft):
        assert f'data-cycle="{hidden.pk}"' not in html, hidden.name
        url = reverse("assessments:cycle-detail", args=[hidden.pk])
        assert client.get(url).status_code == 404
    assert "New cycle" not in html
    # Read-only: no creating, opening or closing.
    assert client.get(reverse("assessments:cycle-create")).status_code == 403
    close = reverse("assessments:cycle-close", args=[platform.pk])
    assert client.post(close).status_code == 403
    assert AssessmentCycle.objects.get(pk=platform.pk).status == "open"


@pytest.mark.parametrize("who", ["leader", "admin_user_"])
def test_leadership_and_admins_see_every_cycle(request, org, today, who):
    cycles = [team_cycle(org["sales"], today=today), team_cycle(today=today, status="draft")]
    client = client_for(request.getfixturevalue(who))

    html = client.get(reverse("assessments:cycle-list")).content.decode()

    assert all(f'data-cycle="{cycle.pk}"' in html for cycle in cycles)
    assert "New cycle" in html


# --- Create -----------------------------------------------------------------------------------


def test_leader_creates_a_cycle(org, leader, today):
    audience = AudienceFactory(name="Leaders")
    client = client_for(leader)
    assert client.get(reverse("assessments:cycle-create")).status_code == 200

    response = client.post(
        reverse("assessments:cycle-create"),
        {
            "name": "  Autumn   review ",
            "audiences": [audience.pk],
            "teams": [org["engineering"].pk],
            "include_subteams": "on",
            "opens_on": today.isoformat(),
            "due_on": (today + dt.timedelta(days=14)).isoformat(),
            "status": "open",
        },
    )

    cycle = AssessmentCycle.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:cycle-detail", args=[cycle.pk])
    assert cycle.name == "Autumn review" and cycle.status == "open" and cycle.include_subteams
    assert list(cycle.audiences.all()) == [audience]
    assert list(cycle.teams.all()) == [org["engineering"]]


def test_create_refuses_a_due_date_before_the_opening_or_in_the_past(leader, today):
    client = client_for(leader)
    data = {"name": "Bad", "status": "open", "opens_on": today.isoformat()}

    response = client.post(
        reverse("assessments:cycle-create"),
        {**data, "due_on": (today - dt.timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 400
    assert "The due date is in the past." in response.content.decode()
    response = client.post(
        reverse("assessments:cycle-create"),
        {
            **data,
            "opens_on": (today + dt.timedelta(days=9)).isoformat(),
            "due_on": (today + dt.timedelta(days=2)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "must not precede the opening date" in response.content.decode()
    assert not AssessmentCycle.objects.exists()


def test_state_changes_need_csrf(org, leader, today):
    cycle = team_cycle(org["platform"], today=today)
    client = Client(enforce_csrf_checks=True)
    client.force_login(leader)

    assert client.post(reverse("assessments:cycle-close", args=[cycle.pk])).status_code == 403
    assert client.post(reverse("assessments:cycle-create"), {"name": "x"}).status_code == 403
    assert AssessmentCycle.objects.get(pk=cycle.pk).status == "open"


# --- Detail -----------------------------------------------------------------------------------


def test_detail_shows_completion_per_team_and_who_is_overdue(org, leader, today):
    platform_people = people(org["platform"], 3, "p")
    head_people = people(org["engineering"], 2, "e")
    sales_people = people(org["sales"], 2, "s")
    cycle = team_cycle(org["engineering"], today=today)
    submit(platform_people[0], cycle)
    submit(head_people[0], cycle)
    submit(sales_people[0], cycle)  # not in scope: not counted
    AssessmentSubmission.objects.create(person=platform_people[1], kind="full")  # other cycle

    response = client_for(leader).get(reverse("assessments:cycle-detail", args=[cycle.pk]))

    assert response.status_code == 200
    rows = {row.label: row.completion for row in response.context["teams"]}
    assert {label: (c.submitted, c.in_scope) for label, c in rows.items()} == {
        "Engineering": (1, 2),
        "Engineering › Platform": (1, 3),
    }
    assert response.context["total"].percent == 40
    pending = {person.pk for person in response.context["pending"]}
    assert pending == {platform_people[1].pk, platform_people[2].pk, head_people[1].pk}
    html = response.content.decode()
    assert "Overdue" in html and "Close cycle" in html


def test_manager_detail_counts_only_their_people(org, today):
    mine = people(org["platform"], 2, "p")
    people(org["engineering"], 3, "e")
    cycle = team_cycle(org["engineering"], today=today)
    submit(mine[0], cycle)

    response = client_for(org["manager"]).get(reverse("assessments:cycle-detail", args=[cycle.pk]))

    assert response.status_code == 200
    assert [(r.label, r.completion.in_scope) for r in response.context["teams"]] == [
        ("Engineering › Platform", 2)
    ]
    assert [p.pk for p in response.context["pending"]] == [mine[1].pk]
    assert "Close cycle" not in response.content.decode()


def test_closing_freezes_the_cycle(org, leader, today):
    crew = people(org["platform"], 3, "p")
    cycle = team_cycle(org["engineering"], today=today)
    submit(crew[0], cycle)
    client = client_for(leader)
    assert client.get(reverse("assessments:cycle-close", args=[cycle.pk])).status_code == 200

    response = client.post(reverse("assessments:cycle-close", args=[cycle.pk]))

    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.status == "closed" and cycle.closed_at is not None
    assert CycleParticipation.objects.filter(cycle=cycle).count() == 3
    # Later events do not move a frozen cycle.
    submit(crew[1], cycle)
    crew[2].team = org["sales"]
    crew[2].save()
    people(org["platform"], 2, "late")
    detail = client.get(reverse("assessments:cycle-detail", args=[cycle.pk]))
    assert [
        (r.label, r.completion.submitted, r.completion.in_scope) for r in detail.context["teams"]
    ] == [("Engineering › Platform", 1, 3)]
    assert {p.person_id for p in detail.context["pending"]} == {crew[1].pk, crew[2].pk}
    assert "Closed on" in detail.content.decode()
    # Closing twice changes nothing.
    closed_at = cycle.closed_at
    client.post(reverse("assessments:cycle-close", args=[cycle.pk]))
    cycle.refresh_from_db()
    assert cycle.closed_at == closed_at


def test_manager_sees_frozen_figures_of_their_teams(org, leader, today):
    mine = people(org["platform"], 2, "p")
    people(org["engineering"], 2, "e")
    cycle = team_cycle(org["engineering"], today=today)
    submit(mine[0], cycle)
    client_for(leader).post(reverse("assessments:cycle-close", args=[cycle.pk]))

    response = client_for(org["manager"]).get(reverse("assessments:cycle-detail", args=[cycle.pk]))

    assert [(r.completion.submitted, r.completion.in_scope) for r in response.context["teams"]] == [
        (1, 2)
    ]


def test_a_draft_is_opened_by_post(org, leader, today):
    cycle = team_cycle(org["platform"], today=today, status="draft")
    client = client_for(leader)
    url = reverse("assessments:cycle-open", args=[cycle.pk])

    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    cycle.refresh_from_db()
    assert cycle.status == "open"


# --- Banner -----------------------------------------------------------------------------------


def banner_for(user):
    request = RequestFactory().get("/")
    request.user = user
    banner = engines["django"].from_string("{% load layout %}{% cycle_banner %}")
    return banner.render(cycle_banner(request), request)


def test_banner_for_people_in_scope_until_they_submit(org, employee, today):
    cycle = team_cycle(
        org["engineering"], today=today, name="Q3 review", due_on=today + dt.timedelta(days=5)
    )
    outsider = PersonFactory(team=org["sales"])

    html = banner_for(employee.user)
    assert "Q3 review" in html and reverse("assessments:my-assessment") in html
    assert "alert-info" in html
    assert "Q3 review" not in banner_for(outsider.user)
    assert banner_for(UserFactory()).strip() == ""  # no person record

    submit(employee, cycle)
    assert "Q3 review" not in banner_for(employee.user)


def test_banner_warns_once_past_due_and_ignores_closed_and_future_cycles(org, employee, today):
    team_cycle(org["platform"], today=today, name="Late one", due_on=today - dt.timedelta(days=2))
    team_cycle(org["platform"], today=today, name="Closed one", status="closed")
    team_cycle(
        org["platform"],
        today=today,
        name="Future one",
        opens_on=today + dt.timedelta(days=3),
        due_on=today + dt.timedelta(days=9),
    )

    html = banner_for(employee.user)

    assert "Late one" in html and "alert-warning" in html and "was due on" in html
    assert "Closed one" not in html and "Future one" not in html


def test_banner_reaches_the_pages(org, employee, today):
    team_cycle(org["platform"], today=today, name="Everywhere")
    response = client_for(employee.user).get(reverse("home"))
    assert response.context["pending_cycle"].name == "Everywhere"


def test_banner_query_count(org, employee, today, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = employee.user
    with django_assert_num_queries(1):  # the open cycles: none
        assert not cycle_banner(request)["pending_cycle"]
    team_cycle(org["platform"], today=today)
    team_cycle(org["sales"], today=today)
    # one statement: the open cycles in scope of the person, not submitted (was four: the open
    # cycles, their audiences, their teams, then the scope)
    with django_assert_num_queries(1):
        assert cycle_banner(request)["pending_cycle"]


# --- Query counts -----------------------------------------------------------------------------


def build(org, today, size):
    """``size`` cycles over Engineering with ``size`` people per team, half submitted."""
    crew = people(org["platform"], size, f"p{size}-") + people(
        org["engineering"], size, f"e{size}-"
    )
    cycles = [team_cycle(org["engineering"], today=today) for _ in range(size)]
    for cycle in cycles:
        for person in crew[::2]:
            submit(person, cycle)
    closed = team_cycle(org["engineering"], today=today)
    client_for(UserFactory(is_superuser=True)).post(
        reverse("assessments:cycle-close", args=[closed.pk])
    )
    return cycles


@pytest.mark.parametrize("size", [2, 6])
def test_list_queries_are_constant(org, leader, today, size, django_assert_num_queries):
    build(org, today, size)
    client = client_for(leader)

    # session, user, groups (leadership), count, the page of cycles (with plan), their
    # audiences, their teams, completion of the open cycles (one UNION), of the frozen ones;
    # and the banner.
    with django_assert_num_queries(9 + banner_queries()):
        response = client.get(reverse("assessments:cycle-list"))
    assert len(response.context["rows"]) == size + 1


@pytest.mark.parametrize("size", [2, 6])
def test_list_queries_for_a_manager(org, today, size, django_assert_num_queries):
    build(org, today, size)
    client = client_for(org["manager"])

    # As for leadership, plus the paths of the teams they manage.
    with django_assert_num_queries(10 + banner_queries()):
        response = client.get(reverse("assessments:cycle-list"))
    assert len(response.context["rows"]) == size + 1


@pytest.mark.parametrize("size", [3, 12])
def test_detail_queries_are_constant(org, leader, today, size, django_assert_num_queries):
    cycle = build(org, today, 1)[0]
    people(org["platform"], size, "more")
    people(TeamFactory(name="Data", parent=org["engineering"]), size, "data")
    client = client_for(leader)

    # session, user, groups, the cycle (with plan), its audiences, its teams; the counts per
    # team, the team names; the overdue people: count, page (with reminders); and the banner.
    with django_assert_num_queries(10 + banner_queries()):
        response = client.get(reverse("assessments:cycle-detail", args=[cycle.pk]))
    assert response.context["total"].in_scope == 2 + 2 * size
    assert len(response.context["teams"]) == 3


@pytest.mark.parametrize("size", [3, 12])
def test_manager_detail_queries_are_constant(org, today, size, django_assert_num_queries):
    cycle = build(org, today, 1)[0]
    people(org["platform"], size, "more")
    client = client_for(org["manager"])

    # As for leadership, plus the paths of the teams they manage.
    with django_assert_num_queries(11 + banner_queries()):
        response = client.get(reverse("assessments:cycle-detail", args=[cycle.pk]))
    assert response.context["total"].in_scope == 1 + size


def test_closing_in_the_admin_freezes_too(org, today):
    crew = people(org["platform"], 2, "p")
    cycle = team_cycle(org["engineering"], today=today, name="Admin-closed")
    submit(crew[0], cycle)
    client = client_for(UserFactory(username="root2", is_superuser=True, is_staff=True))

    response = client.post(
        reverse("admin:assessments_assessmentcycle_change", args=[cycle.pk]),
        {
            "name": cycle.name,
            "status": "closed",
            "opens_on": cycle.opens_on.isoformat(),
            "due_on": cycle.due_on.isoformat(),
            "teams": [org["engineering"].pk],
            "include_subteams": "on",
        },
    )

    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.closed_at is not None
    frozen = CycleParticipation.objects.filter(cycle=cycle)
    assert frozen.count() == 2 and frozen.filter(submitted_at__isnull=False).count() == 1


def test_a_cycle_closed_without_a_roster_counts_submissions_until_it_closed(org, leader, today):
    crew = people(org["platform"], 3, "p")
    closed_at = timezone.now() - dt.timedelta(days=2)
    cycle = team_cycle(org["engineering"], today=today, status="closed", closed_at=closed_at)
    AssessmentSubmission.objects.create(
        person=crew[0], cycle=cycle, kind="full", submitted_at=closed_at - dt.timedelta(days=1)
    )
    AssessmentSubmission.objects.create(person=crew[1], cycle=cycle, kind="full")  # too late

    client = client_for(leader)
    listed = client.get(reverse("assessments:cycle-list"))
    detail = client.get(reverse("assessments:cycle-detail", args=[cycle.pk]))

    assert {c: done for c, done, _ in listed.context["rows"]}[cycle] == Completion(1, 3)
    assert (detail.context["total"].submitted, detail.context["total"].in_scope) == (1, 3)
    assert "Did not submit" in detail.content.decode()


def test_overdue_people_are_paginated(org, leader, today):
    people(org["platform"], 53, "many")
    cycle = team_cycle(org["engineering"], today=today)
    client = client_for(leader)
    url = reverse("assessments:cycle-detail", args=[cycle.pk])

    first, second = client.get(url), client.get(url, {"page": 2})

    assert len(first.context["pending"].object_list) == 50
    assert len(second.context["pending"].object_list) == 3
    assert "Page 2 of 2" in second.content.decode()
