"""Celery tasks of webhooks: each takes ids and calls one service."""

from __future__ import annotations

from celery import shared_task

from readiness.webhooks.services import (
    TIME_LIMIT_SECONDS,
    deliveries_resume,
    webhook_delivery_attempt,
)


@shared_task(
    bind=True,
    name="readiness.webhooks.tasks.deliver_webhook",
    acks_late=True,
    # The hard limit is also the claim's lease (services.LEASE).
    time_limit=TIME_LIMIT_SECONDS,
    soft_time_limit=TIME_LIMIT_SECONDS - 10,
    # Attempts are bounded by WEBHOOK_MAX_ATTEMPTS in the service, which marks the row failed.
    max_retries=None,
)
def deliver_webhook(self, delivery_id: int) -> str:  # noqa: ANN001
    """Send delivery ``delivery_id``; on failure, retry after the service's back-off."""
    outcome = webhook_delivery_attempt(delivery_id=delivery_id)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status


@shared_task(name="readiness.webhooks.tasks.resume_webhook_deliveries")
def resume_webhook_deliveries() -> int:
    """Queue again pending deliveries whose task was lost (a broker that was down)."""
    return deliveries_resume()
