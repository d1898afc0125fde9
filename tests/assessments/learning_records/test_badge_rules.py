"""Curators' rules for Open Badges: a badge no rule knows waits in the queue; a rule created
from it maps every waiting award at once (a resource: a verified completion and the plan
items completed "verified by Open Badge"; a certification: the person's certification with
the badge's expiry or the curated validity), and the badges uploaded later directly; the
pages and the history."""

import datetime as dt
import json

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from assessments.learning_records.badges.selectors import badge_key, badges_waiting
from assessments.learning_records.badges.services import badge_rule_create, badge_upload
from assessments.learning_records.models import (
    BadgeAward,
    BadgeRule,
    PersonCertification,
    VerifiedCompletion,
)
from assessments.models import LearningPlanItem, PlanItemStatus
from catalog.models import Certification
from readiness.permissions import CURATORS_GROUP
from tests.assessments.badge_issuer import bake_png
from tests.factories import (
    LearningPlanItemFactory,
    PersonFactory,
    ProviderFactory,
    TrainingResourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
QUEUE = reverse("assessments:badge-queue")
UPLOAD = reverse("assessments:my-badge-upload")
QUEUE_QUERIES = 8


@pytest.fixture
def curator(db):
    user = UserFactory(username="badge-curator")
    user.groups.add(Group.objects.get_or_create(name=CURATORS_GROUP)[0])
    return user


def _people(count: int) -> list:
    return [PersonFactory(user__email=f"learner{i}@example.com") for i in range(count)]


def test_a_rule_maps_every_waiting_award_to_a_resource(badge_issuer, curator) -> None:
    people = _people(2)
    resource = TrainingResourceFactory(title="Prompting 101")
    item = LearningPlanItemFactory(person=people[0], resource=resource, status="in_progress")
    for person in people:
        data = bake_png(json.dumps(badge_issuer.ob2_hosted(person.user.email)))
        assert badge_upload(person=person, data=data).award.status == "waiting"
    (waiting,) = badges_waiting()
    assert waiting.awards == 2 and waiting.name == "Prompt Engineering Basics"
    applied = badge_rule_create(
        issuer_id=waiting.issuer_id,
        badge_class_id=waiting.badge_class_id,
        resource=resource,
        certification=None,
        user=curator,
    )
    assert applied.awards_mapped == 2 and badges_waiting() == []
    assert set(BadgeAward.objects.values_list("status", flat=True)) == {"mapped"}
    item.refresh_from_db()
    assert item.status == PlanItemStatus.COMPLETED and item.verified_by == "open_badge"
    assert timezone.localdate(item.completed_at) == dt.date(2026, 11, 2)  # the badge's issue date
    assert item.get_verified_by_display() == "Open Badge"
    completions = VerifiedCompletion.objects.filter(resource=resource, source="open_badge")
    assert completions.count() == 2
    # A later badge of the same class is mapped when uploaded.
    late = PersonFactory(user__email="late@example.com")
    data = bake_png(json.dumps(badge_issuer.ob2_hosted("late@example.com")))
    assert badge_upload(person=late, data=data).award.status == "mapped"


def test_a_rule_to_a_certification_records_it_with_the_expiry(badge_issuer, curator) -> None:
    (person,) = _people(1)
    curated = Certification.objects.create(
        name="Agent Builder", provider=ProviderFactory(), validity_months=12
    )
    credential = badge_issuer.ob3_credential(person.user.email)
    token = badge_issuer.ob3_jwt(credential, key_in_header=False)  # the issuer's published key
    award = badge_upload(person=person, data=token.encode()).award
    badge_rule_create(
        issuer_id=award.issuer_id,
        badge_class_id=award.badge_class_id,
        resource=None,
        certification=curated,
        user=curator,
    )
    row = PersonCertification.objects.get(person=person)
    assert (row.source, row.name, row.certification) == ("badge", "Agent Builder", curated)
    assert timezone.localdate(row.expires_at) == dt.date(2027, 11, 2)  # no badge expiry: 12 months
    assert row.get_source_display() == "Open Badge"
    award.refresh_from_db()
    assert award.certification == row and award.status == "mapped"


def test_a_badge_signed_with_its_own_key_is_never_mapped(badge_issuer, curator) -> None:
    """The key inside the credential proves it was not altered, not who issued it: anyone can
    sign one naming a mapped badge class. It waits; no rule counts it."""
    first, later = _people(2)
    curated = Certification.objects.create(name="Agent Builder", provider=ProviderFactory())
    credential = badge_issuer.ob3_credential(first.user.email)
    embedded = badge_upload(person=first, data=badge_issuer.ob3_jwt(credential).encode()).award
    assert embedded.verification == "embedded"
    applied = badge_rule_create(
        issuer_id=embedded.issuer_id,
        badge_class_id=embedded.badge_class_id,
        resource=None,
        certification=curated,
        user=curator,
    )
    assert applied.awards_mapped == 0
    credential = badge_issuer.ob3_credential(later.user.email)
    uploaded = badge_upload(person=later, data=badge_issuer.ob3_jwt(credential).encode()).award
    assert uploaded.status == "waiting"
    embedded.refresh_from_db()
    assert embedded.status == "waiting" and not PersonCertification.objects.exists()
    # The same badge class signed with the issuer's published key is mapped at upload.
    credential = badge_issuer.ob3_credential(later.user.email)
    token = badge_issuer.ob3_jwt(credential, key_in_header=False)
    assert badge_upload(person=later, data=token.encode()).award.status == "mapped"


def test_a_rule_needs_one_target_and_is_made_once(badge_issuer, curator) -> None:
    (person,) = _people(1)
    award = badge_upload(
        person=person, data=json.dumps(badge_issuer.ob2_hosted(person.user.email)).encode()
    ).award
    ids = {"issuer_id": award.issuer_id, "badge_class_id": award.badge_class_id}
    with pytest.raises(ValidationError) as caught:
        badge_rule_create(**ids, resource=None, certification=None, user=curator)
    assert "resource" in caught.value.message_dict
    assert not BadgeRule.objects.exists()
    badge_rule_create(**ids, resource=TrainingResourceFactory(), certification=None, user=curator)
    with pytest.raises(ValidationError) as caught:
        badge_rule_create(
            **ids, resource=TrainingResourceFactory(), certification=None, user=curator
        )
    assert "badge" in caught.value.message_dict
    assert BadgeRule.objects.count() == 1


def test_the_rule_and_the_awards_have_a_history(badge_issuer, curator) -> None:
    (person,) = _people(1)
    award = badge_upload(
        person=person, data=json.dumps(badge_issuer.ob2_hosted(person.user.email)).encode()
    ).award
    rule = badge_rule_create(
        issuer_id=award.issuer_id,
        badge_class_id=award.badge_class_id,
        resource=TrainingResourceFactory(),
        certification=None,
        user=curator,
    ).rule
    assert rule.history.count() == 1  # type: ignore[attr-defined]
    assert [h.status for h in award.history.order_by("history_id")] == ["waiting", "mapped"]  # type: ignore[attr-defined]


def test_the_curator_creates_the_rule_on_the_queue_page(client, badge_issuer, curator) -> None:
    (person,) = _people(1)
    resource = TrainingResourceFactory(title="Prompting 101")
    award = badge_upload(
        person=person, data=json.dumps(badge_issuer.ob2_hosted(person.user.email)).encode()
    ).award
    client.force_login(curator)
    page = client.get(QUEUE)
    assert page.status_code == 200 and "Prompt Engineering Basics" in page.content.decode()
    key = badge_key(award.issuer_id, award.badge_class_id)
    refused = client.post(QUEUE, {"badge": key})
    assert refused.status_code == 400
    assert "Choose a resource or a certification" in refused.content.decode()
    assert not BadgeRule.objects.exists()
    done = client.post(QUEUE, {"badge": key, "resource": resource.pk})
    assert done.status_code == 302
    assert BadgeAward.objects.get().status == "mapped"
    assert "Completing “Prompting 101”" in client.get(QUEUE).content.decode()


@pytest.mark.parametrize("waiting", [1, 4])
def test_the_queue_page_keeps_its_queries(
    client, badge_issuer, curator, waiting, django_assert_num_queries
) -> None:
    for i, person in enumerate(_people(waiting)):
        assertion = badge_issuer.ob2_hosted(person.user.email, slug=f"badge-{i}")
        award = badge_upload(person=person, data=json.dumps(assertion).encode()).award
        badge_rule_create(
            issuer_id=award.issuer_id,
            badge_class_id=award.badge_class_id + ("" if i % 2 else "-other"),
            resource=TrainingResourceFactory(),
            certification=None,
            user=curator,
        )
    client.force_login(curator)
    with django_assert_num_queries(QUEUE_QUERIES):
        assert client.get(QUEUE).status_code == 200


def test_only_curators_see_the_queue(client, badge_issuer) -> None:
    (person,) = _people(1)
    client.force_login(person.user)
    assert client.get(QUEUE).status_code == 403
    assert client.post(QUEUE, {"badge": "x"}).status_code == 403


def test_an_employee_uploads_a_badge_on_their_page(client, badge_issuer) -> None:
    (person,) = _people(1)
    client.force_login(person.user)
    data = bake_png(json.dumps(badge_issuer.ob2_hosted(person.user.email)))
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(UPLOAD, {"file": SimpleUploadedFile("badge.png", data, "image/png")})
    assert response.status_code == 302
    page = client.get(reverse("assessments:my-verified-learning")).content.decode()
    assert "Prompt Engineering Basics" in page and "Waiting for a curator" in page
    assert BadgeAward.objects.get().person == person


def test_a_refused_upload_says_why_at_the_field(client, badge_issuer) -> None:
    (person,) = _people(1)
    client.force_login(person.user)
    token = badge_issuer.ob3_jwt(badge_issuer.ob3_credential("someone@example.com"))
    response = client.post(UPLOAD, {"text": token})
    assert response.status_code == 400
    body = response.content.decode()
    assert "issued to someone else" in body and 'id="error_1_id_file"' in body
    assert not BadgeAward.objects.exists()
    empty = client.post(UPLOAD, {})
    assert "Choose a badge file" in empty.content.decode()


def test_nothing_is_counted_twice(client, badge_issuer) -> None:
    (person,) = _people(1)
    client.force_login(person.user)
    token = badge_issuer.ob3_jwt(badge_issuer.ob3_credential(person.user.email))
    client.post(UPLOAD, {"text": token})
    second = client.post(UPLOAD, {"text": token}, follow=True)
    assert "already recorded" in second.content.decode()
    assert BadgeAward.objects.count() == 1
    assert LearningPlanItem.objects.count() == 0
