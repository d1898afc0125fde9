"""Security headers, Content-Security-Policy, login lock-out and session settings."""

import re

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from readiness.client_address import client_ip_address
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in header.split(";")
        if part.strip()
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


def _sign_in_from(client, username: str, password: str, *, remote: str, forwarded: str = ""):
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_without_a_trusted_proxy_x_forwarded_for_cannot_move_a_lock_out(client) -> None:
    """Facing the clients directly, the header is the client's to write: it is ignored, so a
    lock earned from one address holds whatever address the header then claims."""
    user = UserFactory(username="spoof-target")
    for n in range(settings.AXES_FAILURE_LIMIT):
        _sign_in_from(
            client, user.username, "wrong", remote="198.51.100.7", forwarded=f"203.0.113.{n}"
        )

    response = _sign_in_from(
        client, user.username, PASSWORD, remote="198.51.100.7", forwarded="192.0.2.200"
    )

    assert response.status_code == 429
    assert _sign_in_from(client, user.username, PASSWORD, remote="198.51.100.7").status_code == 429
    # The lock is per (username, address): the same user from another connection signs in.
    assert _sign_in_from(client, user.username, PASSWORD, remote="198.51.100.8").status_code == 302


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_one_client_cannot_lock_out_another(client) -> None:
    """Every request comes from the proxy (one REMOTE_ADDR); the address the proxy appended to
    X-Forwarded-For tells the clients apart, and what the attacker wrote to its left does not."""
    user = UserFactory(username="proxied-user")
    proxy = "10.0.0.2"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        # The attacker (203.0.113.66) claims to be the victim's address; the proxy appends the
        # real one.
        _sign_in_from(
            client, user.username, "wrong", remote=proxy, forwarded="203.0.113.7, 203.0.113.66"
        )

    attacker = _sign_in_from(
        client, user.username, PASSWORD, remote=proxy, forwarded="203.0.113.66"
    )
    victim = _sign_in_from(client, user.username, PASSWORD, remote=proxy, forwarded="203.0.113.7")

    assert attacker.status_code == 429
    assert victim.status_code == 302


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        (0, "198.51.100.1", "203.0.113.5", "198.51.100.1"),
        (1, "10.0.0.2", "203.0.113.5", "203.0.113.5"),
        (1, "10.0.0.2", "1.1.1.1, 203.0.113.5", "203.0.113.5"),
        (2, "10.0.0.3", "1.1.1.1, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (2, "10.0.0.3", "203.0.113.5", "10.0.0.3"),  # did not come through both proxies
        (1, "10.0.0.2", "", "10.0.0.2"),
        (1, "10.0.0.2", "1.1.1.1, not-an-address", "10.0.0.2"),
        (1, "10.0.0.2", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_is_the_entry_the_outermost_trusted_proxy_wrote(
    rf, trusted, remote, forwarded, expected
) -> None:
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(TRUSTED_PROXY_COUNT=trusted):
        assert client_ip_address(request) == expected


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
