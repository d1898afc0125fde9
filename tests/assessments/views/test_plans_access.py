"""Who may open and change each plan page: leadership reads every plan, the owner and admins
change it, a concern's assignee triages it; managers and employees are refused; anonymous
visitors are sent to sign in. Writes are POSTs with a CSRF token."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from readiness.models import Concern, GapRemedy, PlanGoal, PlanPartner
from tests.factories import (
    ReadinessPlanFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 1)


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
        "partner-edit": (
            reverse("assessments:plan-partner-edit", args=[plan, w["partner"].pk]),
            "edit",
        ),
        "remedy": (reverse("assessments:plan-remedy-edit", args=[plan, w["skill"].pk]), "edit"),
        "triage": (
            reverse("assessments:plan-concern-triage", args=[plan, w["concern"].pk]),
            "edit",
        ),
    }


ALLOWED = {
    "owner": {"read", "edit", "create"},  # the owner is in Leadership too
    "admin": {"read", "edit", "create"},
    "leadership": {"read", "create"},
    "manager": set(),
    "employee": set(),
}


@pytest.mark.parametrize("persona", list(ALLOWED))
def test_every_page_for_every_persona(client, plan_org, persona):
    client.force_login(plan_org["users"][persona])
    for name, (url, needs) in pages(plan_org).items():
        status = client.get(url).status_code
        expected = 200 if needs in ALLOWED[persona] else 403
        assert status == expected, (persona, name, status)


def test_anonymous_visitors_are_sent_to_sign_in(client, plan_org):
    plan = plan_org["plan"].pk
    deletes = [
        reverse("assessments:plan-goal-delete", args=[plan, plan_org["goal"].pk]),
        reverse("assessments:plan-partner-delete", args=[plan, plan_org["partner"].pk]),
        reverse("assessments:plan-remedy-delete", args=[plan, plan_org["skill"].pk]),
    ]
    for url in [url for url, _ in pages(plan_org).values()] + deletes:
        for response in (client.get(url), client.post(url, {})):
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["leadership", "manager", "employee"])
def test_only_editors_delete(client, plan_org, persona):
    client.force_login(plan_org["users"][persona])
    plan = plan_org["plan"].pk
    for url in (
        reverse("assessments:plan-goal-delete", args=[plan, plan_org["goal"].pk]),
        reverse("assessments:plan-partner-delete", args=[plan, plan_org["partner"].pk]),
        reverse("assessments:plan-remedy-delete", args=[plan, plan_org["skill"].pk]),
    ):
        assert client.post(url).status_code == 403
    assert PlanGoal.objects.count() == PlanPartner.objects.count() == 1
    assert GapRemedy.objects.count() == 1


def test_deletes_are_posts_only(client, plan_org):
    client.force_login(plan_org["users"]["owner"])
    url = reverse("assessments:plan-goal-delete", args=[plan_org["plan"].pk, plan_org["goal"].pk])
    assert client.get(url).status_code == 405
    assert PlanGoal.objects.exists()


def test_writes_need_the_csrf_token(plan_org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(plan_org["users"]["owner"])
    url = reverse("assessments:plan-goal-delete", args=[plan_org["plan"].pk, plan_org["goal"].pk])
    assert client.post(url).status_code == 403
    triage = reverse(
        "assessments:plan-concern-triage", args=[plan_org["plan"].pk, plan_org["concern"].pk]
    )
    assert client.post(triage, {"status": "closed", "response": "x"}).status_code == 403
    assert PlanGoal.objects.exists()
    assert Concern.objects.get().status == "open"


def test_the_assignee_of_a_concern_triages_it_and_no_other(client, plan_org):
    assignee = plan_org["users"]["leadership"]
    concern = plan_org["concern"]
    other = Concern.objects.create(plan=plan_org["plan"], category="skills", text="Other")
    concern.owner = assignee
    concern.save()
    client.force_login(assignee)
    plan = plan_org["plan"].pk
    assert (
        client.get(reverse("assessments:plan-concern-triage", args=[plan, concern.pk])).status_code
        == 200
    )
    assert (
        client.get(reverse("assessments:plan-concern-triage", args=[plan, other.pk])).status_code
        == 403
    )
    body = client.get(reverse("assessments:plan-detail", args=[plan])).content.decode()
    assert reverse("assessments:plan-concern-triage", args=[plan, concern.pk]) in body
    assert reverse("assessments:plan-concern-triage", args=[plan, other.pk]) not in body


def test_a_plan_owner_outside_leadership_sees_only_their_plans(client, plan_org):
    outsider = UserFactory()
    mine = ReadinessPlanFactory(owner=outsider, name="Owned by an outsider")
    client.force_login(outsider)
    body = client.get(reverse("assessments:plan-list")).content.decode()
    assert "Owned by an outsider" in body and plan_org["plan"].name not in body
    assert "New plan" not in body
    assert client.get(reverse("assessments:plan-detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("assessments:plan-edit", args=[mine.pk])).status_code == 200
    assert (
        client.get(reverse("assessments:plan-detail", args=[plan_org["plan"].pk])).status_code
        == 403
    )
    assert client.get(reverse("assessments:plan-create")).status_code == 403


def test_a_part_of_another_plan_is_not_found(client, plan_org):
    other = ReadinessPlanFactory(owner=plan_org["users"]["owner"])
    client.force_login(plan_org["users"]["owner"])
    for name in ("plan-goal-edit", "plan-partner-edit"):
        pk = plan_org["goal"].pk if "goal" in name else plan_org["partner"].pk
        assert client.get(reverse(f"assessments:{name}", args=[other.pk, pk])).status_code == 404
    assert (
        client.get(
            reverse("assessments:plan-concern-triage", args=[other.pk, plan_org["concern"].pk])
        ).status_code
        == 404
    )
