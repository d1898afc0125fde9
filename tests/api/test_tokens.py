"""API tokens: a person creates, lists and revokes their own (API and profile page); admins
create and revoke service tokens."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from readiness.models import ApiToken
from readiness.tokens import MAX_PERSONAL_TOKENS, service_token_create, token_create
from tests.api.conftest import field_errors

pytestmark = pytest.mark.django_db

TOKENS = "/api/v1/tokens/"
SERVICE = "/api/v1/service-tokens/"


def test_create_list_and_revoke_my_token(api, org):
    client = api("employee")  # authenticated with a token named "tests"
    created = client.post(TOKENS, {"name": "BI dashboard", "expires_in_days": 30}, format="json")
    assert created.status_code == 201
    body = created.json()
    assert body["token"].startswith(body["token_key"])
    assert body["account"] == "employee" and body["expiry"] is not None
    names = [t["name"] for t in client.get(TOKENS).json()["results"]]
    assert sorted(names) == ["BI dashboard", "tests"]
    assert "token" not in client.get(TOKENS).json()["results"][0]  # the secret is shown once

    assert client.delete(f"{TOKENS}{body['token_key']}/").status_code == 204
    assert not ApiToken.objects.filter(token_key=body["token_key"]).exists()


def test_i_cannot_see_or_revoke_someone_elses_token(api, org):
    theirs, _secret = token_create(user=org.colleague.user, name="theirs")
    client = api("employee")
    assert theirs.token_key not in str(client.get(TOKENS).content)
    assert client.delete(f"{TOKENS}{theirs.token_key}/").status_code == 404
    assert api("admin").delete(f"{TOKENS}{theirs.token_key}/").status_code == 404
    assert ApiToken.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "", "expires_in_days": 30}, "name"),
        ({"name": "x", "expires_in_days": 5}, "expires_in_days"),
    ],
)
def test_bad_token_input_is_a_400_with_field_errors(api, org, payload, field):
    response = api("employee").post(TOKENS, payload, format="json")
    assert response.status_code == 400
    assert field in field_errors(response)
    assert ApiToken.objects.filter(user=org.employee.user).count() == 1  # the client's own


def test_a_person_has_at_most_so_many_tokens(api, org):
    client = api("employee")
    for n in range(MAX_PERSONAL_TOKENS - 1):
        assert client.post(TOKENS, {"name": f"t{n}"}, format="json").status_code == 201
    refused = client.post(TOKENS, {"name": "one too many"}, format="json")
    assert refused.status_code == 400
    assert "revoke one" in field_errors(refused)["non_field_errors"][0]


def test_anonymous_cannot_create_a_token(api):
    assert api(None).post(TOKENS, {"name": "x"}, format="json").status_code == 401


# --- Service tokens ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["employee", "manager", "curator", "lead"])
def test_only_admins_manage_service_tokens(api, persona):
    client = api(persona)
    assert client.get(SERVICE).status_code == 403
    assert (
        client.post(SERVICE, {"account": "hr-sync", "name": "HR"}, format="json").status_code == 403
    )


def test_admin_creates_a_service_token_for_a_service_account(api, org):
    client = api("admin")
    response = client.post(
        SERVICE, {"account": "hr-sync", "name": "HR system", "can_hr_upsert": True}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["account"] == "hr-sync" and body["is_service"] and body["can_hr_upsert"]
    token = ApiToken.objects.get(token_key=body["token_key"])
    assert not token.user.has_usable_password()
    assert not hasattr(token.user, "person")
    assert [t["token_key"] for t in client.get(SERVICE).json()["results"]] == [token.token_key]
    # The service account sees what its groups allow: nobody's skills.
    from rest_framework.test import APIClient

    service = APIClient()
    service.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert service.get("/api/v1/people/").json()["count"] == 0
    assert client.delete(f"{SERVICE}{token.token_key}/").status_code == 204
    assert service.get("/api/v1/people/").status_code == 401


def test_a_service_token_cannot_take_over_a_persons_login(api, org):
    response = api("admin").post(SERVICE, {"account": "employee", "name": "sneaky"}, format="json")
    assert response.status_code == 400
    assert "account" in field_errors(response)


# --- The profile page -------------------------------------------------------------------------


def test_profile_page_creates_shows_once_and_revokes(client, org):
    client.force_login(org.employee.user)
    page = reverse("readiness:tokens")
    assert client.get(page).status_code == 200
    response = client.post(page, {"name": "my scripts", "expires_in_days": 90}, follow=True)
    assert response.status_code == 200
    token = ApiToken.objects.get(user=org.employee.user, name="my scripts")
    html = response.content.decode()
    secret = response.context["new_secret"]
    assert secret.startswith(token.token_key) and secret in html
    assert secret not in client.get(page).content.decode()  # shown once
    response = client.post(reverse("readiness:token-revoke", args=[token.token_key]), follow=True)
    assert "revoked" in response.content.decode()
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_profile_page_refuses_a_bad_expiry_and_saves_nothing(client, org):
    client.force_login(org.employee.user)
    response = client.post(reverse("readiness:tokens"), {"name": "x", "expires_in_days": 3})
    assert response.status_code == 400
    assert not ApiToken.objects.filter(user=org.employee.user).exists()


def test_profile_page_cannot_revoke_someone_elses_token(client, org):
    theirs, _secret = token_create(user=org.colleague.user, name="theirs")
    client.force_login(org.employee.user)
    client.post(reverse("readiness:token-revoke", args=[theirs.token_key]))
    assert ApiToken.objects.filter(pk=theirs.pk).exists()


def test_profile_page_needs_a_login(client):
    response = client.get(reverse("readiness:tokens"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_admin_creates_and_revokes_a_service_token_on_the_page(client, org):
    client.force_login(org.admin)
    response = client.post(
        reverse("readiness:service-token-create"),
        {"account": "bi-tool", "name": "Dashboards", "expires_in_days": ""},
        follow=True,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(is_service=True, name="Dashboards")
    assert token.expiry is None and not token.can_hr_upsert
    assert "bi-tool" in response.content.decode()
    client.post(reverse("readiness:service-token-revoke", args=[token.token_key]))
    assert not ApiToken.objects.filter(pk=token.pk).exists()


@pytest.mark.parametrize("persona", ["employee", "lead", "curator"])
def test_only_admins_use_the_service_token_forms(client, org, persona):
    user = getattr(org, persona)
    client.force_login(getattr(user, "user", user))
    token, _secret = service_token_create(admin=org.admin, account="hr", name="HR")
    assert "Service tokens" not in client.get(reverse("readiness:tokens")).content.decode()
    create = client.post(reverse("readiness:service-token-create"), {"account": "x", "name": "y"})
    revoke = client.post(reverse("readiness:service-token-revoke", args=[token.token_key]))
    assert create.status_code == 403 and revoke.status_code == 403
    assert ApiToken.objects.filter(is_service=True).count() == 1


def test_admin_creates_a_scim_token_on_the_page_and_it_provisions(client, org):
    client.force_login(org.admin)
    page = client.get(reverse("readiness:tokens")).content.decode()
    assert 'name="can_scim"' in page and "/scim/v2/" in page
    response = client.post(
        reverse("readiness:service-token-create"),
        {"account": "entra", "name": "Entra ID", "can_scim": "on", "expires_in_days": ""},
        follow=True,
    )
    token = ApiToken.objects.get(is_service=True, name="Entra ID")
    assert token.can_scim and not token.can_hr_upsert
    secret = re.search(
        r'id="new-token-value"[^>]*value="([^"]+)"', response.content.decode()
    ).group(1)
    scim = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert scim.get("/scim/v2/Users").status_code == 200


def test_the_scim_token_command_prints_a_working_token_once(org):
    out, err = io.StringIO(), io.StringIO()
    call_command("scim_token", "--name", "Entra ID", stdout=out, stderr=err)
    secret = out.getvalue().strip()
    token = ApiToken.objects.get(name="Entra ID")
    assert token.can_scim and token.is_service and token.user.get_username() == "scim"
    assert secret.startswith("rdy_") and secret not in str(ApiToken.objects.values_list())
    assert "shown once" in err.getvalue()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/scim/v2/Users").status_code == 200
    with pytest.raises(CommandError):
        call_command("scim_token", "--name", " ", stdout=out, stderr=err)
