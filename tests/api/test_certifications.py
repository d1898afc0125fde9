"""The certification catalog over the API: everyone signed in reads it (with the skills each
evidences and whether it counts as a rating); curators switch ``counts_as_rating``, nothing
else; everyone else is refused and nothing changes. (Its constant queries: test_query_counts.)"""

import pytest
from django.urls import reverse

from catalog.certifications.models import Certification, CertificationSkill
from tests.factories import ProviderFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/certifications/"
REFUSED = ["employee", "manager", "lead"]


def _certification(org, name="AI-102 Engineer", **fields) -> Certification:
    certification = Certification.objects.create(name=name, provider=ProviderFactory(), **fields)
    CertificationSkill.objects.create(certification=certification, skill=org.skill_a, level=3)
    return certification


def test_everyone_signed_in_reads_the_catalog(api, org) -> None:
    _certification(org, counts_as_rating=True)
    body = api("employee").get(LIST).json()
    assert body["count"] == 1
    [row] = body["results"]
    assert row["counts_as_rating"] is True
    assert row["skills"] == [{"skill": org.skill_a.pk, "level": 3}]
    assert api("employee").get(f"{LIST}?counts_as_rating=false").json()["count"] == 0


@pytest.mark.parametrize("persona", ["curator", "admin"])
def test_curators_switch_counts_as_rating_and_nothing_else(api, org, persona) -> None:
    certification = _certification(org)
    url = reverse("api:certification-detail", args=[certification.pk])
    response = api(persona).patch(url, {"counts_as_rating": True}, format="json")
    assert response.status_code == 200, response.content
    certification.refresh_from_db()
    assert certification.counts_as_rating is True
    assert certification.history.latest("history_date").counts_as_rating is True  # type: ignore[attr-defined]
    # The rest is read-only here (curated on the page): ignored, as DRF does.
    response = api(persona).patch(url, {"name": "Renamed"}, format="json")
    assert response.json()["name"] == "AI-102 Engineer"
    certification.refresh_from_db()
    assert certification.name == "AI-102 Engineer"


def test_a_bad_value_is_refused_at_its_field(api, org) -> None:
    certification = _certification(org)
    url = reverse("api:certification-detail", args=[certification.pk])
    response = api("curator").patch(url, {"counts_as_rating": "perhaps"}, format="json")
    assert response.status_code == 400
    assert "counts_as_rating" in str(response.json())
    certification.refresh_from_db()
    assert certification.counts_as_rating is False


@pytest.mark.parametrize("persona", REFUSED)
def test_others_are_refused(api, org, persona) -> None:
    certification = _certification(org)
    url = reverse("api:certification-detail", args=[certification.pk])
    response = api(persona).patch(url, {"counts_as_rating": True}, format="json")
    assert response.status_code == 403
    certification.refresh_from_db()
    assert certification.counts_as_rating is False
