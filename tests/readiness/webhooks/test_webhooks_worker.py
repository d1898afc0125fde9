"""Webhook deliveries through a real Celery worker on the Redis broker (two worker threads),
to a real local receiver: a receiver that fails twice then succeeds gets the same signed event
three times and the delivery is recorded once as succeeded; two tasks for one delivery at once
send it once.

Locally these tests skip when Redis does not answer; in CI (CI=true or REQUIRE_SERVICES=1) they
fail instead."""

import pytest

from readiness.webhooks.models import DeliveryStatus, EventType, WebhookDelivery
from readiness.webhooks.services import TASK_NAME, event_emit, webhook_endpoint_create
from tests.readiness.webhooks.webhook_receiver import Receiver

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

TIMEOUT = 60


@pytest.fixture
def receiver():
    made = []

    def make(responses):
        server = Receiver(responses=list(responses)).start()
        made.append(server)
        return server

    yield make
    for server in made:
        server.stop()


def _delivery(server) -> int:
    endpoint, secret = webhook_endpoint_create(url=server.url, events=["rating.recorded"])
    server.secret = secret
    (delivery_id,) = event_emit(type=EventType.RATING_RECORDED, data={"ratings": [{"id": 1}]})
    return delivery_id


def test_fails_twice_then_succeeds_through_celery_retries(celery_worker_app, receiver, settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 0  # the back-off's shape is tested without a worker
    server = receiver([500, 500, 200])
    delivery_id = _delivery(server)

    result = celery_worker_app.send_task(TASK_NAME, args=[delivery_id])

    assert result.get(timeout=TIMEOUT) == "succeeded"
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.SUCCEEDED,
        3,
        200,
    )
    assert [r.verified for r in server.received] == [True, True, True]
    assert len({r.headers["idempotency-key"] for r in server.received}) == 1
    assert server.processed == [server.received[0].event["id"]]


def test_two_tasks_for_one_delivery_send_it_once(require_postgres, celery_worker_app, receiver):
    # SQLite locks the whole database for a writer, so true concurrency needs PostgreSQL (CI).
    server = receiver([200])
    delivery_id = _delivery(server)

    results = [celery_worker_app.send_task(TASK_NAME, args=[delivery_id]) for _ in range(2)]

    assert [r.get(timeout=TIMEOUT) for r in results] == ["succeeded", "succeeded"]
    assert len(server.received) == 1
    assert WebhookDelivery.objects.get(pk=delivery_id).attempts == 1
