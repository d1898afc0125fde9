"""API of Open Badges: an employee uploads their own (multipart file or JSON body) and lists
them; curators list the queue and create a rule that maps the waiting badges; everyone else
is refused."""

import base64
import json

import pytest
from django.urls import reverse

from assessments.learning_records.models import BadgeAward, BadgeRule
from tests.api.conftest import problem_of
from tests.assessments.badge_issuer import bake_png
from tests.factories import TrainingResourceFactory

pytestmark = pytest.mark.django_db
MINE = reverse("api:me-badge-list")
WAITING = reverse("api:badges-waiting")
RULES = reverse("api:badge-rule-list")


def test_an_employee_uploads_a_baked_png_and_lists_it(api, org, badge_issuer) -> None:
    client = api("employee")
    assertion = badge_issuer.ob2_hosted(org.employee.user.email)
    baked = base64.b64encode(bake_png(json.dumps(assertion))).decode()
    response = client.post(MINE, {"file": baked})
    assert response.status_code == 201, response.content
    assert response["Location"].endswith(MINE)
    body = response.json()
    assert (body["status"], body["verification"], body["recipient_matched"]) == (
        "waiting",
        "hosted",
        True,
    )
    listed = client.get(MINE).json()
    assert [b["name"] for b in listed["results"]] == ["Prompt Engineering Basics"]
    assert api("outsider").get(MINE).json()["results"] == []


def test_a_json_body_and_the_same_badge_twice(api, org, badge_issuer) -> None:
    client = api("employee")
    credential = badge_issuer.ob3_credential(org.employee.user.email)
    token = badge_issuer.ob3_jwt(credential)
    assert client.post(MINE, {"credential": token}).status_code == 201
    again = client.post(MINE, {"credential": token})
    assert again.status_code == 200 and BadgeAward.objects.count() == 1
    hosted = badge_issuer.ob2_hosted(org.employee.user.email)
    assert client.post(MINE, {"credential": hosted}).status_code == 201


def test_a_refused_badge_says_why_at_file(api, org, badge_issuer) -> None:
    assertion = badge_issuer.ob2_hosted("someone.else@example.com")
    problem = problem_of(api("employee").post(MINE, {"credential": assertion}), 400)
    assert "issued to someone else" in json.dumps(problem)
    problem_of(api("employee").post(MINE, {}), 400)
    problem_of(api("employee").post(MINE, {"credential": "x", "recipient": "y"}), 400)
    problem_of(api("employee").post(MINE, {"file": "not base64!"}), 400)
    assert not BadgeAward.objects.exists()


def test_curators_list_the_queue_and_create_a_rule(api, org, badge_issuer) -> None:
    assertion = badge_issuer.ob2_hosted(org.employee.user.email)
    api("employee").post(MINE, {"credential": assertion})
    curator = api("curator")
    (waiting,) = curator.get(WAITING).json()["results"]
    assert waiting["awards"] == 1
    resource = TrainingResourceFactory()
    refused = curator.post(
        RULES, {"issuer_id": waiting["issuer_id"], "badge_class_id": waiting["badge_class_id"]}
    )
    problem_of(refused, 400)
    response = curator.post(
        RULES,
        {
            "issuer_id": waiting["issuer_id"],
            "badge_class_id": waiting["badge_class_id"],
            "resource": resource.pk,
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["mapped"] == 1
    assert curator.get(WAITING).json()["results"] == []
    assert curator.get(RULES).json()["results"][0]["resource"] == resource.pk
    assert api("employee").get(MINE).json()["results"][0]["status"] == "mapped"


@pytest.mark.parametrize("persona", ["employee", "manager", "lead"])
def test_others_are_refused_the_curators_endpoints(api, persona) -> None:
    problem_of(api(persona).get(WAITING), 403)
    problem_of(api(persona).get(RULES), 403)
    problem_of(api(persona).post(RULES, {"issuer_id": "a", "badge_class_id": "b"}), 403)
    assert not BadgeRule.objects.exists()


def test_anonymous_is_refused(api) -> None:
    assert api(None).get(MINE).status_code == 401
    assert api(None).post(MINE, {"credential": "x"}).status_code == 401
    assert api(None).get(WAITING).status_code == 401
