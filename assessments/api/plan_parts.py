"""The parts of a readiness plan the API serves the same way — its goals and its partner teams:
``plans/{pk}/<parts>/`` to add one, ``plans/{pk}/<parts>/{<part>_pk}/`` to read, change
(``PUT``/``PATCH``, checked by the page's form) and remove it.

``part_actions`` builds the two DRF actions of one kind of part from its ``PlanPart``; the plan
viewset (``assessments.api.plans``) holds them as its own methods, so the URLs, their names
and the schema are those of hand-written actions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import models
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from assessments.api.plan_access import request_input, valid_form
from readiness.api.locations import created


@dataclass(frozen=True)
class PlanPart:
    """One kind of part of a plan, and the services that write it (each takes the part by the
    keyword ``name``: ``plan_goal_update(goal=…)``)."""

    name: str  # "goal": the keyword of the services, the URL name "plan-goal"
    plural: str  # "goals": the URL path
    model: type[models.Model]
    input: type[serializers.Serializer]
    output: type[serializers.Serializer]
    form: type[forms.Form]
    create: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., Any]
    #: The operations' descriptions: "create", "get", "put", "patch", "delete".
    texts: dict[str, str]


def part_actions(part: PlanPart) -> tuple[Callable, Callable]:
    """The actions ``<name>_create`` (POST on the collection) and ``<name>`` (GET, PUT, PATCH,
    DELETE on one part) of ``part``, for ``ReadinessPlanViewSet`` (``_editable``, ``get_object``)."""
    lookup = f"{part.name}_pk"

    def create_part(self: Any, request: Request, pk: str | None = None) -> Response:  # noqa: ANN401
        plan = self._editable()
        data = request_input(part.input, request)
        entry = part.create(plan=plan, **valid_form(part.form(data=data)))
        body = part.output(entry).data
        return created(request, body, f"plan-{part.name}", pk=pk, **{lookup: entry.pk})

    def one_part(self: Any, request: Request, pk: str | None = None, **kwargs: str) -> Response:  # noqa: ANN401
        if request.method == "GET":
            entry = get_object_or_404(part.model, pk=kwargs[lookup], plan=self.get_object())
            return Response(part.output(entry).data)
        plan = self._editable()
        entry = get_object_or_404(part.model, pk=kwargs[lookup], plan=plan)
        if request.method == "DELETE":
            part.delete(**{part.name: entry})
            return Response(status=status.HTTP_204_NO_CONTENT)
        data = request_input(part.input, request, entry)
        entry = part.update(**{part.name: entry}, **valid_form(part.form(data=data)))
        return Response(part.output(entry).data)

    # Named before they become actions: DRF maps each HTTP method to the action's name, which
    # must be the name it has in the viewset.
    create_part.__name__ = create_part.__qualname__ = f"{part.name}_create"
    one_part.__name__ = one_part.__qualname__ = part.name
    collection = action(
        detail=True,
        methods=["post"],
        url_path=part.plural,
        url_name=part.plural,
        filter_backends=[],
        pagination_class=None,
    )
    create_action = extend_schema(
        request=part.input, responses={201: part.output}, description=part.texts["create"]
    )(collection(create_part))
    one = action(
        detail=True,
        methods=["get", "put", "patch", "delete"],
        url_path=rf"{part.plural}/(?P<{lookup}>[0-9]+)",
        url_name=part.name,
        filter_backends=[],
        pagination_class=None,
    )(one_part)
    # Innermost first, as decorators stacked above a function apply (the schema keeps the
    # order of the hand-written actions it replaces).
    one = extend_schema(parameters=[OpenApiParameter(lookup, int, OpenApiParameter.PATH)])(one)
    for method, request_body, responses in [
        ("DELETE", None, {204: None}),
        ("PATCH", part.input, {200: part.output}),
        ("PUT", part.input, {200: part.output}),
    ]:
        one = extend_schema(
            methods=[method],
            request=request_body,
            responses=responses,
            description=part.texts[method.lower()],
        )(one)
    one = extend_schema(
        methods=["GET"], responses={200: part.output}, description=part.texts["get"]
    )(one)
    return create_action, one
