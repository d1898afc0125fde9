"""The admin's webhooks pages: endpoints, their deliveries with the last responses, "send a
test event". Admins only; writes go through ``readiness.webhooks.services``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from readiness.permissions import is_admin
from readiness.typed import AuthenticatedHttpRequest
from readiness.webhooks.forms import EndpointForm
from readiness.webhooks.models import WebhookEndpoint
from readiness.webhooks.selectors import RECENT_DELIVERIES, webhook_deliveries, webhook_endpoints
from readiness.webhooks.services import (
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_update,
    webhook_test_send,
)

#: The secret of an endpoint just created, kept in the session until its page shows it once.
NEW_SECRET_KEY = "readiness_new_webhook_secret"  # nosec B105 # a session key name


def _admin_only(request: HttpRequest) -> None:
    if not is_admin(request.user):
        raise PermissionDenied("Only admins manage webhooks.")


def _form_errors(form: EndpointForm, error: ValidationError) -> None:
    for field, texts in error.message_dict.items():
        form.add_error(field if field in form.fields else None, texts)


@require_http_methods(["GET", "POST"])
def webhooks_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every endpoint with its counts; POST registers one and shows its secret once."""
    _admin_only(request)
    form = EndpointForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = webhook_endpoint_create(created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            request.session[NEW_SECRET_KEY] = secret
            messages.success(
                request, "Endpoint added. Copy its signing secret now: it is shown once."
            )
            return redirect("readiness:webhook-detail", pk=endpoint.pk)
    context = {"endpoints": list(webhook_endpoints()), "form": form}
    return render(
        request, "readiness/webhooks_list.html", context, status=400 if form.is_bound else 200
    )


@require_http_methods(["GET", "POST"])
def webhook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An endpoint, its recent deliveries; POST changes its address, description or events."""
    _admin_only(request)
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    initial = {"url": endpoint.url, "description": endpoint.description, "events": endpoint.events}
    form = EndpointForm(
        request.POST if request.method == "POST" else None, initial=initial, submit="Save"
    )
    if request.method == "POST" and form.is_valid():
        try:
            webhook_endpoint_update(endpoint=endpoint, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Endpoint saved.")
            return redirect("readiness:webhook-detail", pk=endpoint.pk)
    context = {
        "endpoint": endpoint,
        "form": form,
        "deliveries": list(webhook_deliveries(endpoint=endpoint)[:RECENT_DELIVERIES]),
        "new_secret": request.session.pop(NEW_SECRET_KEY, None),
    }
    return render(
        request, "readiness/webhooks_detail.html", context, status=400 if form.is_bound else 200
    )


@require_POST
def webhook_test_view(request: HttpRequest, pk: int) -> HttpResponse:
    _admin_only(request)
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    webhook_test_send(endpoint=endpoint)
    messages.success(request, "A test event is on its way; its delivery shows below.")
    return redirect("readiness:webhook-detail", pk=endpoint.pk)


@require_POST
def webhook_active_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Pause or resume an endpoint (``active=0`` / ``1``)."""
    _admin_only(request)
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    active = request.POST.get("active") == "1"
    webhook_endpoint_update(endpoint=endpoint, is_active=active)
    messages.success(
        request,
        "Endpoint resumed." if active else "Endpoint paused: it receives no event until resumed.",
    )
    return redirect("readiness:webhook-detail", pk=endpoint.pk)


@require_POST
def webhook_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    _admin_only(request)
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    webhook_endpoint_delete(endpoint=endpoint)
    messages.success(request, "Endpoint deleted, with its deliveries.")
    return redirect("readiness:webhooks")
