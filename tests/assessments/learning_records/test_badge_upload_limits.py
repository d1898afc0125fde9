"""One size limit for an uploaded badge (``badges.limits``), however it arrives: the page's file
or pasted text, the API's base64 file or credential. Over it, the same words at the field that
carried it, and nothing saved; at it exactly, both go on to verify the badge."""

import base64

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from assessments.learning_records.models import BadgeAward
from tests.api.conftest import field_errors
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
UPLOAD = reverse("assessments:my-badge-upload")
MINE = reverse("api:me-badge-list")
LIMIT = 1024
TOO_LARGE = "This badge is too large: at most 1 KB (this one is 2 KB)."


@pytest.fixture
def person(settings):
    settings.BADGE_UPLOAD_MAX_BYTES = LIMIT
    return PersonFactory(user__email="learner@example.com")


def _page(client, person, **data) -> str:  # noqa: ANN001
    client.force_login(person.user)
    response = client.post(UPLOAD, data)
    assert response.status_code == 400
    return response.content.decode()


def _api(api_client, person, body: dict) -> dict:  # noqa: ANN001
    api_client.force_authenticate(person.user)
    return field_errors(api_client.post(MINE, body, format="json"))


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


def test_a_file_over_the_limit(client, api_client, person) -> None:
    data = b"x" * (LIMIT + 1)
    page = _page(client, person, file=SimpleUploadedFile("badge.png", data, "image/png"))
    assert f'id="error_1_id_file"><strong>{TOO_LARGE}</strong>' in page
    assert _api(api_client, person, {"file": base64.b64encode(data).decode()}) == {
        "file": [TOO_LARGE]
    }
    assert not BadgeAward.objects.exists()


