"""/concerns/new/ and /concerns/mine/: any person raises a concern; it lands in the register of
the active readiness plan; each person sees their own with status and response."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from readiness.models import Concern
from readiness.services import concern_raise
from tests.factories import (
    ConcernFactory,
    PersonFactory,
    ReadinessPlanFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NEW = reverse("readiness:concern-create")
MINE = reverse("readiness:concern-mine")


def test_paths_are_part_of_the_contract():
    assert (NEW, MINE) == ("/concerns/new/", "/concerns/mine/")


def test_anonymous_is_sent_to_login(client):
    for response in (client.get(NEW), client.post(NEW, {}), client.get(MINE)):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert not Concern.objects.exists()


def test_form_says_who_sees_the_name(client):
    person = PersonFactory()
    client.force_login(person.user)
    body = client.get(NEW).content.decode()
    assert "Hide my name from my manager" in body
    assert "Leadership, who run the concerns register, still see your name" in body
    for label in (
        "Job impact",
        "Ethics and responsible AI",
        "Data privacy and security",
        "Skills and training",
        "Tools and access",
    ):
        assert label in body


def test_raising_a_concern_lands_in_the_newest_active_plan_with_the_team(client):
    today = dt.date(2026, 3, 1)
    ReadinessPlanFactory(
        status="active", start_date=today - dt.timedelta(days=90), target_date=today
    )
    newest = ReadinessPlanFactory(status="active", start_date=today, target_date=today)
    ReadinessPlanFactory(
        status="draft",
        start_date=today + dt.timedelta(days=5),
        target_date=today + dt.timedelta(days=5),
    )
    person = PersonFactory()
    client.force_login(person.user)
    response = client.post(
        NEW,
        {
            "category": "job_impact",
            "text": "  Will my role change when the assistant writes first drafts?  ",
            "impact": "People leave.",
            "addressable_by": "hr",
            "anonymous_to_manager": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == MINE
    concern = Concern.objects.get()
    assert concern.plan == newest and concern.team == person.team
    assert concern.raised_by == person.user and concern.anonymous_to_manager
    assert concern.text == "Will my role change when the assistant writes first drafts?"
    assert concern.status == "open" and concern.addressable_by == "hr"
    follow = client.get(MINE).content.decode()
    assert "Thank you: your concern is in the register" in follow
    assert "Will my role change" in follow and "name hidden from your manager" in follow


def test_no_active_plan_keeps_the_concern_without_plan():
    ReadinessPlanFactory(status="completed")
    user = UserFactory()  # not even a person: anyone signed in may raise one
    concern = concern_raise(user=user, category="ethics", text="Who checks the answers?")
    assert concern.plan is None and concern.team is None and not concern.anonymous_to_manager


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"category": "", "text": "Something"}, "category", "This field is required."),
        ({"category": "gossip", "text": "Something"}, "category", "Select a valid choice."),
        ({"category": "ethics", "text": "   "}, "text", "This field is required."),
        (
            {"category": "ethics", "text": "x", "addressable_by": "mars"},
            "addressable_by",
            "Select a valid choice.",
        ),
    ],
)
def test_invalid_input_is_refused_at_the_field(client, data, field, message):
    client.force_login(PersonFactory().user)
    response = client.post(NEW, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in errors[field][0]
    assert f'id="id_{field}"' in response.content.decode()
    assert not Concern.objects.exists()


def test_service_validates_like_the_form():
    with pytest.raises(ValidationError):
        concern_raise(user=UserFactory(), category="gossip", text="x")
    assert not Concern.objects.exists()


def test_mine_lists_only_my_concerns_with_status_and_response(client):
    me, other = PersonFactory(), PersonFactory(team=TeamFactory())
    ConcernFactory(
        raised_by=me.user,
        text="My own worry",
        status="addressed",
        response="We added a review step.",
    )
    ConcernFactory(raised_by=other.user, text="Someone else's worry")
    client.force_login(me.user)
    body = client.get(MINE).content.decode()
    assert "My own worry" in body and "Addressed" in body and "We added a review step." in body
    assert "Someone else&#x27;s worry" not in body and "Someone else's worry" not in body


def test_mine_is_empty_for_another_employee_and_a_manager_of_another_team(client):
    me = PersonFactory()
    ConcernFactory(raised_by=me.user, text="My own worry")
    other_manager = UserFactory()
    TeamFactory().managers.add(other_manager)
    for user in (PersonFactory().user, other_manager):
        client.force_login(user)
        body = client.get(MINE).content.decode()
        assert "My own worry" not in body
        assert "You have not raised any concern" in body


def test_concern_text_is_escaped(client):
    me = PersonFactory()
    ConcernFactory(raised_by=me.user, text="<img src=x onerror=alert(1)>")
    client.force_login(me.user)
    body = client.get(MINE).content.decode()
    assert "<img src=x" not in body and "&lt;img src=x" in body


def test_mine_query_count_is_constant(client, django_assert_num_queries):
    me = PersonFactory()
    plan = ReadinessPlanFactory()
    client.force_login(me.user)
    for count in (1, 12):
        ConcernFactory.create_batch(count, raised_by=me.user, plan=plan)
        # 1 session, 2 user, 3 count (pagination), 4 concerns with their plan,
        # 5 the cycle banner with the persona flags (the navigation, and whether to show the
        # "My readiness" tabs)
        with django_assert_num_queries(5):
            assert client.get(MINE).status_code == 200
