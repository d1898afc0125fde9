"""The Content-Security-Policy in a real Chromium: pages and the Swagger UI still work."""

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_swagger_ui_and_bootstrap_run_under_the_policy(live_server, page: Page) -> None:
    person = PersonFactory(user__username="csp-reader")
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )

    page.goto(f"{live_server.url}/accounts/login/?next=/api/docs/")
    page.get_by_label("Username").fill(person.user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Readiness API")
    expect(page.locator(".opblock").first).to_be_visible()
    page.goto(f"{live_server.url}/me/")
    # Bootstrap's bundle (a script from 'self') runs: its global is defined.
    assert page.evaluate("typeof window.bootstrap") == "object"
    assert violations == []  # the Swagger UI and the pages broke no rule themselves
    # An injected inline script is refused by the policy.
    with pytest.raises(PlaywrightError, match="Content Security Policy"):
        page.add_script_tag(content="window.__injected = true;")
    assert page.evaluate("window.__injected === true") is False
