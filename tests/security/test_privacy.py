"""People leaving: deactivation, the personal data export and erasure."""

import datetime as dt
import json

import pytest
import time_machine
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from assessments.models import SkillRating
from assessments.privacy import person_erase, person_export
from assessments.reminders.run import reminders_send
from readiness.models import ApiToken, Concern
from tests.assessments.reminder_helpers import at
from tests.factories import (
    ConcernFactory,
    LearningPlanItemFactory,
    PersonFactory,
    SkillRatingFactory,
    UserFactory,
)
from tests.orgs import clear_framework
from tests.orgs.reminder import add_person

pytestmark = pytest.mark.django_db

ASSESSED = at(dt.date(2026, 1, 5), 9)


@pytest.fixture
def org(reminder_org, settings):
    clear_framework()
    settings.REASSESSMENT_INTERVAL_DAYS = 90
    settings.TIME_ZONE = "Europe/Paris"
    return reminder_org


# --- Deactivation -----------------------------------------------------------------------------


def test_a_person_who_leaves_gets_no_reminders_but_keeps_their_history(org, mailoutbox):
    ana = add_person(org, "ana", assessed_at=ASSESSED)
    add_person(org, "ben", assessed_at=ASSESSED)
    ratings_before = SkillRating.objects.filter(person=ana).count()

    ana.is_active = False
    ana.save()
    with time_machine.travel(at(dt.date(2026, 4, 6)), tick=False):
        reminders_send()

    assert [m.to[0] for m in mailoutbox] == ["ben@example.com"]
    assert SkillRating.objects.filter(person=ana).count() == ratings_before == 1


def test_a_person_who_leaves_disappears_from_the_team_page_but_not_from_the_admin(org, client):
    ana = add_person(org, "ana", assessed_at=ASSESSED)
    add_person(org, "ben", assessed_at=ASSESSED)
    ana.is_active = False
    ana.save()
    client.force_login(org.manager)

    page = client.get(reverse("assessments:team-detail", args=[org.team.pk])).content.decode()

    assert "Ben" in page
    assert "Ana Tester" not in page
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    history = client.get(reverse("assessments:person-history", args=[ana.pk]))
    assert history.status_code == 200


# --- Export -----------------------------------------------------------------------------------


def _leaver():
    person = PersonFactory(
        user__username="leaver",
        user__email="leaver@example.com",
        user__first_name="Lea",
        user__last_name="Ver",
        job_title="Prompt engineer",
    )
    SkillRatingFactory(
        person=person,
        level=3,
        note="Built the RAG pilot",
        evidence_url="https://git.example.com/rag",
    )
    SkillRatingFactory(person=person, level=1, source="manager")
    LearningPlanItemFactory(person=person)
    concern = ConcernFactory(raised_by=person.user, text="Who checks the answers?")
    ApiToken.objects.create(user=person.user, name="Laptop")
    return person, concern


def test_the_export_holds_everything_about_the_person_as_json():
    person, _concern = _leaver()

    data = json.loads(json.dumps(person_export(person=person)))

    assert data["format"] == "readiness-person" and data["version"] == 1
    assert data["user"]["email"] == "leaver@example.com"
    assert data["person"]["job_title"] == "Prompt engineer"
    assert sorted(r["level"] for r in data["ratings"]) == [1, 3]
    assert {r["note"] for r in data["ratings"]} == {"Built the RAG pilot", ""}
    assert len(data["learning_plan"]) == 1
    assert data["concerns_raised"][0]["text"] == "Who checks the answers?"
    assert data["api_tokens"][0]["name"] == "Laptop"
    assert "token_key" not in data["api_tokens"][0] and "digest" not in data["api_tokens"][0]


def test_the_export_command_prints_json_for_an_email(capsys):
    _leaver()

    call_command("person_export", "LEAVER@example.com")

    assert json.loads(capsys.readouterr().out)["user"]["username"] == "leaver"
    with pytest.raises(CommandError, match="No person"):
        call_command("person_export", "nobody@example.com")


def test_the_admin_exports_a_person_from_the_people_list(client):
    person, _concern = _leaver()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    response = client.post(
        reverse("admin:readiness_person_changelist"),
        {
            "action": "export_people_data",
            ACTION_CHECKBOX_NAME: [person.pk],
        },
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["user"]["email"] == "leaver@example.com"


# --- Erasure ----------------------------------------------------------------------------------


def _assert_erased(person, concern) -> None:
    user = get_user_model().objects.get(pk=person.user_id)
    assert user.username == f"erased-{user.pk}"
    assert (user.first_name, user.last_name, user.email) == ("", "", "")
    assert not user.has_usable_password() and not user.is_active
    person.refresh_from_db()
    assert person.is_active is False and person.job_title == ""
    ratings = SkillRating.objects.filter(person=person)
    assert sorted(r.level for r in ratings) == [1, 3]  # kept as anonymous statistics
    assert {(r.note, r.evidence_url) for r in ratings} == {("", "")}
    concern = Concern.objects.get(pk=concern.pk)
    assert concern.raised_by is None and concern.text == "Who checks the answers?"
    assert not ApiToken.objects.filter(user=user).exists()


def test_erasing_a_person_wipes_their_identity_and_keeps_anonymous_ratings():
    person, concern = _leaver()
    other = SkillRatingFactory(note="Someone else's note")

    person_erase(person=person)

    _assert_erased(person, concern)
    other = SkillRating.objects.get(pk=other.pk)
    assert other.note == "Someone else's note"


def test_an_erased_person_can_no_longer_sign_in(client, password):
    person, _concern = _leaver()

    person_erase(person=person)

    response = client.post(reverse("login"), {"username": "leaver", "password": password})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_the_erase_command_asks_nothing_with_no_input():
    person, concern = _leaver()

    call_command("person_erase", "leaver@example.com", "--no-input")

    _assert_erased(person, concern)


def test_the_admin_erases_after_a_confirmation_page(client):
    person, concern = _leaver()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    url = reverse("admin:readiness_person_changelist")

    confirm = client.post(url, {"action": "erase_people", ACTION_CHECKBOX_NAME: [person.pk]})

    assert confirm.status_code == 200
    assert "cannot be undone" in confirm.content.decode()
    assert get_user_model().objects.get(pk=person.user_id).username == "leaver"  # not yet

    done = client.post(
        url,
        {
            "action": "erase_people",
            ACTION_CHECKBOX_NAME: [person.pk],
            "confirm": "yes",
        },
    )

    assert done.status_code == 302
    _assert_erased(person, concern)
