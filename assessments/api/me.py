"""API of my own side beyond my skills: the quick review ("nothing changed — confirm my
ratings"), the resources recommended for my gaps, and the suggested plan covering them.

The same functions as "My readiness" and "My assessment": ``assessments.services.me
.self_assessment_confirm``, ``assessments.selectors.me.person_gap_candidates`` (the ranking of
``assessments.recommendations.gap_candidates``) and ``person_plan_suggestion``
(``plan_cover``).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments.api.record_serializers import (
    SubmissionSerializer,
)
from assessments.api.views import _own_person
from assessments.recommendations import Candidate
from assessments.selectors import person_skill_states
from assessments.selectors.me import person_gap_candidates, person_plan_suggestion
from assessments.services.me import self_assessment_confirm, submission_cycle
from catalog.models import TrainingResource
from readiness.api.locations import created
from readiness.typed import api_user

# --- Serializers ------------------------------------------------------------------------------


class ResourceBriefSerializer(serializers.ModelSerializer):
    provider_name = serializers.CharField(source="provider.name", read_only=True)

    class Meta:
        model = TrainingResource
        fields = [
            "id",
            "title",
            "url",
            "kind",
            "provider",
            "provider_name",
            "duration_minutes",
            "is_free",
        ]
        read_only_fields = fields


class CandidateSerializer(serializers.Serializer):
    resource = ResourceBriefSerializer()
    level = serializers.IntegerField(help_text="The level the resource brings the skill to.")
    closes_gap = serializers.BooleanField()
    minutes = serializers.IntegerField(help_text="Its duration (8 hours when unknown).")


class GapRecommendationSerializer(serializers.Serializer):
    skill = serializers.IntegerField()
    level = serializers.IntegerField(allow_null=True, help_text="My level now (null: none).")
    target = serializers.IntegerField(allow_null=True)
    gap = serializers.IntegerField()
    candidates = CandidateSerializer(many=True, help_text="Best first.")


class MyRecommendationsSerializer(serializers.Serializer):
    gaps = GapRecommendationSerializer(many=True, help_text="Largest gap first.")


class SuggestedResourceSerializer(ResourceBriefSerializer):
    covers = serializers.ListField(
        child=serializers.IntegerField(), help_text="Ids of the gap skills it covers."
    )

    class Meta(ResourceBriefSerializer.Meta):
        fields = [*ResourceBriefSerializer.Meta.fields, "covers"]
        read_only_fields = fields


class PlanSuggestionSerializer(serializers.Serializer):
    resources = SuggestedResourceSerializer(many=True)
    minutes = serializers.IntegerField(help_text="Their total duration.")
    uncovered = serializers.ListField(
        child=serializers.IntegerField(), help_text="Gap skills no resource can close."
    )


class ConfirmResultSerializer(serializers.Serializer):
    submission = SubmissionSerializer()


# --- Views ------------------------------------------------------------------------------------


class MyConfirmView(APIView):
    """ "Nothing changed": record a submission (no rating) so that my reassessment date starts
    again; it counts for the assessment cycle I am in, if one is open."""

    @extend_schema(
        request=None, responses={201: ConfirmResultSerializer}, operation_id="me_confirm"
    )
    def post(self, request: Request) -> Response:
        person = _own_person(request)
        states = person_skill_states(person=person)
        if not any(state.self_level is not None for state in states.values()):
            raise serializers.ValidationError(
                {
                    "non_field_errors": [
                        "You have no ratings to confirm yet: rate your skills first."
                    ]
                }
            )
        cycle = submission_cycle(person=person)
        submission = self_assessment_confirm(person=person, user=api_user(request), cycle=cycle)
        return created(request, ConfirmResultSerializer({"submission": submission}).data, "me")


class MyRecommendationsView(generics.GenericAPIView):
    """For each of my gaps (largest first), the ranked resources that build the skill above
    my level, fitting my audience."""

    serializer_class = MyRecommendationsSerializer
    pagination_class = None
    filter_backends: list = []

    @extend_schema(operation_id="me_recommendations")
    def get(self, request: Request) -> Response:
        person = _own_person(request)
        states = person_skill_states(person=person)
        candidates: dict[int, list[Candidate]] = person_gap_candidates(person=person, states=states)
        gaps = sorted((s for s in states.values() if s.gap > 0), key=lambda s: -s.gap)
        rows = [
            {
                "skill": s.skill_id,
                "level": s.level,
                "target": s.target,
                "gap": s.gap,
                "candidates": candidates.get(s.skill_id, []),
            }
            for s in gaps
        ]
        return Response(MyRecommendationsSerializer({"gaps": rows}).data)


class MyPlanSuggestionView(generics.GenericAPIView):
    """The fewest hours of resources that cover all my gaps ("suggest a plan"); nothing is
    added to my plan (add items with ``POST /plan-items/``)."""

    serializer_class = PlanSuggestionSerializer
    pagination_class = None
    filter_backends: list = []

    @extend_schema(operation_id="me_plan_suggestion")
    def get(self, request: Request) -> Response:
        person = _own_person(request)
        suggestion = person_plan_suggestion(person=person)
        for resource in suggestion.resources:
            # Read by SuggestedResourceSerializer.covers (not a field of the model).
            setattr(resource, "covers", suggestion.covers.get(resource.pk, []))  # noqa: B010
        return Response(
            PlanSuggestionSerializer(
                {
                    "resources": suggestion.resources,
                    "minutes": suggestion.minutes,
                    "uncovered": suggestion.uncovered,
                }
            ).data
        )
