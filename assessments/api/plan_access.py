"""The permission and the input helpers of the readiness-plan API (``assessments.api.plans``):
who may use it, and how a request's input becomes a form's cleaned data or a 400."""

from __future__ import annotations

from django import forms
from django.db import models
from django.forms.models import model_to_dict
from rest_framework import exceptions, serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from assessments.selectors.plans import (
    plan_can_create,
    plans_visible_to,
)

# --- Permissions ------------------------------------------------------------------------------


class CanUsePlans(BasePermission):
    """Leadership and admins (every plan), and the owner of a plan (theirs)."""

    message = "Only leadership, admins and a plan's owner may use plans."

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return plan_can_create(user=user) or plans_visible_to(user=user).exists()


# --- Input -------------------------------------------------------------------------------------


def form_errors(form: forms.Form) -> exceptions.ValidationError:
    return exceptions.ValidationError(
        {
            ("non_field_errors" if field == "__all__" else field): [e["message"] for e in errors]
            for field, errors in form.errors.get_json_data().items()
        }
    )


def valid_form(form: forms.Form) -> dict:
    """The form's cleaned data, or a 400 with its messages."""
    if not form.is_valid():
        raise form_errors(form)
    return form.cleaned_data


def request_input(
    serializer_class: type[serializers.Serializer],
    request: Request,
    instance: models.Model | None = None,
) -> dict:
    """The validated input of a PUT or POST; of a PATCH, the fields sent over ``instance``'s
    current values — then checked by the same form and written by the same service as a PUT."""
    partial = request.method == "PATCH"
    data = serializer_class(data=request.data, partial=partial)
    data.is_valid(raise_exception=True)
    current = model_to_dict(instance, fields=list(data.fields)) if partial and instance else {}
    return {**current, **data.validated_data}
