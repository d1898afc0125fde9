"""The webhook endpoint an admin registers and the outbox row of each event sent to it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class EventType(models.TextChoices):
    RATING_RECORDED = "rating.recorded", "Ratings recorded (self or manager)"
    PLAN_ITEM_COMPLETED = "plan_item.completed", "Learning plan item completed"
    PERSON_DUE = "person.due", "Person due for reassessment"
    CERTIFICATION_EXPIRING = (
        "certification.expiring",
        "Certification expiring (60, 30, 7 days before)",
    )
    #: Sent by the "send a test event" button to one endpoint only, whatever it subscribes to.
    PING = "webhook.test", "Test event"


#: The events an admin can subscribe to.
SUBSCRIBABLE = [choice for choice in EventType if choice != EventType.PING]


class WebhookEndpoint(models.Model):
    """An HTTPS address that receives the events it subscribes to, signed with its secret."""

    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list, help_text="The event types it receives.")
    #: The signing secret: shown once, when created; kept to sign (an HMAC key, not a hash).
    secret = models.CharField(max_length=100, editable=False)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed (gave up)"


class WebhookDelivery(models.Model):
    """One event for one endpoint: written in the transaction of the change (an outbox), sent
    by a task, with the last attempt's response. The body is fixed when the event happens, so
    every attempt sends the same bytes with the same event id."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.CharField(max_length=100)
    event_type = models.CharField(max_length=40, choices=EventType.choices)
    body = models.TextField()
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    #: Which attempt holds the row (see ``services.webhook_delivery_attempt``).
    claimed_by = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_response = models.TextField(blank=True, help_text="The start of the last response.")
    last_error = models.CharField(max_length=300, blank=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_id"], name="one_delivery_per_endpoint_and_event"
            ),
            models.CheckConstraint(
                condition=models.Q(succeeded_at__isnull=True) | models.Q(status="succeeded"),
                name="webhook_succeeded_at_only_when_succeeded",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_due")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id} → {self.endpoint_id} ({self.status})"
