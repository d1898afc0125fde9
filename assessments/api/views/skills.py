"""Effective levels and gaps of a person: ``/people/<id>/skills/`` and ``/me/skills/``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from assessments.api.serializers import (
    SkillStateParams,
    SkillStateSerializer,
)
from assessments.api.views.common import (
    _ordered,
    _own_person,
    _paginated,
    _params,
    _skills,
    _visible_person,
)
from assessments.selectors import person_skill_states
from readiness.models import Person


class SkillStatesMixin(generics.GenericAPIView):
    """Lists a person's skill states, filtered and ordered as the query asks."""

    serializer_class = SkillStateSerializer
    filter_backends = []

    def states_response(self, request: Request, person: Person) -> Response:
        params = _params(SkillStateParams, request)
        states = list(person_skill_states(person=person).values())
        skills = _skills(state.skill_id for state in states)
        if params["gaps_only"]:
            states = [s for s in states if s.gap > 0]
        if params["required"] is not None:
            states = [s for s in states if s.required == params["required"]]
        if params.get("category"):
            states = [s for s in states if skills[s.skill_id].category.slug == params["category"]]
        states = _ordered(states, skills, params["ordering"])
        return _paginated(self, states, SkillStateSerializer(many=True, context={"skills": skills}))


_STATES_DOC: dict[str, Any] = {
    "parameters": [SkillStateParams],
    "responses": {200: SkillStateSerializer(many=True)},
}


class PersonSkillsView(SkillStatesMixin, generics.GenericAPIView):
    """Effective level, target and gap of every required or rated skill of a person."""

    @extend_schema(operation_id="people_skills_list", **_STATES_DOC)
    def get(self, request: Request, person_id: int) -> Response:
        return self.states_response(request, _visible_person(request, person_id))


class MySkillsView(SkillStatesMixin, generics.GenericAPIView):
    """My effective levels and gaps (``?gaps_only=true`` for the gaps)."""

    @extend_schema(operation_id="me_skills_list", **_STATES_DOC)
    def get(self, request: Request) -> Response:
        return self.states_response(request, _own_person(request))
