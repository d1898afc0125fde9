"""``GET /api/v1/teams/{id}/certifications/``: the figures of the team's Certifications page,
under the same rule (the managers read them; leadership outside the team only above the
privacy floor; others 404); unknown parameters refused; constant queries."""

import datetime as dt

import pytest
from django.utils import timezone

from assessments.learning_records.models import PersonCertification
from tests.api.conftest import field_errors, problem_of
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

ENGINEER = "Azure AI Engineer Associate"


def certify(person, expires_in_days: int | None, name: str = ENGINEER) -> None:  # noqa: ANN001
    expires = (
        None if expires_in_days is None else timezone.now() + dt.timedelta(days=expires_in_days)
    )
    PersonCertification.objects.create(
        person=person, name=name, source="manual", expires_at=expires
    )


def url(team) -> str:  # noqa: ANN001
    return f"/api/v1/teams/{team.pk}/certifications/"


@pytest.fixture
def held(org, settings):
    settings.CERTIFICATION_COVERAGE_DAYS = 90
    settings.MIN_AGGREGATE_PEOPLE = 5
    certify(org.employee, 30)
    certify(org.colleague, 400)
    certify(org.colleague, -5, name="Old one")
    certify(org.outsider, 10)  # another team
    return org


def test_the_manager_reads_the_figures(api, held) -> None:
    body = api("manager").get(url(held.platform)).json()
    assert body == {
        "members": 2,
        "hidden": False,
        "certifications": [
            {"name": ENGINEER, "held": 2, "expiring": 1, "lapsed": 0},
            {"name": "Old one", "held": 0, "expiring": 0, "lapsed": 1},
        ],
    }


def test_leadership_reads_them_only_above_the_floor(api, held) -> None:
    body = api("lead").get(url(held.platform)).json()
    assert body == {"members": 2, "hidden": True, "certifications": []}
    for _ in range(3):
        PersonFactory(team=held.platform, role=held.role)
    for _ in range(4):  # Data and the department's own above the floor too: nothing to subtract
        PersonFactory(team=held.data, role=held.role)
    for _ in range(3):
        PersonFactory(team=held.dept, role=held.role)
    body = api("lead").get(url(held.platform)).json()
    assert body["hidden"] is False and body["members"] == 5
    assert body["certifications"][0] == {"name": ENGINEER, "held": 2, "expiring": 1, "lapsed": 0}


def test_others_do_not_find_the_team(api, held) -> None:
    problem_of(api("other_manager").get(url(held.platform)), 404)
    problem_of(api("employee").get(url(held.platform)), 404)
    assert api(None).get(url(held.platform)).status_code == 401


def test_an_unknown_parameter_is_refused(api, held) -> None:
    assert "expiring_days" in field_errors(
        api("manager").get(url(held.platform), {"expiring_days": 30})
    )


def test_queries_do_not_grow(api, held, django_assert_num_queries) -> None:
    for size in (2, 10):
        for index in range(size):
            person = PersonFactory(team=held.platform, role=held.role)
            certify(person, index, name=f"Cert {index}")
        client = api("manager")
        # token(2) + groups, managed paths, team, members, figures (one grouped query)
        with django_assert_num_queries(QUERIES):
            assert client.get(url(held.platform)).status_code == 200


QUERIES = 7
