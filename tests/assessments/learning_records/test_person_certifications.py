"""A person's certifications from their transcript: matched to the curated catalog by name,
with earned and expiry dates (the transcript's, else the curated validity) and status; a
renewal upstream moves the expiry; a second sync changes nothing; shown to the person and to
their manager."""

import datetime as dt
import json

import pytest
import time_machine
from django.urls import reverse

from assessments.learning_records.models import PersonCertification
from assessments.learning_records.services import transcript_link_set, transcript_sync
from catalog.models import Certification
from tests.assessments.transcript_server import FULL_URL, client_for, full_transcript
from tests.factories import ProviderFactory

pytestmark = pytest.mark.django_db
FUNDAMENTALS = "Microsoft Certified: Azure AI Fundamentals"
ENGINEER = "Microsoft Certified: Azure AI Engineer Associate"


@pytest.fixture
def org(make_employee_org):
    org = make_employee_org(skills=1)
    transcript_link_set(person=org.person, url=FULL_URL)
    return org


def _sync(base, person):
    with client_for(base) as client:
        return transcript_sync(link_id=person.transcript_link.pk, client=client)


def test_certifications_are_recorded_with_expiry_and_matched(transcript_server, org) -> None:
    base, _ = transcript_server
    engineer = Certification.objects.create(
        name=ENGINEER.upper(),
        provider=ProviderFactory(),
        validity_months=12,
        renewal_url="https://learn.microsoft.com/renew",
    )
    outcome = _sync(base, org.person)
    assert outcome.certifications_added == [FUNDAMENTALS, ENGINEER]
    rows = {row.name: row for row in PersonCertification.objects.filter(person=org.person)}
    assert rows[ENGINEER].certification == engineer  # matched by name, whatever the case
    assert rows[ENGINEER].number == "GH78IJ-90KL12" and rows[ENGINEER].source == "transcript"
    assert rows[ENGINEER].expires_at == dt.datetime(2027, 1, 15, 23, 59, 59, tzinfo=dt.UTC)
    assert rows[FUNDAMENTALS].certification is None and rows[FUNDAMENTALS].expires_at is None
    assert not _sync(base, org.person).changed  # idempotent


def test_the_curated_validity_sets_a_missing_expiry(transcript_server, org) -> None:
    base, scenario = transcript_server
    Certification.objects.create(name=FUNDAMENTALS, provider=ProviderFactory(), validity_months=13)
    _sync(base, org.person)
    row = PersonCertification.objects.get(name=FUNDAMENTALS)
    assert row.expires_at == dt.datetime(2026, 4, 2, 10, 0, tzinfo=dt.UTC)  # earned + 13 months


def test_a_renewal_upstream_moves_the_expiry(transcript_server, org) -> None:
    base, scenario = transcript_server
    _sync(base, org.person)
    renewed = full_transcript()
    renewed["certificationData"]["activeCertifications"][1]["expiration"] = (
        "2028-01-15T23:59:59+00:00"
    )
    scenario.answers["full-share"] = json.dumps(renewed).encode()
    outcome = _sync(base, org.person)
    assert outcome.certifications_updated == [ENGINEER] and outcome.certifications_added == []
    assert PersonCertification.objects.get(name=ENGINEER).expires_at.year == 2028


@pytest.mark.parametrize(
    ("today", "status"),
    [("2026-11-15", "active"), ("2026-11-17", "expiring"), ("2027-01-16", "expired")],
)
def test_status_follows_the_expiry(transcript_server, org, settings, today, status) -> None:
    settings.CERTIFICATION_EXPIRING_DAYS = 60
    base, _ = transcript_server
    _sync(base, org.person)
    row = PersonCertification.objects.get(name=ENGINEER)
    now = dt.datetime.fromisoformat(today).replace(hour=23, minute=59, second=59, tzinfo=dt.UTC)
    assert row.status_on(now, expiring_days=60) == status


def test_the_person_and_their_manager_see_them(client, transcript_server, org) -> None:
    base, _ = transcript_server
    _sync(base, org.person)
    with time_machine.travel(dt.datetime(2026, 12, 20, tzinfo=dt.UTC), tick=False):
        client.force_login(org.person.user)
        page = client.get(reverse("assessments:my-verified-learning")).content.decode()
        # 2027-01-15 23:59:59 UTC is the 16th in the organization's time zone (Paris).
        assert ENGINEER in page and "16 Jan 2027" in page and ">Expiring<" in page
        assert "Does not expire" in page and "GH78IJ-90KL12" in page
        client.force_login(org.manager)
        detail = client.get(reverse("assessments:person-detail", args=[org.person.pk]))
        assert ENGINEER in detail.content.decode()
