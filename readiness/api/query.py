"""Query parameters of the API: a refused one is named as a ``parameter`` in the problem's
``errors`` (``readiness.api.exceptions.QueryParameterInvalid``), not as a body field; one the
operation does not document at all is refused before the view runs
(``UnknownParametersMiddleware``)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.core.signals import setting_changed
from django.db.models import QuerySet
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django_filters import utils
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.request import Request

from readiness.api.exceptions import (
    PROBLEM_CONTENT_TYPE,
    QueryParameterInvalid,
    errors_summary,
    problem_body,
    problem_errors,
)
from readiness.api.openapi import is_schema_setting, openapi_schema


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


# --- Parameters an endpoint does not read -----------------------------------------------------


@functools.cache
def documented_parameters() -> tuple[tuple[re.Pattern, dict[str, frozenset[str]]], ...]:
    """Each API path of the schema (as a regex: ``{id}`` is one path segment) → the query
    parameters it documents, by method. Built once per process from the schema that
    ``/api/schema/`` serves (``openapi_schema``: no query), so what is refused and what is
    documented cannot drift apart; ``readiness.wsgi`` builds it as a web server's process
    starts, so no request waits for it."""
    paths = openapi_schema()["paths"]
    routes = []
    for path, operations in paths.items():
        regex = re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(path))
        routes.append(
            (
                re.compile(regex),
                {
                    method.upper(): frozenset(
                        parameter["name"]
                        for parameter in operation.get("parameters", ())
                        if parameter["in"] == "query"
                    )
                    for method, operation in operations.items()
                },
            )
        )
    # ``/audiences/readiness/`` before ``/audiences/{id}/``: literal segments win, as in the URLs.
    return tuple(sorted(routes, key=lambda route: route[0].pattern.count("[^/]+")))


@receiver(setting_changed)
def _forget_parameters(*, setting: str, **kwargs: Any) -> None:  # noqa: ANN401
    if is_schema_setting(setting):
        documented_parameters.cache_clear()


def unknown_parameters(path: str, method: str, names: Iterable[str]) -> list[str]:
    """The query parameters among ``names`` the operation does not document (none for a
    path or method the schema does not describe: the 404 or 405 comes later)."""
    method = "GET" if method == "HEAD" else method
    for regex, methods in documented_parameters():
        if regex.fullmatch(path):
            known = methods.get(method)
            return [] if known is None else sorted(set(names) - known)
    return []


class UnknownParametersMiddleware:
    """A request to the API with a query parameter its operation does not read is a 400
    problem naming each (a misspelt filter would otherwise answer the unfiltered list)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.GET and request.path_info.startswith(API_PREFIX):
            unknown = unknown_parameters(request.path_info, request.method or "GET", request.GET)
            if unknown:
                return _refusal(request, unknown)
        return self.get_response(request)


API_PREFIX = "/api/v1/"


def _refusal(request: HttpRequest, unknown: list[str]) -> JsonResponse:
    message = "Unknown query parameter: the endpoint's parameters are in the API schema."
    errors = problem_errors(
        {name: [ErrorDetail(message, code="unknown")] for name in unknown}, as_parameter=True
    )
    body = problem_body(
        status=400,
        code="invalid_parameter",
        instance=request.path,
        detail=errors_summary(errors),
        errors=errors,
    )
    return JsonResponse(body, status=400, content_type=PROBLEM_CONTENT_TYPE)
