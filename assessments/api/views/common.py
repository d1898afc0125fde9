"""Helpers shared by the API views of the person side."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from rest_framework import exceptions, generics, serializers
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from assessments.api.serializers import (
    ReadinessSerializer,
)
from assessments.selectors import Readiness, SkillState
from readiness.api.query import query_params
from readiness.models import Person, Skill
from readiness.selectors import people_visible_to, person_get
from readiness.typed import api_user


def _skills(skill_ids: Iterable[int]) -> dict[int, Skill]:
    return Skill.objects.select_related("category").in_bulk(set(skill_ids))


def _skill_order(skill: Skill) -> tuple:
    return (skill.category.order, skill.category.name, skill.order, skill.name, skill.pk)


def _visible_person(request: Request, person_id: int) -> Person:
    """A person the requester may read (``people_visible_to``), else 404."""
    return get_object_or_404(
        people_visible_to(user=api_user(request)).select_related("user", "team", "role"),
        pk=person_id,
    )


def _own_person(request: Request) -> Person:
    person = person_get(user=api_user(request))
    if person is None:
        raise exceptions.NotFound("This account has no person record.")
    return person


def _params(serializer_class: type[serializers.Serializer], request: Request) -> dict:
    return query_params(serializer_class, request)


def _paginated(
    view: generics.GenericAPIView, rows: Sequence, serializer: serializers.Serializer
) -> Response:
    """One page of a computed list (the rule functions' rows), in the paginator's envelope."""
    page = view.paginate_queryset(rows)
    serializer.instance = page
    return view.get_paginated_response(serializer.data)


def _page(view: generics.GenericAPIView, rows: Sequence | QuerySet) -> list:
    """The rows of the requested page (every API list is paginated: DEFAULT_PAGINATION_CLASS)."""
    page = view.paginate_queryset(rows)
    if page is None:
        raise ImproperlyConfigured("The API's lists need a pagination class.")
    return list(page)


def _figures(readiness: Readiness | None, *, hidden: bool) -> dict:
    """``readiness`` for the serializer; ``hidden``: what the privacy floor decided
    (``readiness.privacy_floor``)."""
    return ReadinessSerializer.figures(readiness, hidden=hidden)


def _ordered(states: list[SkillState], skills: dict[int, Skill], ordering: str) -> list:
    by_skill = sorted(states, key=lambda s: _skill_order(skills[s.skill_id]))
    if ordering == "skill":
        return by_skill
    field = ordering.lstrip("-")
    reverse = ordering.startswith("-")
    # None (not assessed) sorts as -1; the framework's order breaks ties.
    return sorted(
        by_skill,
        key=lambda s: -1 if getattr(s, field) is None else getattr(s, field),
        reverse=reverse,
    )


def _invalid(detail: dict) -> exceptions.ValidationError:
    return exceptions.ValidationError(detail)
