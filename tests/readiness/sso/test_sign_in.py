"""Single sign-on against a provider over real HTTP: the checks on the ID token, the state,
who is signed in, and the roles they bring."""

import html
import re

import pytest
import requests
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from readiness.models import Person
from tests.factories import PersonFactory, UserFactory
from tests.readiness.sso.local_provider import rsa_key

pytestmark = pytest.mark.django_db


def sign_in(client, next_url: str = ""):
    """Login page button → provider → our callback; returns (callback response, callback URL)."""
    start = client.get(reverse("sso:start") + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302
    hop = requests.get(start["Location"], allow_redirects=False, timeout=5)
    assert hop.status_code == 302
    callback_url = hop.headers["Location"]
    return client.get(callback_url), callback_url


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


@pytest.fixture
def alice():
    person = PersonFactory(user__email="alice@example.com", user__username="alice")
    return person


def test_the_authorization_request_carries_pkce_state_and_nonce(client, provider) -> None:
    start = client.get(reverse("sso:start"))
    query = requests.utils.urlparse(start["Location"]).query
    params = dict(p.split("=", 1) for p in query.split("&"))
    assert params["code_challenge_method"] == "S256"
    assert params["code_challenge"] and params["state"] and params["nonce"]
    assert params["response_type"] == "code" and "openid" in params["scope"]


def test_first_sign_in_links_by_verified_email_and_keeps_the_subject(client, provider, alice):
    provider.claims = {
        "sub": "subject-alice",
        "email": "Alice@Example.com",
        "email_verified": True,
        "roles": ["Readiness.Leadership"],
    }
    response, _ = sign_in(client, next_url="/me/")
    assert response.status_code == 302 and response["Location"] == "/me/"
    assert signed_in_user_id(client) == str(alice.user.pk)
    alice.refresh_from_db()
    assert alice.oidc_subject == "subject-alice"
    assert list(alice.user.groups.values_list("name", flat=True)) == ["Leadership"]


def test_a_renamed_email_still_finds_the_person_by_subject(client, provider, alice):
    Person.objects.filter(pk=alice.pk).update(oidc_subject="subject-alice")
    provider.claims = {
        "sub": "subject-alice",
        "email": "alice.new@example.com",
        "email_verified": False,
    }
    response, _ = sign_in(client)
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(alice.user.pk)


def test_the_immutable_claim_may_be_another_than_sub(client, provider, alice, settings):
    settings.OIDC_SUBJECT_CLAIM = "oid"
    provider.claims = {
        "sub": "pairwise-1",
        "oid": "object-id-alice",
        "email": "alice@example.com",
        "email_verified": True,
    }
    sign_in(client)
    alice.refresh_from_db()
    assert alice.oidc_subject == "object-id-alice"


def test_an_unverified_email_never_takes_over_an_account(client, provider, alice):
    provider.claims = {"sub": "attacker", "email": "alice@example.com", "email_verified": False}
    response, _ = sign_in(client)
    assert response.status_code == 403
    assert "ask your administrator" in response.content.decode().lower()
    assert signed_in_user_id(client) is None
    alice.refresh_from_db()
    assert alice.oidc_subject is None


def test_entra_verification_claim_is_configurable(client, provider, alice, settings):
    settings.OIDC_EMAIL_VERIFIED_CLAIM = "xms_edov"
    provider.claims = {"sub": "s", "email": "alice@example.com", "email_verified": True}
    assert sign_in(client)[0].status_code == 403  # email_verified is not the configured claim
    provider.claims = {"sub": "s", "email": "alice@example.com", "xms_edov": True}
    assert sign_in(client)[0].status_code == 302


def test_a_person_linked_to_another_identity_is_not_taken_by_a_second_one(client, provider, alice):
    Person.objects.filter(pk=alice.pk).update(oidc_subject="the-real-alice")
    provider.claims = {"sub": "another", "email": "alice@example.com", "email_verified": True}
    response, _ = sign_in(client)
    assert response.status_code == 403
    assert signed_in_user_id(client) is None


def test_unknown_people_are_refused_unless_creation_is_allowed(client, provider, settings):
    provider.claims = {
        "sub": "newcomer",
        "email": "new@example.com",
        "email_verified": True,
        "preferred_username": "new@example.com",
        "given_name": "Nia",
    }
    response, _ = sign_in(client)
    assert response.status_code == 403
    assert "Ask your administrator" in response.content.decode()
    assert not Person.objects.filter(oidc_subject="newcomer").exists()

    settings.OIDC_CREATE_UNKNOWN = True
    response, _ = sign_in(client)
    assert response.status_code == 302
    person = Person.objects.select_related("user").get(oidc_subject="newcomer")
    assert (person.user.email, person.user.first_name) == ("new@example.com", "Nia")
    assert not person.user.has_usable_password()
    assert signed_in_user_id(client) == str(person.user.pk)


def test_a_deactivated_person_is_refused(client, provider, alice):
    Person.objects.filter(pk=alice.pk).update(is_active=False)
    provider.claims = {"sub": "s", "email": "alice@example.com", "email_verified": True}
    assert sign_in(client)[0].status_code == 403
    assert signed_in_user_id(client) is None


def test_roles_are_applied_at_each_sign_in_removal_included_and_audited(client, provider, alice):
    alice.user.groups.add(Group.objects.get_or_create(name="Curators")[0])
    unmanaged = Group.objects.create(name="Some other group")
    alice.user.groups.add(unmanaged)
    provider.claims = {
        "sub": "s",
        "email": "alice@example.com",
        "email_verified": True,
        "roles": ["Readiness.Leadership", "Readiness.Admin"],
        "groups": ["x"],
    }
    sign_in(client)
    alice.user.refresh_from_db()
    assert set(alice.user.groups.values_list("name", flat=True)) == {
        "Leadership",
        "Some other group",
    }
    assert alice.user.is_superuser and alice.user.is_staff
    entry = LogEntry.objects.get(object_id=str(alice.user.pk))
    assert entry.change_message == (
        "Roles from Contoso: added Leadership, removed Curators, added admin"
    )
    # The user's history (django-simple-history) keeps the group memberships too.
    assert alice.user.history.count() >= 2

    client.logout()
    provider.claims["roles"] = []
    sign_in(client)
    alice.user.refresh_from_db()
    assert set(alice.user.groups.values_list("name", flat=True)) == {"Some other group"}
    assert not alice.user.is_superuser
    assert LogEntry.objects.filter(object_id=str(alice.user.pk)).count() == 2


def test_a_group_id_in_the_groups_claim_maps_too(client, provider, alice, settings):
    settings.OIDC_ROLE_MAP = {"6f1c0a52-0000-4000-8000-000000000001": "Curators"}
    provider.claims = {
        "sub": "s",
        "email": "alice@example.com",
        "email_verified": True,
        "groups": ["6f1c0a52-0000-4000-8000-000000000001"],
    }
    sign_in(client)
    assert list(alice.user.groups.values_list("name", flat=True)) == ["Curators"]


@pytest.fixture
def verified_alice(provider, alice):
    provider.claims = {"sub": "s", "email": "alice@example.com", "email_verified": True}
    return alice


def _refused(response, client, status=403) -> None:
    assert response.status_code == status
    assert signed_in_user_id(client) is None


def test_a_tampered_id_token_is_refused(client, provider, verified_alice):
    provider.tamper = True
    response, _ = sign_in(client)
    _refused(response, client)
    assert "could not be trusted" in response.content.decode()


def test_a_token_signed_with_a_key_the_provider_does_not_publish_is_refused(
    client, provider, verified_alice
):
    provider.signing_key = rsa_key("k1")  # same key id, another key
    _refused(sign_in(client)[0], client)


def test_a_wrong_audience_is_refused(client, provider, verified_alice):
    provider.override = {"aud": "another-application"}
    _refused(sign_in(client)[0], client)


def test_a_wrong_issuer_is_refused(client, provider, verified_alice):
    provider.override = {"iss": "https://login.microsoftonline.com/another-tenant/v2.0"}
    _refused(sign_in(client)[0], client)


def test_a_missing_nonce_is_refused(client, provider, verified_alice):
    provider.drop = {"nonce"}
    _refused(sign_in(client)[0], client)


def test_a_wrong_nonce_is_refused(client, provider, verified_alice):
    provider.override = {"nonce": "replayed-from-another-sign-in"}
    _refused(sign_in(client)[0], client)


def test_an_expired_token_is_refused_beyond_the_clock_skew(client, provider, verified_alice):
    import time

    now = int(time.time())
    provider.override = {"exp": now - 30, "iat": now - 330}  # within 60 s of skew: accepted
    assert sign_in(client)[0].status_code == 302
    client.logout()
    provider.override = {"exp": now - 120, "iat": now - 420}
    _refused(sign_in(client)[0], client)


def test_a_replayed_state_is_refused(client, provider, verified_alice):
    response, callback_url = sign_in(client)
    assert response.status_code == 302
    client.logout()
    replay = client.get(callback_url)
    _refused(replay, client, status=400)
    assert "already used" in replay.content.decode()


def test_a_state_from_another_browser_is_refused(client, provider, verified_alice):
    from django.test import Client

    _, callback_url = sign_in(Client())
    _refused(client.get(callback_url), client, status=400)


def test_keys_rotated_at_the_provider_are_picked_up_without_a_restart(
    client, provider, verified_alice
):
    assert sign_in(client)[0].status_code == 302
    fetches = provider.jwks_fetches
    client.logout()
    provider.signing_key = rsa_key("k2")
    provider.published = [provider.signing_key]
    assert sign_in(client)[0].status_code == 302
    assert provider.jwks_fetches == fetches + 1


def test_errors_from_the_provider_get_a_readable_page(client, provider):
    start = client.get(reverse("sso:start"))
    state = dict(p.split("=", 1) for p in start["Location"].split("?", 1)[1].split("&"))["state"]
    response = client.get(
        reverse("sso:callback"),
        {
            "error": "access_denied",
            "state": state,
            "error_description": "AADSTS50105: the user is not assigned to a role for the app.",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "You declined to let Readiness use your account" in body
    assert "AADSTS50105" in body


def test_an_expired_code_gets_a_readable_page(client, provider, verified_alice):
    start = client.get(reverse("sso:start"))
    hop = requests.get(start["Location"], allow_redirects=False, timeout=5)
    provider.codes.clear()  # the provider no longer knows the code
    response = client.get(hop.headers["Location"])
    assert response.status_code == 400
    assert "took too long or was already used" in response.content.decode()


def test_an_unreachable_provider_gets_a_readable_page(client, provider, settings):
    settings.OIDC_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"
    response = client.get(reverse("sso:start"))
    assert response.status_code == 503
    assert "does not answer" in response.content.decode()


def test_a_next_url_off_site_is_not_followed(client, provider, verified_alice):
    response, _ = sign_in(client, next_url="https://evil.example.com/")
    assert response["Location"] == reverse("home")


def test_sign_out_ends_the_provider_session_too(client, provider, verified_alice):
    sign_in(client)
    id_token = client.session["sso_id_token"]
    response = client.post(reverse("logout"))
    assert response.status_code == 200  # a page that moves on to the provider
    refresh = re.search(
        r'<meta http-equiv="refresh" content="0;url=([^"]+)">', response.content.decode()
    )
    assert refresh is not None
    url = html.unescape(refresh.group(1))
    assert url.startswith(f"{provider.url}/logout?")
    assert f"id_token_hint={id_token}" in url
    assert "post_logout_redirect_uri=http%3A%2F%2Ftestserver%2Faccounts%2Flogin%2F" in url
    # The provider answers the sign-out (our local one echoes what it was asked).
    assert requests.get(url, timeout=5).json()["id_token_hint"] == id_token
    assert signed_in_user_id(client) is None


def test_a_password_session_signs_out_here_only(client, provider):
    client.force_login(UserFactory())
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")


_hostile = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        ["", "<script>alert(1)</script>", "{{ 7|add:7 }}", "\u202e\u200b", "x" * 5000, "%00"]
    ),
)


@given(
    params=st.dictionaries(
        st.sampled_from(["code", "state", "error", "error_description", "iss", "session_state"]),
        _hostile,
    )
)
@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_hostile_callback_queries_get_a_page_never_a_5xx(client, provider, params) -> None:
    client.get(reverse("sso:start"))
    response = client.get(reverse("sso:callback"), params)
    assert response.status_code in (400, 403)
    assert signed_in_user_id(client) is None
    assert b"<script>alert(1)</script>" not in response.content


def test_a_refusal_of_our_own_is_not_attributed_to_the_provider(client, provider):
    response = client.get(reverse("sso:callback"), {"code": "c", "state": "unknown"})
    assert response.status_code == 400
    assert "Contoso said" not in response.content.decode()


def test_an_erased_person_loses_the_link_and_cannot_sign_in_again(client, provider, alice):
    from assessments.privacy import person_erase

    Person.objects.filter(pk=alice.pk).update(oidc_subject="subject-alice")
    person_erase(person=Person.objects.get(pk=alice.pk))
    alice.refresh_from_db()
    assert alice.oidc_subject is None
    provider.claims = {"sub": "subject-alice", "email": "alice@example.com", "email_verified": True}
    _refused(sign_in(client)[0], client)


def test_an_admin_forgets_a_link_and_the_next_sign_in_links_again(client, provider, alice):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

    Person.objects.filter(pk=alice.pk).update(oidc_subject="old-account")
    admin_client = type(client)()
    admin_client.force_login(UserFactory(is_superuser=True, is_staff=True))
    page = admin_client.get(reverse("admin:readiness_person_change", args=[alice.pk]))
    assert "old-account" in page.content.decode()  # shown, read-only
    response = admin_client.post(
        reverse("admin:readiness_person_changelist"),
        {"action": "forget_sso_link", ACTION_CHECKBOX_NAME: [alice.pk]},
    )
    assert response.status_code == 302
    assert LogEntry.objects.filter(change_message="Forgot the single sign-on link").exists()
    provider.claims = {"sub": "new-account", "email": "alice@example.com", "email_verified": True}
    assert sign_in(client)[0].status_code == 302
    alice.refresh_from_db()
    assert alice.oidc_subject == "new-account"
