"""Single sign-on in a real Chromium against a real OpenID provider process
(oidc-provider-mock, started here): the sign-in page → the provider → back, signed in as the
right person with the right groups; a replayed callback, a tampered ID token and one minted
for another application are refused on a readable page."""

import json
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Browser, Page, expect

from readiness.models import Person
from tests.browser import page_checker
from tests.factories import PersonFactory
from tests.readiness.sso.local_provider import (
    CLIENT_ID,
    CLIENT_SECRET,
    LocalProvider,
    LocalProviderServer,
)

# real_clock: the provider process signs its tokens on the real clock, and the ID token's
# expiry is checked against ours; a test clock moved to midday would find them expired.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.real_clock,
    pytest.mark.django_db(transaction=True),
]

check_page = page_checker("sso")
ALICE = {
    "sub": "alice-at-provider",
    "email": "alice@example.com",
    "email_verified": True,
    "name": "Alice Example",
    "roles": ["Readiness.Leadership"],
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def provider_process() -> Iterator[str]:
    """oidc-provider-mock in its own process; ready once it says it is listening."""
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603  # nosec B603 # our own interpreter, fixed arguments
        [
            sys.executable,
            "-m",
            "oidc_provider_mock",
            "--port",
            str(port),
            "--require-nonce",
            "true",
            "--user-claims",
            json.dumps(ALICE),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:  # ends (and the test fails below) if the process dies
        if "Uvicorn running on" in line:
            break
    assert process.poll() is None, "the provider did not start"
    # Keep reading its log so that a full pipe never blocks it.
    threading.Thread(target=process.stdout.read, daemon=True).start()
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def sso_settings(settings):
    settings.OIDC_PROVIDER_NAME = "Contoso ID"
    settings.OIDC_ROLE_MAP = {
        "Readiness.Leadership": "Leadership",
        "Readiness.Curators": "Curators",
    }
    return settings


def test_sign_in_through_the_provider(
    page: Page, browser: Browser, live_server, sso_settings, provider_process
) -> None:
    sso_settings.OIDC_DISCOVERY_URL = f"{provider_process}/.well-known/openid-configuration"
    sso_settings.OIDC_CLIENT_ID = "readiness-browser-test"
    sso_settings.OIDC_CLIENT_SECRET = "browser-test-secret"  # noqa: S105  # nosec B105
    alice = PersonFactory(user__username="alice", user__email="alice@example.com")
    alice.user.groups.add(Group.objects.get_or_create(name="Curators")[0])
    callbacks: list[str] = []
    page.on("request", lambda r: callbacks.append(r.url) if "/sso/callback/" in r.url else None)

    page.goto(f"{live_server.url}/accounts/login/")
    check_page(page, "login")
    page.get_by_role("link", name="Sign in with Contoso ID").click()
    page.locator('button[name="sub"][value="alice-at-provider"]').click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_text("Signed in as alice")).to_be_attached()
    alice.refresh_from_db()
    assert alice.oidc_subject == "alice-at-provider"
    assert list(alice.user.groups.values_list("name", flat=True)) == ["Leadership"]

    # Signing out ends the provider's session too (RP-initiated logout), then comes back.
    page.get_by_role("button", name="Signed in as alice").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="End Session")).to_be_visible()
    expect(page.get_by_text("id_token_hint not set")).to_have_count(0)
    page.get_by_role("button", name="End session").click()
    expect(page).to_have_url(re.compile(re.escape(f"{live_server.url}/accounts/login/")))

    # The callback URL replayed, in another browser: its state belongs to no session there.
    assert len(callbacks) == 1
    other = browser.new_context()
    replay = other.new_page()
    replay.goto(callbacks[0])
    expect(replay.get_by_role("heading", name="Sign-in did not complete")).to_be_visible()
    expect(replay.get_by_text("already used or did not start here")).to_be_visible()
    check_page(replay, "replayed-state")
    replay.goto(f"{live_server.url}/")
    expect(replay).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    # ... and in the same browser: the state was used up by the first return.
    page.goto(callbacks[0])
    expect(page.get_by_role("heading", name="Sign-in did not complete")).to_be_visible()
    other.close()


@pytest.mark.parametrize("bad", ["tampered", "wrong-audience"])
def test_an_untrustworthy_id_token_is_refused(bad: str, page: Page, live_server, sso_settings):
    """A provider of our own (tests/readiness/sso/local_provider.py) hands the browser back a
    token whose payload was changed after signing, or one minted for another application."""
    provider = LocalProvider(
        claims={"sub": "alice-at-provider", "email": "alice@example.com", "email_verified": True}
    )
    if bad == "tampered":
        provider.tamper = True
    else:
        provider.override = {"aud": "another-application"}
    server = LocalProviderServer(provider)
    try:
        sso_settings.OIDC_DISCOVERY_URL = provider.discovery_url
        sso_settings.OIDC_CLIENT_ID = CLIENT_ID
        sso_settings.OIDC_CLIENT_SECRET = CLIENT_SECRET
        PersonFactory(user__username="alice", user__email="alice@example.com")

        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_role("link", name="Sign in with Contoso ID").click()

        expect(page.get_by_role("heading", name="Sign-in refused")).to_be_visible()
        expect(page.get_by_text("could not be trusted")).to_be_visible()
        check_page(page, f"refused-{bad}")
        assert not Person.objects.filter(oidc_subject="alice-at-provider").exists()
        page.goto(f"{live_server.url}/")
        expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    finally:
        server.stop()
