"""Bad input refused by the server with its message at the field, whatever the browser checks
(its pop-ups are a convenience, not the validation): the concern, goal and grid-editor forms;
long texts say their limit up front and are refused, never cut, when longer."""

import re

import pytest
from django.urls import reverse

from assessments.models import SkillRating
from assessments.services.me import self_assessment_version
from readiness.models import Concern, PlanGoal
from tests.factories import PersonFactory, ReadinessPlanFactory
from tests.orgs import clear_framework, leadership_user

pytestmark = pytest.mark.django_db


def field_error(body: str, field: str) -> str:
    """The text of crispy's error block under ``field``."""
    match = re.search(rf'<[^>]+id="error_\d+_id_{field}"[^>]*>(.*?)</(?:span|p|div)>', body, re.S)
    assert match, f"no error at the field {field}"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


# --- Concern ----------------------------------------------------------------------------------


def test_the_concern_form_says_its_limits_before_anything_is_cut(client):
    client.force_login(PersonFactory().user)
    body = client.get(reverse("readiness:concern-create")).content.decode()
    text = re.search(r'<textarea[^>]*name="text"[^>]*>', body).group(0)
    assert 'maxlength="4000"' in text
    assert "4,000 characters max." in body and "2,000 characters max." in body


def test_a_concern_longer_than_the_limit_is_refused_at_the_field_not_cut(client):
    client.force_login(PersonFactory().user)
    response = client.post(
        reverse("readiness:concern-create"), {"category": "ethics", "text": "x" * 4001}
    )
    assert response.status_code == 200
    assert "at most 4000 characters (it has 4001)" in field_error(response.content.decode(), "text")
    assert not Concern.objects.exists()


def test_a_concern_without_topic_or_text_gets_both_messages_at_their_fields(client):
    client.force_login(PersonFactory().user)
    body = client.post(reverse("readiness:concern-create"), {"category": "", "text": " "}).content
    body = body.decode()
    assert field_error(body, "category") == "This field is required."
    assert field_error(body, "text") == "This field is required."
    assert not Concern.objects.exists()


# --- Plan goal --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, field, message",
    [
        (
            {"target_share": "0", "due_date": "2027-01-01"},
            "target_share",
            "greater than or equal to 1",
        ),
        (
            {"target_share": "101", "due_date": "2027-01-01"},
            "target_share",
            "less than or equal to 100",
        ),
        ({"target_share": "50", "due_date": ""}, "due_date", "This field is required."),
        ({"target_share": "50", "due_date": "31/02/2027"}, "due_date", "Enter a valid date."),
    ],
)
def test_a_goal_with_bad_values_is_refused_at_the_field(client, data, field, message):
    lead = leadership_user()
    plan = ReadinessPlanFactory(owner=lead)
    client.force_login(lead)
    audience = PersonFactory().role.audience
    response = client.post(
        reverse("assessments:plan-goal-create", args=[plan.pk]),
        {"audience": audience.pk, "skill": "", **data},
    )
    assert response.status_code == 400
    assert message in field_error(response.content.decode(), field)
    assert not PlanGoal.objects.exists()


# --- Grid editor ------------------------------------------------------------------------------


def test_a_grid_cell_out_of_range_names_the_member_and_the_skill(make_team_org, client):
    clear_framework(skills=True)
    org = make_team_org(people=2, skills=2, rated=False)
    person, skill = org.people[1], org.skills[0]
    outsider = make_team_org(people=1, skills=1, rated=False).people[0]
    client.force_login(org.manager)

    response = client.post(
        reverse("assessments:team-edit", args=[org.team.pk]),
        {
            f"c-{person.pk}-{skill.pk}": "9",
            f"c-{org.people[0].pk}-{org.skills[1].pk}": "2",
            f"c-{outsider.pk}-{skill.pk}": "7",
        },
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert f"{person.display_name}, {skill.name}: “9” is not a level from 0 to 4." in body
    # Someone outside the team is not named, only numbered.
    assert outsider.display_name not in body
    assert f"Member {outsider.pk}, skill {skill.pk}: “7” is not a level" in body
    assert not SkillRating.objects.exists()  # the valid cell is not saved either


# --- Self-assessment note ---------------------------------------------------------------------


def test_a_self_assessment_note_says_its_limit_and_a_longer_one_is_refused(
    make_employee_org, client
):
    org = make_employee_org(skills=1)
    skill = org.skills[0]
    client.force_login(org.person.user)
    url = reverse("assessments:my-assessment")
    body = client.get(url).content.decode()
    assert re.search(rf'<textarea[^>]*name="s{skill.pk}-note"[^>]*maxlength="2000"', body)
    assert "2,000 characters max." in body
    before = SkillRating.objects.count()

    response = client.post(
        url,
        {
            "version": self_assessment_version(person=org.person),
            f"s{skill.pk}-level": 3,
            f"s{skill.pk}-note": "n" * 2001,
        },
    )

    assert response.status_code in (200, 400)
    assert "at most 2000 characters (it has 2001)" in field_error(
        response.content.decode(), f"s{skill.pk}-note"
    )
    assert SkillRating.objects.count() == before