def test_text_over_the_limit(client, api_client, person) -> None:
    text = "é" * (LIMIT // 2) + "x"  # 1025 bytes in UTF-8: the limit is in bytes, as a file's
    page = _page(client, person, text=text)
    assert f'id="error_1_id_text"><strong>{TOO_LARGE}</strong>' in page
    assert _api(api_client, person, {"credential": text}) == {"credential": [TOO_LARGE]}
    assert not BadgeAward.objects.exists()


def test_at_the_limit_both_go_on_to_verify_it(client, api_client, person) -> None:
    text = "x" * LIMIT
    page = _page(client, person, text=text)
    assert "too large" not in page and "Upload a baked badge image" in page
    refused = _api(api_client, person, {"credential": text})
    assert list(refused) == ["file"] and "too large" not in str(refused)
    data = b"x" * LIMIT
    page = _page(client, person, file=SimpleUploadedFile("badge.png", data, "image/png"))
    assert "too large" not in page
    assert "too large" not in str(
        _api(api_client, person, {"file": base64.b64encode(data).decode()})
    )


def test_the_api_says_the_refusals_code(api_client, person) -> None:
    api_client.force_authenticate(person.user)
    response = api_client.post(MINE, {"credential": "x" * 2000}, format="json")
    (error,) = response.json()["errors"]
    assert (error["pointer"], error["code"]) == ("#/credential", "too_large")


# --- Past Django's limit of form fields (DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB) ------------------
# At the real limit (2 MB), with the CSRF check on as in a browser: the CSRF check reads
# request.POST before the view, where Django used to answer a bare 400.


@pytest.fixture
def browser_client(client, settings):  # noqa: ANN001, ANN201
    """The upload page as a browser posts to it: CSRF enforced, the token in the form."""
    settings.BADGE_UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    person = PersonFactory(user__email="learner@example.com")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(person.user)
    browser.get(reverse("assessments:my-verified-learning"))
    browser.token = browser.cookies["csrftoken"].value
    return browser


@pytest.mark.parametrize("size", [2_700_000, 8_000_000, 40_000_000])
def test_a_paste_past_djangos_form_limit_gets_the_fields_message(browser_client, size) -> None:
    text = "é" * (size // 2)  # its size in bytes, as the field's check counts it
    response = browser_client.post(
        UPLOAD, {"csrfmiddlewaretoken": browser_client.token, "text": text}
    )
    assert response.status_code == 400
    message = f"This badge is too large: at most 2048 KB (this one is {-(-len(text.encode()) // 1024)} KB)."
    page = response.content.decode()
    assert f'id="error_1_id_text"><strong>{message}</strong>' in page
    assert 'name="text"' in page and not BadgeAward.objects.exists()


def test_a_file_past_the_bound_is_measured_and_said_at_its_field(browser_client) -> None:
    data = b"x" * 3_000_000
    response = browser_client.post(
        UPLOAD,
        {
            "csrfmiddlewaretoken": browser_client.token,
            "file": SimpleUploadedFile("badge.png", data, "image/png"),
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "This badge is too large: at most 2048 KB (this one is 2930 KB)." in page
    assert 'id="error_1_id_file"' in page and not BadgeAward.objects.exists()


def test_a_file_and_a_text_past_the_bound_are_one_too_many(browser_client) -> None:
    response = browser_client.post(
        UPLOAD,
        {
            "csrfmiddlewaretoken": browser_client.token,
            "file": SimpleUploadedFile("badge.png", b"x" * 1_500_000, "image/png"),
            "text": "y" * 1_500_000,
        },
    )
    assert "Give either a file or pasted text, not both." in response.content.decode()


def test_a_measured_body_still_needs_its_csrf_token(browser_client) -> None:
    response = browser_client.post(
        UPLOAD, {"csrfmiddlewaretoken": "x" * 64, "text": "é" * 1_500_000}
    )
    assert response.status_code == 403


def test_the_api_takes_a_badge_at_the_limit_and_says_the_size_of_a_larger_one(settings) -> None:
    """Base64 makes a badge at the 2 MB limit 2.7 MB of JSON: past Django's 2.5 MB, the API used
    to answer it with a bare HTML 400 before the view."""
    settings.BADGE_UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    person = PersonFactory()
    api = APIClient(enforce_csrf_checks=True)
    api.force_authenticate(person.user)
    at_limit = base64.b64encode(b"x" * settings.BADGE_UPLOAD_MAX_BYTES).decode()
    refused = field_errors(api.post(MINE, {"file": at_limit}, format="json"))
    assert list(refused) == ["file"] and "too large" not in str(refused)  # read, then verified
    for body, field, kb in [
        ({"credential": "x" * 9_000_000}, "credential", 8790),
        ({"file": base64.b64encode(b"x" * 3_000_000).decode()}, "file", 2930),
    ]:
        response = api.post(MINE, body, format="json")
        assert response["Content-Type"] == "application/problem+json"
        assert field_errors(response) == {
            field: [f"This badge is too large: at most 2048 KB (this one is {kb} KB)."]
        }
    assert not BadgeAward.objects.exists()


def test_a_badge_with_its_form_fits_djangos_form_limit() -> None:
    """Under its bound the page's body is parsed by Django: a pasted badge at the limit, with
    its form, must be within Django's limit of form fields (the settings say so)."""
    from django.conf import settings

    from assessments.learning_records.badges.views import MyBadgeUploadView

    bound = MyBadgeUploadView.form_body_bound()
    assert bound == settings.BADGE_UPLOAD_MAX_BYTES + MyBadgeUploadView.FORM_ALLOWANCE
    assert bound <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE


@pytest.mark.parametrize("enforce_csrf", [False, True])
def test_an_anonymous_body_past_the_bound_is_not_measured(monkeypatch, enforce_csrf) -> None:
    """Refused as before (the sign-in; a cross-site POST: the CSRF check, no cookie) without
    the server reading the body."""
    from readiness import uploads

    monkeypatch.setattr(uploads, "form_parts_measure", pytest.fail)
    response = Client(enforce_csrf_checks=enforce_csrf).post(UPLOAD, {"text": "é" * 1_500_000})
    if enforce_csrf:
        assert response.status_code == 403
    else:
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_body_past_the_bound_with_too_many_parts_is_refused(browser_client, settings) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS, settings.DATA_UPLOAD_MAX_NUMBER_FILES = 10, 5
    parts = {f"p{i}": "x" * 5000 for i in range(20)}  # none kept before: each over 4 KB
    response = browser_client.post(
        UPLOAD, {"csrfmiddlewaretoken": browser_client.token, "text": "é" * 1_500_000, **parts}
    )
    assert response.status_code == 400
    assert "too large" not in response.content.decode() and not BadgeAward.objects.exists()


def test_the_api_refuses_a_body_past_its_bound_unread_at_the_field_it_carries(
    settings, monkeypatch
) -> None:
    """The bound is the largest badge base64-encoded and the JSON around it (a logged-in user
    could otherwise make the server parse 65 MB of JSON): a larger body is not parsed, its
    badge's size said from its declared length, at the body's first key."""
    from assessments.api.badges import JSON_ALLOWANCE, MyBadgeViewSet
    from readiness.api import parsers

    settings.BADGE_UPLOAD_MAX_BYTES = 3000
    assert MyBadgeViewSet().max_body_bytes() == 8000 + JSON_ALLOWANCE
    person = PersonFactory()
    api = APIClient()
    api.force_authenticate(person.user)
    monkeypatch.setattr(parsers.JSONParser, "_json", None)  # any parse would fail loudly
    for body, field, kb in [
        (b'{"file":"' + b"A" * 20000 + b'"}', "file", 15),  # 15,000 bytes decoded
        (b'{\n  "credential" : "' + b"x" * 20000 + b'"}', "credential", 20),
        (b'{"file":"' + b"A" * 20000 + b'","credential":"x"}', "file", 15),
    ]:
        response = api.post(MINE, body, content_type="application/json")
        assert field_errors(response) == {
            field: [f"This badge is too large: at most 2 KB (this one is {kb} KB)."]
        }
        (error,) = response.json()["errors"]
        assert error["code"] == "too_large"
    assert not BadgeAward.objects.exists()
