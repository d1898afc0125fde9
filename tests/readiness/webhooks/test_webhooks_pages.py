"""The admin's webhooks page and ``/api/v1/webhooks/``: register, secret shown once, deliveries
with their last responses, a test event. Who is refused is the permission matrix's."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from readiness.tokens import token_create
from readiness.webhooks.models import WebhookDelivery, WebhookEndpoint
from readiness.webhooks.services import webhook_delivery_attempt, webhook_endpoint_create
from tests.factories import PersonFactory, UserFactory
from tests.readiness.webhooks.webhook_receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user():
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def receiver():
    server = Receiver(responses=[502, 200]).start()
    yield server
    server.stop()


def test_the_admin_finds_the_page_from_the_navigation(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("home")).content.decode()
    assert reverse("readiness:webhooks") in page
    tokens = client.get(reverse("readiness:tokens")).content.decode()
    assert reverse("readiness:webhooks") in tokens  # next to the service tokens
    employee = PersonFactory().user
    client.force_login(employee)
    assert reverse("readiness:webhooks") not in client.get(reverse("home")).content.decode()


def test_register_on_the_page_shows_the_secret_once_then_deliveries(client, admin_user, receiver):
    client.force_login(admin_user)
    response = client.post(
        reverse("readiness:webhooks"),
        {
            "url": receiver.url,
            "description": "HR sync",
            "events": ["rating.recorded", "person.due"],
        },
    )
    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("readiness:webhook-detail", args=[endpoint.pk])
    first = client.get(response["Location"]).content.decode()
    assert endpoint.secret in first
    second = client.get(response["Location"]).content.decode()
    assert endpoint.secret not in second
    assert "No delivery yet" in second

    receiver.secret = endpoint.secret
    assert client.post(reverse("readiness:webhook-test", args=[endpoint.pk])).status_code == 302
    delivery = WebhookDelivery.objects.get()
    webhook_delivery_attempt(delivery_id=delivery.pk)  # the receiver answers 502 first
    page = client.get(reverse("readiness:webhook-detail", args=[endpoint.pk])).content.decode()
    assert "HTTP 502" in page and delivery.event_id in page and "Pending" in page
    webhook_delivery_attempt(delivery_id=delivery.pk)
    page = client.get(reverse("readiness:webhook-detail", args=[endpoint.pk])).content.decode()
    assert "HTTP 200" in page and "Succeeded" in page
    assert receiver.received[-1].verified


def test_bad_input_is_refused_at_the_field_and_nothing_is_saved(client, admin_user, settings):
    settings.WEBHOOK_ALLOW_HTTP_LOOPBACK = False
    client.force_login(admin_user)
    response = client.post(
        reverse("readiness:webhooks"),
        {
            "url": "http://hooks.example.com/x",
            "events": ["rating.recorded"],
        },
    )
    assert response.status_code == 400
    assert "Use an https:// address" in response.content.decode()
    response = client.post(reverse("readiness:webhooks"), {"url": "https://h.example.com/"})
    assert response.status_code == 400
    assert "Choose at least one event." in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_pause_change_and_delete_on_the_page(client, admin_user):
    endpoint, _ = webhook_endpoint_create(url="https://h.example.com/", events=["person.due"])
    client.force_login(admin_user)
    client.post(reverse("readiness:webhook-active", args=[endpoint.pk]), {"active": "0"})
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    response = client.post(
        reverse("readiness:webhook-detail", args=[endpoint.pk]),
        {
            "url": "https://other.example.com/",
            "events": ["plan_item.completed"],
        },
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.events) == (
        "https://other.example.com/",
        ["plan_item.completed"],
    )
    client.post(reverse("readiness:webhook-delete", args=[endpoint.pk]))
    assert not WebhookEndpoint.objects.exists()


def test_the_pages_keep_their_query_count(client, admin_user, django_assert_num_queries):
    client.force_login(admin_user)
    for size in (2, 8):
        for i in range(size):
            endpoint, _ = webhook_endpoint_create(
                url=f"https://h{i}.example.com/", events=["person.due"]
            )
            WebhookDelivery.objects.create(
                endpoint=endpoint, event_id=f"evt_{size}_{i}", event_type="person.due", body="{}"
            )
        # session, user, the endpoints with their counts; the cycle banner with the
        # navigation's flags
        with django_assert_num_queries(4):
            assert client.get(reverse("readiness:webhooks")).status_code == 200
        # session, user, the endpoint, its deliveries; the cycle banner with the navigation's
        # flags
        with django_assert_num_queries(5):
            assert (
                client.get(reverse("readiness:webhook-detail", args=[endpoint.pk])).status_code
                == 200
            )


# --- API ------------------------------------------------------------------------------------


def _api(user) -> APIClient:
    _token, secret = token_create(user=user, name="t", expires_in_days=7)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def test_api_register_read_pause_test_and_deliveries(admin_user, receiver):
    api = _api(admin_user)
    created = api.post(
        "/api/v1/webhooks/",
        {
            "url": receiver.url,
            "events": ["plan_item.completed", "certification.expiring"],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["secret"].startswith("whsec_")
    assert created["Location"] == f"/api/v1/webhooks/{body['id']}/"
    read = api.get(created["Location"]).json()
    assert "secret" not in read and read["events"] == [
        "certification.expiring",
        "plan_item.completed",
    ]
    assert "secret" not in api.get("/api/v1/webhooks/").json()["results"][0]

    sent = api.post(f"/api/v1/webhooks/{body['id']}/test/")
    assert sent.status_code == 202 and sent.json()["status"] == "pending"
    receiver.secret = body["secret"]
    webhook_delivery_attempt(delivery_id=sent.json()["id"])
    (row,) = api.get(f"/api/v1/webhooks/{body['id']}/deliveries/").json()["results"]
    assert (row["event_type"], row["last_status_code"], row["status"]) == (
        "webhook.test",
        502,
        "pending",
    )
    assert '"status": 502' in row["last_response"]

    paused = api.patch(created["Location"], {"is_active": False}, format="json")
    assert paused.status_code == 200 and paused.json()["is_active"] is False
    assert api.delete(created["Location"]).status_code == 204
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"url": "http://hooks.example.com/", "events": ["person.due"]}, "url"),
        ({"url": "https://hooks.example.com/", "events": ["person.deleted"]}, "events"),
        ({"url": "https://hooks.example.com/", "events": []}, "events"),
        ({"url": "https://hooks.example.com/", "events": ["webhook.test"]}, "events"),
    ],
)
def test_api_refuses_bad_endpoints(admin_user, settings, payload, field):
    settings.WEBHOOK_ALLOW_HTTP_LOOPBACK = False
    response = _api(admin_user).post("/api/v1/webhooks/", payload, format="json")
    assert response.status_code == 400
    assert field in str(response.json())
    assert not WebhookEndpoint.objects.exists()
