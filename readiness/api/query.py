"""Query parameters of the API: a refused one is named as a ``parameter`` in the problem's
``errors`` (``readiness.api.exceptions.QueryParameterInvalid``), not as a body field."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters import utils
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers
from rest_framework.request import Request

from readiness.api.exceptions import QueryParameterInvalid


def query_params(serializer_class: type[serializers.Serializer], request: Request) -> dict:
    """The validated query parameters a serializer reads, or a 400 naming the refused ones."""
    params = serializer_class(data=request.query_params)
    if not params.is_valid():
        raise QueryParameterInvalid(params.errors)
    return params.validated_data


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, its refusals reported as query parameters."""

    def filter_queryset(self, request: Request, queryset: QuerySet, view: Any) -> QuerySet:  # noqa: ANN401
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise QueryParameterInvalid(utils.translate_validation(filterset.errors).detail)
        return filterset.qs
