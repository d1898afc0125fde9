"""Skill ratings: reads, the self-assessment and manager ratings."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from assessments.api import filters
from assessments.api.examples import SELF_ASSESSMENT_EXAMPLES
from assessments.api.record_serializers import (
    ManagerRatingsInput,
    SelfAssessmentInput,
    SelfAssessmentResultSerializer,
    SkillRatingSerializer,
)
from assessments.api.views.common import _invalid, _own_person
from assessments.models import RatingSource, SkillRating
from assessments.services.me import (
    RatingInput,
    RatingsInvalid,
    manager_ratings_record,
    self_assessment_record,
    submission_cycle,
)
from readiness.api.exceptions import Conflict
from readiness.api.locations import created
from readiness.api.schema import NO_PERSON_RECORD
from readiness.selectors import people_managed_by, people_visible_to
from readiness.typed import api_user


def _rating_errors(error: RatingsInvalid, inputs: list[dict], *, by_index: bool) -> dict:
    """The service's errors per rating, laid out as DRF lays out errors of a list: an object
    keyed by the index of each refused input. The self-assessment service drops unchanged
    ratings before validating, so its errors are matched to inputs by skill."""
    per_input: dict[int, dict] = {}
    for (_person_id, skill_id, index), problem in error.errors_by_key.items():
        targets = (
            [index]
            if by_index
            else [i for i, entry in enumerate(inputs) if entry["skill"] == skill_id]
        )
        detail = (
            problem.message_dict
            if hasattr(problem, "error_dict")
            else {"non_field_errors": problem.messages}
        )
        for target in targets:
            for field, messages in detail.items():
                per_input.setdefault(target, {}).setdefault(field, []).extend(messages)
    return {"ratings": per_input}


def _entries(ratings: list[dict]) -> list[RatingInput]:
    return [
        RatingInput(
            skill_id=entry["skill"],
            level=entry["level"],
            person_id=entry.get("person"),
            interest=entry.get("interest"),
            note=entry.get("note", ""),
            evidence_url=entry.get("evidence_url", ""),
        )
        for entry in ratings
    ]


@extend_schema_view(
    list=extend_schema(description="Ratings of the people you may read, newest first."),
)
class SkillRatingViewSet(viewsets.ReadOnlyModelViewSet):
    """Skill ratings (append-only). Read: ratings of the people the requester may read.
    Write: a self-assessment for oneself; manager ratings for the people one manages."""

    queryset = SkillRating.objects.none()  # for the schema; see get_queryset

    serializer_class = SkillRatingSerializer
    filterset_class = filters.SkillRatingFilter
    ordering_fields = ["created_at", "id", "level"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self) -> QuerySet:
        return SkillRating.objects.filter(
            person__in=people_visible_to(user=api_user(self.request))
        ).select_related("rated_by__person")

    @extend_schema(
        request=SelfAssessmentInput,
        responses={
            201: SelfAssessmentResultSerializer,
            404: NO_PERSON_RECORD,
            409: OpenApiResponse(
                description="`version` is stale: my ratings changed since it "
                "was read (`GET /me/`); nothing was saved."
            ),
        },
        examples=SELF_ASSESSMENT_EXAMPLES,
        description="Submit my self-assessment (as the self-assessment page does): ratings are "
        "appended only for the skills whose level or interest changed (or that carry a note or "
        "evidence link); the submission restarts my reassessment cadence and counts for the "
        "open cycle I am in.",
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="self-assessment",
        filter_backends=[],
        pagination_class=None,
    )
    def self_assessment(self, request: Request) -> Response:
        person = _own_person(request)
        data = SelfAssessmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        ratings = data.validated_data["ratings"]
        cycle = submission_cycle(person=person)
        try:
            saved = self_assessment_record(
                person=person,
                entries=_entries(ratings),
                # The account as loaded with the person (the same one as the request's): the
                # rows answered carry it as ``rated_by``, its person record already known.
                user=person.user,
                cycle=cycle,
                version=data.validated_data["version"],
            )
        except RatingsInvalid as error:
            raise _invalid(_rating_errors(error, ratings, by_index=False)) from error
        except ValidationError as error:
            if error.code == "stale":
                raise Conflict(error.messages[0]) from error
            raise
        submission = saved.submission
        # The rows as saved, in the order the list reads them back: not read again.
        rows = sorted(saved.ratings, key=lambda rating: (rating.skill_id, rating.pk))
        result = {"submission": submission, "ratings": rows}
        return created(
            request,
            SelfAssessmentResultSerializer(result).data,
            "rating-list",
            query={
                "person": person.pk,
                "source": RatingSource.SELF,
                "created_after": submission.submitted_at.isoformat(),
            },
        )

    @extend_schema(
        request=ManagerRatingsInput,
        responses={201: SkillRatingSerializer(many=True)},
        description="Record manager ratings of people you manage (your teams and the teams "
        "below them), all or nothing.",
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="manager",
        filter_backends=[],
        pagination_class=None,
    )
    def manager(self, request: Request) -> Response:
        data = ManagerRatingsInput(data=request.data)
        data.is_valid(raise_exception=True)
        ratings = data.validated_data["ratings"]
        managed = set(
            people_managed_by(user=api_user(request))
            .filter(pk__in={entry["person"] for entry in ratings})
            .values_list("pk", flat=True)
        )
        refused = {
            index: {"person": ["You do not manage this person."]}
            for index, entry in enumerate(ratings)
            if entry["person"] not in managed
        }
        if refused:
            raise _invalid({"ratings": refused})
        try:
            rows = manager_ratings_record(manager=api_user(request), entries=_entries(ratings))
        except RatingsInvalid as error:
            raise _invalid(_rating_errors(error, ratings, by_index=True)) from error
        return created(
            request,
            SkillRatingSerializer(rows, many=True).data,
            "rating-list",
            query={"source": RatingSource.MANAGER},
        )
