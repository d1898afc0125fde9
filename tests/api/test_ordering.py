"""``?ordering=`` on every list: the list's own terms only (400 naming the parameter
otherwise), published as an enum in the schema."""

import pytest

from tests.api.conftest import field_errors

pytestmark = pytest.mark.django_db

SKILLS = "/api/v1/skills/"


def _schema(api) -> dict:  # noqa: ANN001
    response = api("admin").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def _ordered_lists(schema: dict) -> dict[str, list[str]]:
    """Each list operation sorted by the shared OrderingFilter → its enum of terms."""
    found = {}
    for path, operations in schema["paths"].items():
        for parameter in operations.get("get", {}).get("parameters", []):
            if parameter["name"] == "ordering" and parameter["schema"]["type"] == "array":
                assert parameter["explode"] is False and parameter["style"] == "form"
                found[path] = parameter["schema"]["items"]["enum"]
    return found


def test_every_sortable_list_publishes_its_terms_and_takes_only_them(api):
    lists = _ordered_lists(_schema(api))
    # The 17 lists of the issue, the service tokens (the tokens' class), the certifications,
    # the queued HR upserts.
    assert len(lists) == 20, sorted(lists)
    admin = api("admin")
    for path, terms in lists.items():
        assert terms and all(f"-{term}" in terms for term in terms if term[0] != "-"), path
        for term in terms:
            response = admin.get(path, {"ordering": term})
            assert response.status_code == 200, (path, term, response.content[:300])
        refused = admin.get(path, {"ordering": "nonsense"})
        assert "nonsense" in field_errors(refused)["ordering"][0], path
        mixed = admin.get(path, {"ordering": f"{terms[0]},password"})
        assert list(field_errors(mixed)) == ["ordering"], path


def test_a_refused_term_is_named_with_its_code(api):
    response = api("employee").get(SKILLS, {"ordering": "-description,name"})
    errors = response.json()["errors"]
    assert errors == [
        {"parameter": "ordering", "code": "invalid_choice", "detail": errors[0]["detail"]}
    ]
    assert "-description" in errors[0]["detail"] and "category__order" in errors[0]["detail"]


def test_terms_combine_comma_separated_or_repeated(api, org):
    client = api("employee")

    def names(query: str) -> list[str]:
        response = client.get(f"{SKILLS}?{query}&q=API skill")
        assert response.status_code == 200, response.content[:300]
        return [row["name"] for row in response.json()["results"]]

    ascending = ["API skill A", "API skill B", "API skill C"]
    assert names("ordering=name") == ascending
    assert names("ordering=-name") == ascending[::-1]
    assert names("ordering=category__order,-name") == ascending[::-1]
    assert names("ordering=category__order&ordering=-name") == ascending[::-1]
    assert names("ordering=-name,%20id") == ascending[::-1]  # spaces around a term are ignored
    # Empty: the list's default order.
    assert names("ordering=") == names("") == ascending


def test_a_list_sorted_its_own_way_keeps_its_enum(api):
    # /me/skills/ sorts computed rows with its own parameter (a single choice), not the filter.
    schema = _schema(api)
    parameter = next(
        p
        for p in schema["paths"]["/api/v1/me/skills/"]["get"]["parameters"]
        if p["name"] == "ordering"
    )
    assert parameter["schema"]["type"] == "string" and "gap" in parameter["schema"]["enum"]


def test_a_list_that_does_not_sort_documents_no_ordering(api):
    schema = _schema(api)
    operation = schema["paths"]["/api/v1/webhooks/{id}/deliveries/"]["get"]
    assert "ordering" not in {parameter["name"] for parameter in operation["parameters"]}
