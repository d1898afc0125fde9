"""The single sign-on interface is documented where operators look: the README's settings
table and .env.example."""

import re
from pathlib import Path

import pytest
from django.conf import settings

NAMES = sorted(
    name for name in dir(settings) if name.startswith("OIDC_") or name == "PASSWORD_LOGIN"
)


@pytest.mark.parametrize("name", NAMES)
def test_each_setting_is_in_the_readme_table_and_env_example(name: str) -> None:
    base = Path(settings.BASE_DIR)
    table_rows = [
        line for line in (base / "README.md").read_text().splitlines() if line.startswith("| `")
    ]
    assert any(f"`{name}`" in row for row in table_rows), f"{name} missing from README"
    if name != "OIDC_HTTP_TIMEOUT":
        assert re.search(rf"^{name}=", (base / ".env.example").read_text(), re.M), name


def test_the_interface_of_the_issue_is_all_there() -> None:
    assert {
        "OIDC_DISCOVERY_URL",
        "OIDC_CLIENT_ID",
        "OIDC_CLIENT_SECRET",
        "OIDC_PROVIDER_NAME",
        "OIDC_SCOPES",
        "OIDC_ROLE_MAP",
        "OIDC_CREATE_UNKNOWN",
        "PASSWORD_LOGIN",
    } <= set(NAMES)
    assert settings.OIDC_CREATE_UNKNOWN is False and settings.PASSWORD_LOGIN is True
