"""Security headers, Content-Security-Policy, login lock-out and session settings."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in header.split(";") if part.strip()
    }


def test_pages_carry_a_script_policy_without_unsafe_inline(client) -> None:
    response = client.get(reverse("login"))

    policy = _policy(response)
    assert "'self'" in policy["script-src"]
    assert "unsafe-inline" not in policy["script-src"]
    assert "unsafe-eval" not in policy["script-src"]
    assert policy["frame-ancestors"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_no_template_has_an_inline_script_without_a_nonce() -> None:
    inline = []
    for path in (settings.BASE_DIR / "templates").rglob("*.html"):
        for match in re.finditer(r"<script\b([^>]*)>", path.read_text()):
            if "src=" not in match.group(1) and "nonce=" not in match.group(1):
                inline.append(str(path))
    assert inline == []


def test_the_swagger_page_runs_its_one_inline_script_with_the_policy_nonce(client) -> None:
    client.force_login(UserFactory())

    response = client.get(reverse("api:docs"))

    assert response.status_code == 200
    nonce = re.search(r"'nonce-([^']+)'", _policy(response)["script-src"]).group(1)
    assert f'<script nonce="{nonce}">' in response.content.decode()
    assert "SwaggerUIBundle" in response.content.decode()


def test_sessions_expire_and_cookies_are_http_only_and_same_site() -> None:
    assert 0 < settings.SESSION_COOKIE_AGE <= 60 * 60 * 24
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.CSRF_COOKIE_SAMESITE == "Lax"
    assert len(settings.AUTH_PASSWORD_VALIDATORS) >= 4


def _sign_in(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_five_wrong_passwords_lock_the_account_out(client) -> None:
    user = UserFactory(username="mallory-target")

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _sign_in(client, user.username, "wrong-password")
        assert response.status_code == 200  # the form again, with its error
    response = _sign_in(client, user.username, "wrong-password")
    assert response.status_code == 429

    response = _sign_in(client, user.username, PASSWORD)

    assert response.status_code == 429
    assert "Sign-in temporarily locked" in response.content.decode()
    assert "paused for 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # A lock-out is per username and address: another account still signs in.
    other = UserFactory(username="innocent-bystander")
    assert _sign_in(client, other.username, PASSWORD).status_code == 302


def test_the_lock_out_lifts_after_the_cool_off(client, time_machine) -> None:
    user = UserFactory(username="patient-user")
    time_machine.move_to("2026-03-02 09:00:00+00:00", tick=False)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, user.username, "wrong-password")
    assert _sign_in(client, user.username, PASSWORD).status_code == 429

    time_machine.move_to("2026-03-02 09:16:00+00:00", tick=False)

    assert _sign_in(client, user.username, PASSWORD).status_code == 302


def test_a_correct_password_before_the_limit_signs_in(client) -> None:
    user = UserFactory(username="forgetful-user")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, user.username, "wrong-password")

    assert _sign_in(client, user.username, PASSWORD).status_code == 302
