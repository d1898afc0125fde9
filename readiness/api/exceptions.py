"""Errors of the API: a refusal by a service reads like a refusal by a serializer.

Services raise Django's ``ValidationError`` (``RatingsInvalid`` for several ratings at once);
the forms show those messages at their fields, and the API returns them as a 400 whose body
maps each field to its messages, exactly as DRF does for its own validation.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


def validation_detail(error: DjangoValidationError) -> dict | list:
    """DRF's shape for a Django ValidationError: {field: [messages]} or [messages]."""
    if hasattr(error, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
            for field, messages in error.message_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: list(error.messages)}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        detail = getattr(exc, "api_detail", None) or validation_detail(exc)
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        response.data = {"detail": str(exc.detail)}
    return response
