"""PASSWORD_LOGIN: the password form hidden and refused, but for a break-glass superuser; the
sign-in page with and without single sign-on."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

BREAK_GLASS = reverse("login") + "?break-glass=1"


@pytest.fixture
def no_passwords(settings):
    settings.PASSWORD_LOGIN = False


def _post(client, url, user, password=PASSWORD):
    return client.post(url, {"username": user.username, "password": password})


def test_by_default_the_password_form_works_and_no_provider_button_shows(client) -> None:
    page = client.get(reverse("login")).content.decode()
    assert 'name="password"' in page and "Sign in with" not in page
    assert _post(client, reverse("login"), UserFactory()).status_code == 302


def test_with_sso_the_page_offers_the_provider_first(client, provider) -> None:
    page = client.get(reverse("login") + "?next=/me/").content.decode()
    assert "Sign in with Contoso" in page
    assert f'href="{reverse("sso:start")}?next=/me/"' in page
    assert 'name="password"' in page  # PASSWORD_LOGIN is on


def test_password_login_off_hides_the_form_and_refuses_a_post(
    client, provider, no_passwords
) -> None:
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with Contoso" in page
    assert 'name="password"' not in page and "Forgot your password?" not in page
    response = _post(client, reverse("login"), UserFactory())
    assert response.status_code == 403
    assert "Password sign-in is turned off" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_break_glass_lets_a_superuser_in_with_a_password(client, no_passwords) -> None:
    admin = UserFactory(is_superuser=True, is_staff=True)
    page = client.get(BREAK_GLASS).content.decode()
    assert 'name="password"' in page and "only administrators" in page
    response = _post(client, BREAK_GLASS, admin)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(admin.pk)


def test_break_glass_refuses_everybody_else(client, no_passwords) -> None:
    response = _post(client, BREAK_GLASS, UserFactory())
    assert response.status_code == 200  # the form again, with its error
    assert "_auth_user_id" not in client.session


def test_the_admin_login_refuses_non_superusers_too(client, no_passwords) -> None:
    staff = UserFactory(is_staff=True)
    response = _post(client, reverse("admin:login"), staff)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_django_axes_still_guards_the_break_glass_form(client, no_passwords, settings) -> None:
    admin = UserFactory(is_superuser=True, is_staff=True, username="root")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _post(client, BREAK_GLASS, admin, password="wrong")
    response = _post(client, BREAK_GLASS, admin)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_without_any_way_in_the_page_says_so(client, no_passwords) -> None:
    page = client.get(reverse("login")).content.decode()
    assert "no single sign-on provider is configured" in page


def test_sso_urls_are_not_found_when_sso_is_off(client) -> None:
    assert client.get(reverse("sso:start")).status_code == 404
    assert client.get(reverse("sso:callback")).status_code == 404
