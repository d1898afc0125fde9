"""Certifications entered by hand with a proof: recorded (expiry from the catalog's validity
when not given), bad input refused at the field with nothing saved, and checked by a manager
of the person — nobody else."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.learning_records.models import PersonCertification
from catalog.models import Certification
from tests.factories import ProviderFactory

ADD = reverse("assessments:my-certification-add")
pytestmark = pytest.mark.django_db


def test_a_person_records_one_with_a_proof(make_employee_org, client) -> None:
    org = make_employee_org(skills=1)
    Certification.objects.create(
        name="GitHub Copilot", provider=ProviderFactory(), validity_months=24
    )
    client.force_login(org.person.user)
    response = client.post(
        ADD,
        {
            "name": "github copilot",
            "number": "GH-123",
            "proof_url": "https://credly.example/b/1",
            "earned_on": "2026-03-01",
        },
    )
    assert response.status_code == 302
    row = PersonCertification.objects.get(person=org.person)
    assert (row.name, row.source, row.number) == ("GitHub Copilot", "manual", "GH-123")
    assert timezone.localdate(row.expires_at) == dt.date(2028, 3, 1)  # the catalog's 24 months
    page = client.get(reverse("assessments:my-verified-learning")).content.decode()
    assert "proof not checked yet" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "X", "earned_on": "2026-03-01"}, "number", "number or a link"),
        (
            {"name": "X", "number": "1", "earned_on": "2026-03-01", "expires_on": "2026-01-01"},
            "expires_on",
            "after the date it was earned",
        ),
        ({"name": "X", "number": "1", "earned_on": "not a date"}, "earned_on", "valid date"),
        (
            {"name": "X", "number": "1", "earned_on": "2026-03-01", "proof_url": "javascript:x"},
            "proof_url",
            "valid URL",
        ),
    ],
)
def test_bad_input_is_refused_at_the_field(make_employee_org, client, data, field, message) -> None:
    org = make_employee_org(skills=1)
    client.force_login(org.person.user)
    response = client.post(ADD, data)
    assert response.status_code == 200
    assert message in " ".join(response.context["certification_form"].errors[field])
    assert not PersonCertification.objects.exists()


def _manual(person) -> PersonCertification:
    return PersonCertification.objects.create(
        person=person,
        name="Internal AI champion",
        number="42",
        source="manual",
        earned_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )


def test_a_manager_of_the_person_checks_the_proof(make_employee_org, client) -> None:
    org = make_employee_org(skills=1)
    row = _manual(org.person)
    url = reverse("assessments:person-certification-verify", args=[org.person.pk, row.pk])
    client.force_login(org.manager)
    page = client.get(reverse("assessments:person-detail", args=[org.person.pk]))
    assert "I checked the proof" in page.content.decode()
    assert client.post(url).status_code == 302
    row.refresh_from_db()
    assert row.verified_by == org.manager and row.verified_at is not None


@pytest.mark.parametrize("who", ["person", "other_manager", "lead", "teammate"])
def test_nobody_else_checks_it(make_employee_org, client, who) -> None:
    org = make_employee_org(skills=1)
    row = _manual(org.person)
    user = {
        "person": org.person.user,
        "other_manager": org.other_manager,
        "lead": org.lead,
        "teammate": org.teammate.user,
    }[who]
    client.force_login(user)
    url = reverse("assessments:person-certification-verify", args=[org.person.pk, row.pk])
    assert client.post(url).status_code == 404
    row.refresh_from_db()
    assert row.verified_at is None
