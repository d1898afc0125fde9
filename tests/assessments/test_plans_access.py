"""Who may open and change each plan page: leadership reads every plan, the owner and admins
change it, a concern's assignee triages it; managers and employees are refused; anonymous
visitors are sent to sign in. Writes are POSTs with a CSRF token."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from readiness.models import Concern, GapRemedy, PlanGoal, PlanPartner
from tests.assessments.leadership_org import clear_framework, leadership_user
from tests.factories import (
    AudienceFactory,
    PersonFactory,
    ReadinessPlanFactory,
    SkillFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 1)


@pytest.fixture
def world():
    clear_framework()
    owner = leadership_user(username="owner")
    plan = ReadinessPlanFactory(owner=owner, start_date=TODAY, target_date=TODAY)
    skill = SkillFactory()
    goal = PlanGoal.objects.create(plan=plan, audience=AudienceFactory(), skill=skill,
                                   target_share=50, due_date=TODAY)
    partner = PlanPartner.objects.create(plan=plan, name="Vendor", contribution="Courses")
    GapRemedy.objects.create(plan=plan, skill=skill, remedy="train", deadline=TODAY)
    team = TeamFactory()
    manager = UserFactory(username="manager")
    team.managers.add(manager)
    employee = PersonFactory(team=team, user__username="employee")
    concern = Concern.objects.create(plan=plan, category="ethics", text="Who checks?",
                                     raised_by=employee.user, team=team)
    return {
        "plan": plan, "goal": goal, "partner": partner, "skill": skill, "concern": concern,
        "users": {
            "owner": owner,
            "admin": UserFactory(username="admin", is_superuser=True, is_staff=True),
            "leadership": leadership_user(username="leader"),
            "manager": manager,
            "employee": employee.user,
        },
    }


def pages(w: dict) -> dict[str, tuple[str, str]]:
    """name → (url, who may: "read" for leadership and owner, "edit" for owner and admin)."""
    plan = w["plan"].pk
    return {
        "list": (reverse("assessments:plan-list"), "read"),
        "create": (reverse("assessments:plan-create"), "create"),
        "detail": (reverse("assessments:plan-detail", args=[plan]), "read"),
        "report": (reverse("assessments:plan-report", args=[plan]), "read"),
        "edit": (reverse("assessments:plan-edit", args=[plan]), "edit"),
        "goal-create": (reverse("assessments:plan-goal-create", args=[plan]), "edit"),
        "goal-edit": (reverse("assessments:plan-goal-edit", args=[plan, w["goal"].pk]), "edit"),
        "partner-create": (reverse("assessments:plan-partner-create", args=[plan]), "edit"),
        "partner-edit": (reverse("assessments:plan-partner-edit",
                                 args=[plan, w["partner"].pk]), "edit"),
        "remedy": (reverse("assessments:plan-remedy-edit", args=[plan, w["skill"].pk]), "edit"),
        "triage": (reverse("assessments:plan-concern-triage",
                           args=[plan, w["concern"].pk]), "edit"),
    }


ALLOWED = {
    "owner": {"read", "edit", "create"},  # the owner is in Leadership too
    "admin": {"read", "edit", "create"},
    "leadership": {"read", "create"},
    "manager": set(),
    "employee": set(),
}


@pytest.mark.parametrize("persona", list(ALLOWED))
def test_every_page_for_every_persona(client, world, persona):
    client.force_login(world["users"][persona])
    for name, (url, needs) in pages(world).items():
        status = client.get(url).status_code
        expected = 200 if needs in ALLOWED[persona] else 403
        assert status == expected, (persona, name, status)


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    deletes = [
        reverse("assessments:plan-goal-delete", args=[world["plan"].pk, world["goal"].pk]),
        reverse("assessments:plan-partner-delete", args=[world["plan"].pk, world["partner"].pk]),
        reverse("assessments:plan-remedy-delete", args=[world["plan"].pk, world["skill"].pk]),
    ]
    for url in [url for url, _ in pages(world).values()] + deletes:
        for response in (client.get(url), client.post(url, {})):
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["leadership", "manager", "employee"])
def test_only_editors_delete(client, world, persona):
    client.force_login(world["users"][persona])
    plan = world["plan"].pk
    for url in (
        reverse("assessments:plan-goal-delete", args=[plan, world["goal"].pk]),
        reverse("assessments:plan-partner-delete", args=[plan, world["partner"].pk]),
        reverse("assessments:plan-remedy-delete", args=[plan, world["skill"].pk]),
    ):
        assert client.post(url).status_code == 403
    assert PlanGoal.objects.count() == PlanPartner.objects.count() == 1
    assert GapRemedy.objects.count() == 1


def test_deletes_are_posts_only(client, world):
    client.force_login(world["users"]["owner"])
    url = reverse("assessments:plan-goal-delete", args=[world["plan"].pk, world["goal"].pk])
    assert client.get(url).status_code == 405
    assert PlanGoal.objects.exists()


def test_writes_need_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["users"]["owner"])
    url = reverse("assessments:plan-goal-delete", args=[world["plan"].pk, world["goal"].pk])
    assert client.post(url).status_code == 403
    triage = reverse("assessments:plan-concern-triage",
                     args=[world["plan"].pk, world["concern"].pk])
    assert client.post(triage, {"status": "closed", "response": "x"}).status_code == 403
    assert PlanGoal.objects.exists()
    assert Concern.objects.get().status == "open"


def test_the_assignee_of_a_concern_triages_it_and_no_other(client, world):
    assignee = world["users"]["leadership"]
    concern = world["concern"]
    other = Concern.objects.create(plan=world["plan"], category="skills", text="Other")
    concern.owner = assignee
    concern.save()
    client.force_login(assignee)
    plan = world["plan"].pk
    assert client.get(reverse("assessments:plan-concern-triage",
                              args=[plan, concern.pk])).status_code == 200
    assert client.get(reverse("assessments:plan-concern-triage",
                              args=[plan, other.pk])).status_code == 403
    body = client.get(reverse("assessments:plan-detail", args=[plan])).content.decode()
    assert reverse("assessments:plan-concern-triage", args=[plan, concern.pk]) in body
    assert reverse("assessments:plan-concern-triage", args=[plan, other.pk]) not in body


def test_a_plan_owner_outside_leadership_sees_only_their_plans(client, world):
    outsider = UserFactory()
    mine = ReadinessPlanFactory(owner=outsider, name="Owned by an outsider")
    client.force_login(outsider)
    body = client.get(reverse("assessments:plan-list")).content.decode()
    assert "Owned by an outsider" in body and world["plan"].name not in body
    assert "New plan" not in body
    assert client.get(reverse("assessments:plan-detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("assessments:plan-edit", args=[mine.pk])).status_code == 200
    assert client.get(reverse("assessments:plan-detail",
                              args=[world["plan"].pk])).status_code == 403
    assert client.get(reverse("assessments:plan-create")).status_code == 403


def test_a_part_of_another_plan_is_not_found(client, world):
    other = ReadinessPlanFactory(owner=world["users"]["owner"])
    client.force_login(world["users"]["owner"])
    for name in ("plan-goal-edit", "plan-partner-edit"):
        pk = world["goal"].pk if "goal" in name else world["partner"].pk
        assert client.get(reverse(f"assessments:{name}", args=[other.pk, pk])).status_code == 404
    assert client.get(reverse("assessments:plan-concern-triage",
                              args=[other.pk, world["concern"].pk])).status_code == 404
