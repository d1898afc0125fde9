"""One size limit for an uploaded badge (``badges.limits``), however it arrives: the page's file
or pasted text, the API's base64 file or credential. Over it, the same words at the field that
carried it, and nothing saved; at it exactly, both go on to verify the badge."""

import base64

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
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
