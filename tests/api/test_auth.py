"""Authentication: session for the browser, hashed tokens for integrations; anonymous requests
get a 401 JSON answer, never the login page."""

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from readiness.models import ApiToken
from readiness.tokens import token_create, token_revoke
from tests.api.conftest import problem_of

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", ME),
        ("get", "/api/v1/people/"),
        ("get", "/api/v1/skills/"),
        ("post", "/api/v1/hr/upsert/"),
    ],
)
def test_anonymous_gets_401_json_not_the_login_page(api, method, path):
    response = getattr(api(None), method)(path)
    body = problem_of(response, 401)
    assert body["code"] == "not_authenticated"
    assert body["detail"] == "Authentication credentials were not provided."
    assert body["instance"] == path
    assert response["WWW-Authenticate"] == "Token"


def test_a_token_authenticates_without_a_session(org):
    token, secret = token_create(user=org.employee.user, name="script")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    response = client.get(ME)
    assert response.status_code == 200
    assert response.json()["person"]["username"] == "employee"
    assert "sessionid" not in response.cookies


def test_tokens_are_stored_hashed(org):
    token, secret = token_create(user=org.employee.user, name="script")
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret.startswith("rdy_")
    assert stored.digest != secret and secret not in stored.digest
    assert len(stored.digest) == 128  # sha512 hex
    assert secret.startswith(stored.token_key)


def test_a_wrong_token_is_refused(org):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token rdy_notarealtoken0000000000")
    assert client.get(ME).status_code == 401


def test_an_expired_token_is_refused(org):
    _token, secret = token_create(user=org.employee.user, name="short", expires_in_days=7)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert client.get(ME).status_code == 200
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=8)):
        assert client.get(ME).status_code == 401


def test_a_revoked_token_is_refused(org):
    token, secret = token_create(user=org.employee.user, name="script")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert client.get(ME).status_code == 200
    assert token_revoke(user=org.employee.user, token_key=token.token_key)
    assert client.get(ME).status_code == 401


def test_an_inactive_account_token_is_refused(org):
    _token, secret = token_create(user=org.employee.user, name="script")
    org.employee.user.is_active = False
    org.employee.user.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert client.get(ME).status_code == 401


def test_the_browser_session_works_too(client, org):
    client.force_login(org.employee.user)
    assert client.get(ME).json()["person"]["username"] == "employee"


def test_session_writes_need_the_csrf_token(org):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(org.employee.user)
    response = client.post(
        "/api/v1/concerns/", {"category": "ethics", "text": "Who checks?"}, format="json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
