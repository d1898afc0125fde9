"""Every plan page that takes a POST, posted with its real body (read from the form the allowed
user is shown) by every refused persona: 403 and nothing changed. The same POST by the allowed
user does change the plan, so "nothing changed" is a claim that can fail.

(test_plans_access.py checks who may open each page with GET.)"""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from readiness.models import Concern, GapRemedy, PlanGoal, PlanPartner, ReadinessPlan
from tests.html_forms import page_post_body

pytestmark = pytest.mark.django_db


def plan_rows() -> tuple:
    """Everything a plan page can change."""
    return tuple(
        list(model.objects.order_by("pk").values())
        for model in (ReadinessPlan, PlanGoal, PlanPartner, GapRemedy, Concern)
    )


def write_pages(w: dict) -> dict[str, tuple[str, str, dict]]:
    """name → (url, who may post: "create" or "edit", fields changed from the form's own)."""
    plan = w["plan"].pk
    later = (w["plan"].target_date + dt.timedelta(days=30)).isoformat()
    return {
        "create": (
            reverse("assessments:plan-create"),
            "create",
            {
                "name": "A new plan",
                "business_scenario": "Agents in support",
                "start_date": "2026-06-01",
                "target_date": "2026-12-01",
            },
        ),
        "edit": (reverse("assessments:plan-edit", args=[plan]), "edit", {"name": "Renamed"}),
        "goal-create": (
            reverse("assessments:plan-goal-create", args=[plan]),
            "edit",
            {
                "audience": str(w["goal"].audience_id),
                "target_share": "70",
                "due_date": later,
            },
        ),
        "goal-edit": (
            reverse("assessments:plan-goal-edit", args=[plan, w["goal"].pk]),
            "edit",
            {"target_share": "90"},
        ),
        "partner-create": (
            reverse("assessments:plan-partner-create", args=[plan]),
            "edit",
            {"name": "Vendor B", "contribution": "Labs"},
        ),
        "partner-edit": (
            reverse("assessments:plan-partner-edit", args=[plan, w["partner"].pk]),
            "edit",
            {"contribution": "More"},
        ),
        "remedy": (
            reverse("assessments:plan-remedy-edit", args=[plan, w["skill"].pk]),
            "edit",
            {"remedy": "hire"},
        ),
        "triage": (
            reverse("assessments:plan-concern-triage", args=[plan, w["concern"].pk]),
            "edit",
            {"status": "in_review"},
        ),
    }


# Who is refused each kind of write (test_plans_access.ALLOWED: GET).
REFUSED = {
    "create": ["manager", "employee"],
    "edit": ["leadership", "manager", "employee"],
}


def _body(w: dict, url: str, changes: dict) -> dict:
    viewer = Client()
    viewer.force_login(w["users"]["owner"])
    body = page_post_body(viewer, url)
    body.update({name: [value] for name, value in changes.items()})
    return body


@pytest.mark.parametrize(
    "name",
    [
        "create",
        "edit",
        "goal-create",
        "goal-edit",
        "partner-create",
        "partner-edit",
        "remedy",
        "triage",
    ],
)
def test_refused_personas_change_nothing_with_the_real_post(plan_org, name):
    url, kind, changes = write_pages(plan_org)[name]
    body = _body(plan_org, url, changes)
    before = plan_rows()
    for persona in REFUSED[kind]:
        client = Client()
        client.force_login(plan_org["users"][persona])
        response = client.post(url, body)
        assert response.status_code == 403, (name, persona, response.status_code)
        assert plan_rows() == before, (name, persona)
    # The same POST by the owner (allowed to create and to edit) changes the plan.
    owner = Client()
    owner.force_login(plan_org["users"]["owner"])
    response = owner.post(url, body)
    assert response.status_code == 302, (name, response.status_code)
    assert plan_rows() != before, name
