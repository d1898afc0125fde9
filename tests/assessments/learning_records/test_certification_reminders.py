"""Certification expiry reminders with travelled time: 60, 30 and 7 days before expiry, each
once, with the renewal link; someone first known 20 days before gets only the 30-day one;
none after a renewal upstream (the next sync moves the expiry)."""

import datetime as dt
import json

import pytest
import time_machine

from assessments.learning_records.models import PersonCertification
from assessments.learning_records.reminders import certification_reminders_send
from assessments.learning_records.services import transcript_link_set, transcript_sync
from assessments.models import Reminder
from catalog.models import Certification
from tests.assessments.transcript_server import FULL_URL, client_for, full_transcript
from tests.factories import PersonFactory, ProviderFactory

pytestmark = pytest.mark.django_db
ENGINEER = "Microsoft Certified: Azure AI Engineer Associate"
RENEW = "https://learn.microsoft.com/credentials/renew-engineer"
EXPIRES = dt.datetime(2027, 1, 15, 12, 0, tzinfo=dt.UTC)


def on(day: str) -> int:
    """Run the reminders on ``day`` (09:00 UTC): how many emails went out."""
    with time_machine.travel(dt.datetime.fromisoformat(f"{day}T09:00:00+00:00"), tick=False):
        return len(certification_reminders_send().sent)


@pytest.fixture
def holder(db, settings):
    settings.CERTIFICATION_REMINDER_DAYS = [60, 30, 7]
    person = PersonFactory(user__email="holder@example.com")
    curated = Certification.objects.create(
        name=ENGINEER, provider=ProviderFactory(), validity_months=12, renewal_url=RENEW
    )
    return PersonCertification.objects.create(
        person=person,
        certification=curated,
        name=ENGINEER,
        source="transcript",
        earned_at=EXPIRES - dt.timedelta(days=365),
        expires_at=EXPIRES,
    )


def test_sixty_thirty_and_seven_days_before_each_once(holder, mailoutbox) -> None:
    assert on("2026-11-15") == 0  # 61 days before
    assert on("2026-11-16") == 1  # 60
    assert on("2026-11-16") == 0  # the same day again
    assert on("2026-11-30") == 0
    assert on("2026-12-16") == 1  # 30
    assert on("2026-12-17") == 0
    assert on("2027-01-08") == 1  # 7
    assert on("2027-01-09") == 0
    assert on("2027-01-16") == 0  # expired: the sequence is over
    assert [m.to for m in mailoutbox] == [["holder@example.com"]] * 3
    first = mailoutbox[0]
    assert first.subject == f'Your certification "{ENGINEER}" expires on 15 January 2027'
    assert "in 60 days" in first.body and RENEW in first.body
    assert "in 7 days" in mailoutbox[2].body
    steps = Reminder.objects.filter(kind="cert_expiry").order_by("sequence")
    assert [(r.sequence, r.sent_at is not None) for r in steps] == [(0, True), (1, True), (2, True)]


def test_first_known_late_gets_only_the_latest_step(holder, mailoutbox) -> None:
    assert on("2026-12-26") == 1  # 20 days before: the 30-day message only
    assert "in 20 days" in mailoutbox[0].body
    assert on("2026-12-27") == 0
    assert on("2027-01-08") == 1


def test_none_after_a_renewal_upstream(holder, mailoutbox, transcript_server) -> None:
    base, scenario = transcript_server
    assert on("2026-11-16") == 1
    renewed = full_transcript()
    renewed["certificationData"]["activeCertifications"][1]["expiration"] = (
        "2028-01-15T12:00:00+00:00"
    )
    scenario.answers["full-share"] = json.dumps(renewed).encode()
    link = transcript_link_set(person=holder.person, url=FULL_URL)
    with client_for(base) as client:
        transcript_sync(link_id=link.pk, client=client)
    holder.refresh_from_db()
    assert holder.expires_at.year == 2028
    assert on("2026-12-16") == 0 and on("2027-01-08") == 0
    assert len(mailoutbox) == 1


def test_each_step_sent_is_one_certification_expiring_webhook_event(
    holder, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    from readiness.webhooks.models import EventType, WebhookDelivery, WebhookEndpoint

    endpoint = WebhookEndpoint.objects.create(
        url="https://hooks.example.com/hr", events=[EventType.CERTIFICATION_EXPIRING], secret="s"
    )
    WebhookEndpoint.objects.create(  # subscribes to something else: gets nothing
        url="https://hooks.example.com/other", events=[EventType.PERSON_DUE], secret="s"
    )
    with django_capture_on_commit_callbacks():  # the deliveries' tasks are not run here
        assert on("2026-11-16") == 1
        assert on("2026-11-16") == 0  # the same day again: no second event
        assert on("2026-12-16") == 1
    deliveries = list(WebhookDelivery.objects.order_by("pk"))
    assert [(d.endpoint_id, d.event_type) for d in deliveries] == [
        (endpoint.pk, "certification.expiring")
    ] * 2
    assert deliveries[0].event_id != deliveries[1].event_id
    event = json.loads(deliveries[0].body)
    assert event["type"] == "certification.expiring"
    assert event["data"] == {
        "person": holder.person_id,
        "certification": holder.certification_id,
        "name": ENGINEER,
        "expires_on": "2027-01-15",
        "days_left": 60,
        "renewal_url": RENEW,
    }
    assert json.loads(deliveries[1].body)["data"]["days_left"] == 30
