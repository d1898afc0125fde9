"""``/api/v1/webhooks/``: admins register endpoints, read their deliveries, send a test event.

The signing secret is in the answer to the creation only (``secret``), never afterwards.
"""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from readiness.api.permissions import IsAdmin
from readiness.api.strict import StrictSerializer
from readiness.typed import api_user
from readiness.webhooks.models import SUBSCRIBABLE, WebhookDelivery, WebhookEndpoint
from readiness.webhooks.selectors import webhook_deliveries, webhook_endpoints
from readiness.webhooks.services import (
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_update,
    webhook_test_send,
)

EVENT_CHOICES = [(c.value, c.label) for c in SUBSCRIBABLE]


class WebhookEndpointSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=EVENT_CHOICES))
    pending_count = serializers.IntegerField(read_only=True)
    failed_count = serializers.IntegerField(read_only=True)
    succeeded_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "description",
            "events",
            "is_active",
            "created_at",
            "pending_count",
            "failed_count",
            "succeeded_count",
        ]
        read_only_fields = fields


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(
        read_only=True, help_text="The signing secret: shown in this answer only."
    )

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookEndpointInput(StrictSerializer):
    url = serializers.CharField(max_length=500, help_text="https:// only.")
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_CHOICES), allow_empty=False
    )
    is_active = serializers.BooleanField(required=False)


class WebhookDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event_id",
            "event_type",
            "status",
            "attempts",
            "created_at",
            "next_attempt_at",
            "last_attempt_at",
            "last_status_code",
            "last_response",
            "last_error",
            "succeeded_at",
        ]
        read_only_fields = fields


@extend_schema_view(
    create=extend_schema(
        request=WebhookEndpointInput,
        responses={201: WebhookEndpointCreatedSerializer},
        description="Register an endpoint; the answer carries its signing secret, shown this once.",
    ),
    partial_update=extend_schema(
        request=WebhookEndpointInput(partial=True),
        responses={200: WebhookEndpointSerializer},
        description="Change the address, description, events, or "
        "pause (is_active false) an endpoint.",
    ),
    destroy=extend_schema(description="Delete an endpoint and its deliveries."),
)
class WebhookEndpointViewSet(
    mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Webhook endpoints (admins)."""

    queryset = WebhookEndpoint.objects.none()  # for the schema; see get_queryset
    permission_classes = [IsAdmin]
    serializer_class = WebhookEndpointSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    ordering_fields = ["created_at", "id"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self) -> QuerySet:
        return webhook_endpoints()

    def create(self, request: Request, *args, **kwargs) -> Response:
        data = WebhookEndpointInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        is_active = values.pop("is_active", True)
        endpoint, secret = webhook_endpoint_create(created_by=api_user(request), **values)
        if not is_active:
            webhook_endpoint_update(endpoint=endpoint, is_active=False)
        endpoint = self.get_queryset().get(pk=endpoint.pk)
        endpoint.secret = secret
        body = WebhookEndpointCreatedSerializer(endpoint).data
        return Response(
            body,
            status=status.HTTP_201_CREATED,
            headers={"Location": f"{request.path}{endpoint.pk}/"},
        )

    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        endpoint = self.get_object()
        data = WebhookEndpointInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        webhook_endpoint_update(endpoint=endpoint, **data.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=endpoint.pk)).data)

    def perform_destroy(self, instance: WebhookEndpoint) -> None:
        webhook_endpoint_delete(endpoint=instance)

    @extend_schema(
        request=None,
        responses={202: WebhookDeliverySerializer},
        description="Send a `webhook.test` event to this endpoint alone.",
    )
    @action(detail=True, methods=["post"], url_path="test")
    def send_test(self, request: Request, pk: str | None = None) -> Response:
        endpoint = self.get_object()
        (delivery_id,) = webhook_test_send(endpoint=endpoint)
        delivery = WebhookDelivery.objects.get(pk=delivery_id)
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        responses={200: WebhookDeliverySerializer(many=True)},
        description="The endpoint's deliveries, newest first, with the last "
        "response of each (status, the start of the body, time).",
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="deliveries",
        serializer_class=WebhookDeliverySerializer,
        filter_backends=[],
    )
    def deliveries(self, request: Request, pk: str | None = None) -> Response:
        endpoint = self.get_object()
        page = self.paginate_queryset(webhook_deliveries(endpoint=endpoint))
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)
