"""What a generated client shows its users: a description on every operation, and enum
names that say what they are (not drf-spectacular's ``Status3c1Enum`` fallback)."""

import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(api) -> dict:  # noqa: ANN001
    response = api("admin").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_every_operation_is_described(schema):
    undescribed = [
        (method, path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if not (operation.get("summary") or operation.get("description", "").strip())
    ]
    assert undescribed == []


def test_every_enum_has_a_meaningful_name(schema):
    enums = [
        name for name, component in schema["components"]["schemas"].items() if "enum" in component
    ]
    assert "LevelEnum" in enums and "PlanStatusEnum" in enums
    # drf-spectacular's fallback for two enums of one field name: a hash before "Enum".
    hashed = [name for name in enums if re.search(r"[0-9a-f]{3}Enum$", name)]
    assert hashed == []
