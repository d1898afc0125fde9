"""Admin of webhooks (managed on /integrations/webhooks/; here to look and to pause)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from readiness.webhooks.models import WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "description", "is_active", "created_at"]
    list_filter = ["is_active"]
    fields = ["url", "description", "events", "is_active", "created_by", "created_at"]
    readonly_fields = ["url", "events", "created_by", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Created on the webhooks page (or the API), which generates the secret and shows it.
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "event_type",
        "event_id",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "created_at",
    ]
    list_filter = ["status", "event_type"]
    list_select_related = ["endpoint"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
