"""Reads of webhooks, for the admin's page and the API."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from readiness.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

#: Deliveries an endpoint's page shows (newest first).
RECENT_DELIVERIES = 50


def webhook_endpoints() -> QuerySet[WebhookEndpoint]:
    """Every endpoint with its delivery counts (one statement)."""
    return WebhookEndpoint.objects.annotate(
        pending_count=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.PENDING)),
        failed_count=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
        succeeded_count=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.SUCCEEDED)),
    ).order_by("-created_at", "-id")


def webhook_deliveries(*, endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    """The deliveries of ``endpoint``, newest first, with their last responses."""
    return WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-created_at", "-id")
