"""The web shell: base layout, navigation, sign-in and password pages, error pages."""

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.template.loader import get_template
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EXTERNAL_ASSET = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.IGNORECASE)


def test_anonymous_home_redirects_to_login(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_login_page_has_labelled_inputs_and_only_local_assets(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    html = response.content.decode()
    for field in ("username", "password"):
        assert re.search(rf'<label[^>]*\bfor="id_{field}"', html)
        assert f'id="id_{field}"' in html
    assert "Forgot your password?" in html
    assert reverse("password_reset") in html
    assert "/static/bootstrap/css/bootstrap.min.css" in html
    assert "/static/bootstrap/js/bootstrap.bundle.min.js" in html
    assert "/static/css/readiness.css" in html
    assert not EXTERNAL_ASSET.search(html)
    # No inline scripts: every <script> has a src.
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
    # Shell landmarks: language, skip link, main, no navigation sections for anonymous users.
    assert '<html lang="en">' in html
    assert 'href="#main"' in html
    assert '<main id="main"' in html
    assert reverse("admin:index") not in html


def test_login_shows_errors_at_the_form(client):
    UserFactory(username="ada")

    response = client.post(reverse("login"), {"username": "ada", "password": "wrong"})

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_user_logs_in_and_out(client, password):
    user = UserFactory(username="ada")

    response = client.post(reverse("login"), {"username": "ada", "password": password})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(user.pk)

    assert client.get(reverse("logout")).status_code == 405  # logout is POST only
    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_login_honours_next(client, password):
    UserFactory(username="ada")
    url = reverse("password_change")

    response = client.post(reverse("login"), {"username": "ada", "password": password, "next": url})

    assert response["Location"] == url


def test_password_reset_flow(client, mailoutbox):
    user = UserFactory(username="ada", email="ada@example.com")

    response = client.post(reverse("password_reset"), {"email": "ada@example.com"})

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert client.get(response["Location"]).status_code == 200
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["ada@example.com"]
    assert mail.subject == "Choose a new password for Readiness"
    assert "ada" in mail.body
    link = re.search(r"https?://testserver(/accounts/reset/\S+/)", mail.body).group(1)

    # The token is swapped for "set-password" in the session, then the form shows.
    response = client.get(link, follow=True)
    assert response.status_code == 200
    assert response.context["validlink"] is True
    html = response.content.decode()
    assert re.search(r'<label[^>]*\bfor="id_new_password1"', html)
    set_password_url = response.redirect_chain[-1][0]

    new_password = "a-brand-new-passphrase-42"
    response = client.post(
        set_password_url, {"new_password1": new_password, "new_password2": new_password}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_complete")
    assert client.get(response["Location"]).status_code == 200
    user.refresh_from_db()
    assert user.check_password(new_password)
    # The link works once.
    response = client.get(link, follow=True)
    assert response.context["validlink"] is False
    assert "This link no longer works" in response.content.decode()


def test_password_reset_for_unknown_address_sends_nothing(client, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})

    assert response["Location"] == reverse("password_reset_done")
    assert mailoutbox == []


def test_password_change(client, password):
    user = UserFactory(username="ada")
    client.force_login(user)
    new_password = "another-long-passphrase-7"

    response = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": new_password, "new_password2": new_password},
    )

    assert response["Location"] == reverse("password_change_done")
    assert client.get(response["Location"]).status_code == 200
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_user_menu_shows_username_change_password_and_logout_form(client):
    client.force_login(UserFactory(username="ada"))

    html = client.get(reverse("password_change")).content.decode()

    assert "ada" in html
    assert f'href="{reverse("password_change")}"' in html
    logout_form = re.search(
        rf'<form method="post" action="{reverse("logout")}">(.*?)</form>', html, re.DOTALL
    )
    assert logout_form is not None
    assert 'name="csrfmiddlewaretoken"' in logout_form.group(1)


@pytest.mark.parametrize(("is_superuser", "shows_admin"), [(False, False), (True, True)])
def test_admin_link_only_for_superusers(client, is_superuser, shows_admin):
    client.force_login(UserFactory(is_superuser=is_superuser, is_staff=is_superuser))

    html = client.get(reverse("password_change")).content.decode()

    assert (f'href="{reverse("admin:index")}"' in html) is shows_admin


def test_staff_who_is_not_superuser_sees_no_admin_link(client):
    client.force_login(UserFactory(is_staff=True))

    html = client.get(reverse("password_change")).content.decode()

    assert f'href="{reverse("admin:index")}"' not in html


def test_messages_render_as_bootstrap_alerts():
    html = get_template("includes/messages.html").render(
        {"messages": [Message(constants.ERROR, "Boom"), Message(constants.SUCCESS, "Saved")]}
    )

    assert 'class="alert alert-danger' in html
    assert 'class="alert alert-success' in html
    assert "Boom" in html and "Saved" in html


def test_404_page_uses_the_shell(client):
    client.force_login(UserFactory())

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "navbar" in html


def test_500_page_renders_without_context_or_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = get_template("500.html").render()

    assert "Something went wrong" in html
    assert "{%" not in html
    assert not EXTERNAL_ASSET.search(html)


def test_403_page_renders(rf):
    html = get_template("403.html").render({}, rf.get("/"))

    assert "You cannot open this page" in html
