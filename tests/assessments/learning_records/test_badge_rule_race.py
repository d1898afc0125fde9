"""Two curators create the same badge rule at once: one rule, and the second curator is told
"has a rule already" at the badge field, on the page and in the API — never an error page.

These tests commit (``transaction=True``): the first curator's transaction stays open, the
second curator's request runs on its own connection (``tests.concurrency.while_uncommitted``)
and is let through by the first one's commit only once PostgreSQL shows it waiting for the
first one's locks."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from assessments.learning_records.badges.selectors import badge_key
from assessments.learning_records.badges.services import (
    RULE_EXISTS,
    badge_rule_create,
    badge_upload,
)
from assessments.learning_records.models import BadgeAward, BadgeRule
from readiness.permissions import CURATORS_GROUP
from tests.api.conftest import field_errors
from tests.concurrency import while_uncommitted
from tests.factories import PersonFactory, TrainingResourceFactory, UserFactory

# PostgreSQL's lock table decides the order (SQLite has none to read).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("require_postgres")]


def _curator(name: str):  # noqa: ANN202
    user = UserFactory(username=name)
    user.groups.add(Group.objects.get_or_create(name=CURATORS_GROUP)[0])
    return user


def _waiting_award(badge_issuer) -> BadgeAward:  # noqa: ANN001
    person = PersonFactory(user__email="learner@example.com")
    assertion = badge_issuer.ob2_hosted(person.user.email)
    return badge_upload(person=person, data=json.dumps(assertion).encode()).award


def _while_the_first_rule_is_uncommitted(award: BadgeAward, second: Callable[[], Any]) -> Any:  # noqa: ANN401
    """The first curator creates the rule and, before committing, lets ``second`` run until
    PostgreSQL shows it waiting (``tests.concurrency.while_uncommitted``); then commits. What
    ``second`` returned (or raised)."""
    first = _curator("first-curator")
    return while_uncommitted(
        lambda: badge_rule_create(
            issuer_id=award.issuer_id,
            badge_class_id=award.badge_class_id,
            resource=TrainingResourceFactory(title="Prompting 101"),
            certification=None,
            user=first,
        ),
        second,
    )


def test_the_service_says_the_rule_exists(badge_issuer) -> None:
    award = _waiting_award(badge_issuer)
    second = _curator("second-curator")

    def create() -> None:
        badge_rule_create(
            issuer_id=award.issuer_id,
            badge_class_id=award.badge_class_id,
            resource=TrainingResourceFactory(title="Another resource"),
            certification=None,
            user=second,
        )

    with pytest.raises(ValidationError) as caught:
        _while_the_first_rule_is_uncommitted(award, create)
    assert caught.value.message_dict == {"badge": [RULE_EXISTS]}
    rule = BadgeRule.objects.get()
    assert rule.resource.title == "Prompting 101"
    award.refresh_from_db()
    assert (award.status, award.rule) == ("mapped", rule)


def test_the_page_says_it_at_the_badge_field(badge_issuer) -> None:
    award = _waiting_award(badge_issuer)
    client = Client()
    client.force_login(_curator("second-curator"))
    resource = TrainingResourceFactory(title="Another resource")
    key = badge_key(award.issuer_id, award.badge_class_id)

    response = _while_the_first_rule_is_uncommitted(
        award,
        lambda: client.post(
            reverse("assessments:badge-queue"), {"badge": key, "resource": resource.pk}
        ),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "This badge has a rule already." in page and 'id="error_1_id_badge"' in page
    assert BadgeRule.objects.get().resource.title == "Prompting 101"


def test_the_api_says_it_at_badge(badge_issuer) -> None:
    award = _waiting_award(badge_issuer)
    client = APIClient()
    client.force_authenticate(_curator("second-curator"))
    resource = TrainingResourceFactory(title="Another resource")
    body = {
        "issuer_id": award.issuer_id,
        "badge_class_id": award.badge_class_id,
        "resource": resource.pk,
    }

    response = _while_the_first_rule_is_uncommitted(
        award, lambda: client.post(reverse("api:badge-rule-list"), body, format="json")
    )
    assert field_errors(response) == {"badge": [RULE_EXISTS]}
    assert BadgeRule.objects.count() == 1
