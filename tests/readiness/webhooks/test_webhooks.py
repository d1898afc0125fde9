"""Webhooks: endpoints, the outbox written with the event, signed deliveries to a real local
receiver, retries with back-off, exactly once, and the services that emit the events."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assessments.reminders.run import reminders_send
from assessments.services.me import (
    RatingInput,
    manager_ratings_record,
    plan_item_transition,
    self_assessment_submit,
)
from readiness.webhooks.models import DeliveryStatus, EventType, WebhookDelivery
from readiness.webhooks.services import (
    event_emit,
    retry_delay,
    webhook_delivery_attempt,
    webhook_endpoint_create,
    webhook_endpoint_update,
    webhook_test_send,
    webhook_url_validate,
)
from readiness.webhooks.signing import signature_header, signature_verify
from tests.factories import LearningPlanItemFactory, PersonFactory, SkillFactory, UserFactory
from tests.orgs import clear_framework
from tests.orgs.reminder import add_person
from tests.readiness.webhooks.webhook_receiver import Receiver

pytestmark = pytest.mark.django_db

ALL = [EventType.RATING_RECORDED, EventType.PLAN_ITEM_COMPLETED, EventType.PERSON_DUE]


@pytest.fixture
def receiver():
    made = []

    def make(responses=(200,)):
        server = Receiver(responses=list(responses)).start()
        made.append(server)
        return server

    yield make
    for server in made:
        server.stop()


def _endpoint(receiver, events=ALL):
    endpoint, secret = webhook_endpoint_create(url=receiver.url, events=events)
    receiver.secret = secret
    return endpoint


# --- Endpoints ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://hooks.example.com/readiness", True),
        ("http://127.0.0.1:8080/hooks", True),
        ("http://[::1]:8080/hooks", True),
        ("http://localhost/hooks", True),
        ("http://hooks.example.com/readiness", False),
        ("http://10.0.0.5/hooks", False),
        ("ftp://hooks.example.com/", False),
        ("https://user:pw@hooks.example.com/", False),
        ("hooks.example.com", False),
    ],
)
def test_https_only_and_plain_http_on_loopback_only_when_allowed(settings, url, allowed):
    settings.WEBHOOK_ALLOW_HTTP_LOOPBACK = True
    if allowed:
        assert webhook_url_validate(url) == url
    else:
        with pytest.raises(ValidationError) as error:
            webhook_url_validate(url)
        assert "url" in error.value.message_dict


def test_loopback_http_is_refused_without_the_setting(settings):
    settings.WEBHOOK_ALLOW_HTTP_LOOPBACK = False
    with pytest.raises(ValidationError, match="https"):
        webhook_url_validate("http://127.0.0.1:8080/hooks")


def test_an_endpoint_needs_known_events_and_gets_a_secret():
    with pytest.raises(ValidationError, match="Unknown event"):
        webhook_endpoint_create(url="https://h.example.com/", events=["rating.deleted"])
    with pytest.raises(ValidationError, match="at least one"):
        webhook_endpoint_create(url="https://h.example.com/", events=[])
    endpoint, secret = webhook_endpoint_create(
        url="https://h.example.com/", events=[EventType.CERTIFICATION_EXPIRING]
    )
    assert secret.startswith("whsec_") and len(secret) > 40
    assert endpoint.secret == secret
    assert endpoint.events == ["certification.expiring"]


def test_signature_round_trip_and_tampering():
    header = signature_header(secret="s3cret", timestamp=1_800_000_000, body=b'{"a":1}')
    assert signature_verify(secret="s3cret", header=header, body=b'{"a":1}', now=1_800_000_010)
    assert not signature_verify(secret="s3cret", header=header, body=b'{"a":2}', now=1_800_000_010)
    assert not signature_verify(secret="other", header=header, body=b'{"a":1}', now=1_800_000_010)
    assert not signature_verify(
        secret="s3cret", header=header, body=b'{"a":1}', now=1_800_001_000
    )  # replayed after the tolerance


# --- The outbox -----------------------------------------------------------------------------


def test_an_event_is_one_delivery_per_subscribed_active_endpoint():
    ratings, _ = webhook_endpoint_create(url="https://a.example.com/", events=["rating.recorded"])
    plans, _ = webhook_endpoint_create(url="https://b.example.com/", events=["plan_item.completed"])
    paused, _ = webhook_endpoint_create(url="https://c.example.com/", events=["rating.recorded"])
    webhook_endpoint_update(endpoint=paused, is_active=False)
    ids = event_emit(type=EventType.RATING_RECORDED, data={"ratings": []})
    (delivery,) = WebhookDelivery.objects.filter(pk__in=ids)
    assert delivery.endpoint == ratings
    body = json.loads(delivery.body)
    assert set(body) == {"id", "type", "created", "data"}
    assert body["id"] == delivery.event_id and body["type"] == "rating.recorded"
    assert not WebhookDelivery.objects.filter(endpoint__in=[plans, paused]).exists()


def test_an_event_rolled_back_with_its_change_is_never_sent():
    webhook_endpoint_create(url="https://a.example.com/", events=["rating.recorded"])
    with pytest.raises(RuntimeError), transaction.atomic():
        event_emit(type=EventType.RATING_RECORDED, data={"ratings": []})
        raise RuntimeError("the change fails after the event")
    assert not WebhookDelivery.objects.exists()


# --- Deliveries against a real receiver -----------------------------------------------------


def test_fails_twice_then_succeeds_one_delivery_same_event_signature_verified(receiver, settings):
    server = receiver([500, 503, 200])
    endpoint = _endpoint(server)
    (delivery_id,) = event_emit(type=EventType.PLAN_ITEM_COMPLETED, data={"plan_item": {"id": 7}})

    first = webhook_delivery_attempt(delivery_id=delivery_id)
    second = webhook_delivery_attempt(delivery_id=delivery_id)
    third = webhook_delivery_attempt(delivery_id=delivery_id)
    again = webhook_delivery_attempt(delivery_id=delivery_id)

    assert (first.status, first.retry_in) == ("pending", settings.WEBHOOK_RETRY_BASE_SECONDS)
    assert (second.status, second.retry_in) == ("pending", 2 * settings.WEBHOOK_RETRY_BASE_SECONDS)
    assert (third.status, third.retry_in) == ("succeeded", None)
    assert (again.status, again.retry_in) == ("succeeded", None)  # never sent again
    assert len(server.received) == 3
    assert all(r.verified for r in server.received)
    assert {r.body for r in server.received} == {server.received[0].body}
    event = server.received[0].event
    assert {r.headers["idempotency-key"] for r in server.received} == {event["id"]}
    assert server.received[0].headers["readiness-event-type"] == "plan_item.completed"
    assert event["data"] == {"plan_item": {"id": 7}}
    assert server.processed == [event["id"]]
    (delivery,) = WebhookDelivery.objects.filter(endpoint=endpoint)
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 3
    assert delivery.last_status_code == 200 and delivery.succeeded_at is not None
    assert len(delivery.last_response) == settings.WEBHOOK_RESPONSE_KEEP_CHARS
    assert delivery.claimed_by == "" and delivery.claimed_at is None


def test_attempts_are_bounded_then_the_delivery_fails(receiver, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    server = receiver([500])
    _endpoint(server)
    (delivery_id,) = event_emit(type=EventType.RATING_RECORDED, data={"ratings": []})
    outcomes = [webhook_delivery_attempt(delivery_id=delivery_id) for _ in range(4)]
    assert [o.status for o in outcomes] == ["pending", "pending", "failed", "failed"]
    assert len(server.received) == 3
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert (delivery.status, delivery.last_status_code) == ("failed", 500)


def test_the_back_off_doubles_and_is_capped(settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30
    settings.WEBHOOK_RETRY_MAX_SECONDS = 200
    assert [retry_delay(n) for n in range(1, 6)] == [30, 60, 120, 200, 200]


def test_a_claimed_delivery_is_not_sent_by_a_second_worker_until_its_lease_ends(receiver):
    server = receiver([200])
    _endpoint(server)
    (delivery_id,) = event_emit(type=EventType.RATING_RECORDED, data={"ratings": []})
    WebhookDelivery.objects.filter(pk=delivery_id).update(
        claimed_by="another-worker", claimed_at=timezone.now()
    )
    held = webhook_delivery_attempt(delivery_id=delivery_id)
    assert held.status == "held" and 1 <= held.retry_in <= 5
    assert server.received == []
    # The other worker died: once its lease is over, the delivery is taken over and sent.
    WebhookDelivery.objects.filter(pk=delivery_id).update(
        claimed_at=timezone.now() - dt.timedelta(minutes=2)
    )
    assert webhook_delivery_attempt(delivery_id=delivery_id).status == "succeeded"
    assert len(server.received) == 1


def test_an_unreachable_receiver_is_recorded_and_retried(settings):
    endpoint, _ = webhook_endpoint_create(url="http://127.0.0.1:9/closed", events=ALL)
    (delivery_id,) = event_emit(type=EventType.RATING_RECORDED, data={"ratings": []})
    outcome = webhook_delivery_attempt(delivery_id=delivery_id)
    assert outcome.retry_in == settings.WEBHOOK_RETRY_BASE_SECONDS
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert delivery.last_status_code is None and "ConnectError" in delivery.last_error
    assert delivery.endpoint == endpoint


def test_the_test_event_goes_to_that_endpoint_only(receiver):
    server = receiver([200])
    endpoint = _endpoint(server, events=[EventType.PERSON_DUE])
    webhook_endpoint_create(url="https://other.example.com/", events=ALL)
    (delivery_id,) = webhook_test_send(endpoint=endpoint)
    assert webhook_delivery_attempt(delivery_id=delivery_id).status == "succeeded"
    assert server.received[0].event["type"] == "webhook.test"
    assert WebhookDelivery.objects.count() == 1


# --- Where events fire ----------------------------------------------------------------------


def _events(type_):
    return [
        json.loads(d.body) for d in WebhookDelivery.objects.filter(event_type=type_).order_by("pk")
    ]


def test_self_and_manager_ratings_emit_one_event_per_save():
    webhook_endpoint_create(url="https://a.example.com/", events=ALL)
    person = PersonFactory()
    skill, other = SkillFactory(), SkillFactory()
    self_assessment_submit(
        person=person, user=person.user, entries=[RatingInput(skill_id=skill.pk, level=2)]
    )
    manager = UserFactory()
    manager_ratings_record(
        manager=manager,
        entries=[
            RatingInput(skill_id=skill.pk, level=3, person_id=person.pk),
            RatingInput(skill_id=other.pk, level=1, person_id=person.pk),
        ],
    )
    # Nothing changed: no rating, no event.
    self_assessment_submit(
        person=person, user=person.user, entries=[RatingInput(skill_id=skill.pk, level=2)]
    )
    first, second = _events("rating.recorded")
    assert [
        (r["person"], r["skill"], r["level"], r["source"]) for r in first["data"]["ratings"]
    ] == [(person.pk, skill.pk, 2, "self")]
    assert [(r["skill"], r["level"], r["source"]) for r in second["data"]["ratings"]] == [
        (skill.pk, 3, "manager"),
        (other.pk, 1, "manager"),
    ]


def test_completing_a_plan_item_emits_and_starting_it_does_not():
    webhook_endpoint_create(url="https://a.example.com/", events=ALL)
    item = LearningPlanItemFactory()
    plan_item_transition(item=item, action="start")
    assert _events("plan_item.completed") == []
    plan_item_transition(item=item, action="complete")
    (event,) = _events("plan_item.completed")
    assert event["data"]["plan_item"]["id"] == item.pk
    assert event["data"]["plan_item"]["person"] == item.person_id


def test_the_due_step_of_the_reminders_emits_person_due_once(reminder_org, settings):
    clear_framework()
    settings.REASSESSMENT_INTERVAL_DAYS = 90
    org = reminder_org
    webhook_endpoint_create(url="https://a.example.com/", events=ALL)
    person = add_person(org, "due", assessed_at=timezone.now() - dt.timedelta(days=100))
    add_person(org, "fresh", assessed_at=timezone.now() - dt.timedelta(days=1))
    reminders_send()
    reminders_send()  # twice: the step is sent once, and so is its event
    (event,) = _events("person.due")
    assert event["data"]["person"] == person.pk
    assert event["data"]["due_on"]


def test_lost_deliveries_are_queued_again_by_the_scheduled_task(settings):
    from django_celery_beat.models import PeriodicTask

    from readiness.celery import app
    from readiness.webhooks.services import deliveries_resume

    entry = PeriodicTask.objects.get(task="readiness.webhooks.tasks.resume_webhook_deliveries")
    app.loader.import_default_modules()  # what a worker does at start: autodiscovery
    assert entry.enabled and entry.task in app.tasks
    assert "readiness.webhooks.tasks.deliver_webhook" in app.tasks
    webhook_endpoint_create(url="https://a.example.com/", events=ALL)
    (lost,) = event_emit(type=EventType.RATING_RECORDED, data={"ratings": []})
    event_emit(type=EventType.RATING_RECORDED, data={"ratings": []})  # just emitted: not lost
    WebhookDelivery.objects.filter(pk=lost).update(
        next_attempt_at=timezone.now() - dt.timedelta(minutes=5)
    )
    assert deliveries_resume() == 1
