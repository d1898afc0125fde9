"""Serializers of the person side's records: ratings, learning plans and cycles.

Output serializers read the models; input serializers check the shape of a request and hand
it to a service, which decides. The rule results are in ``assessments.api.serializers``.
"""

from typing import Any

from django.core.validators import MaxLengthValidator
from rest_framework import serializers

from assessments.forms.me import LEVEL_ERROR
from assessments.models import (
    AssessmentCycle,
    AssessmentSubmission,
    CycleStatus,
    LearningPlanItem,
    SkillRating,
)
from readiness.api.people import PersonNameField, PersonRefField
from readiness.api.schema import LevelField
from readiness.api.strict import StrictSerializer
from readiness.models import Level

# --- Ratings ----------------------------------------------------------------------------------


class SkillRatingSerializer(serializers.ModelSerializer):
    # Declared: a read-only model field loses ``allow_blank``, and the schema the blank value.
    evidence_url = serializers.URLField(allow_blank=True, read_only=True)
    person = serializers.IntegerField(
        source="person_id", read_only=True, help_text="Person id of who is rated."
    )
    rated_by = PersonRefField(what="who rated")
    rated_by_name = PersonNameField(source="rated_by", what="who rated")

    class Meta:
        model = SkillRating
        fields = [
            "id",
            "person",
            "skill",
            "level",
            "source",
            "rated_by",
            "rated_by_name",
            "cycle",
            "interest",
            "note",
            "evidence_url",
            "created_at",
        ]
        read_only_fields = fields


class LevelInputField(LevelField):
    """A level as the self-assessment form takes it: 0 to 4, with the form's message."""

    def to_internal_value(self, data: Any) -> int:  # noqa: ANN401
        value = super().to_internal_value(data)
        if value not in Level.values:
            raise serializers.ValidationError(LEVEL_ERROR)
        return value


class SelfRatingInput(StrictSerializer):
    skill = serializers.IntegerField(help_text="Skill id.")
    level = LevelInputField()
    interest = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Wants to grow this skill: 2 wants to grow (the self-assessment switch), "
        "1 wants to grow later, 0 not now; 1 and 2 both count as wants to grow.",
    )
    # The service does not check the note's length (a TextField); the form does, with
    # Django's own validator, whose message this repeats.
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        validators=[MaxLengthValidator(SkillRating._meta.get_field("note").max_length)],
    )
    evidence_url = serializers.CharField(required=False, allow_blank=True, default="")


class SelfAssessmentInput(StrictSerializer):
    ratings = SelfRatingInput(many=True, allow_empty=True)
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="``assessment_version`` from /me/: refuses a stale submission.",
    )


class ManagerRatingInput(SelfRatingInput):
    person = serializers.IntegerField(help_text="Person id: someone you manage.")
    interest = None  # type: ignore[assignment]  # DRF: None takes the inherited field away


class ManagerRatingsInput(StrictSerializer):
    ratings = ManagerRatingInput(many=True, allow_empty=False)


class SubmissionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssessmentSubmission
        fields = ["id", "person", "cycle", "kind", "changed_skills", "submitted_at"]
        extra_kwargs = {"person": {"help_text": "Person id of who submitted."}}
        read_only_fields = fields


class SelfAssessmentResultSerializer(serializers.Serializer):
    submission = SubmissionSerializer()
    ratings = SkillRatingSerializer(many=True)


# --- Learning plans ---------------------------------------------------------------------------


class PlanItemSerializer(serializers.ModelSerializer):
    resource_title = serializers.CharField(source="resource.title", read_only=True)
    person = serializers.IntegerField(
        source="person_id", read_only=True, help_text="Person id of whose plan it is in."
    )
    assigned_by = PersonRefField(what="the manager who assigned it (none: the person added it)")
    assigned_by_name = PersonNameField(source="assigned_by", what="the manager who assigned it")

    class Meta:
        model = LearningPlanItem
        fields = [
            "id",
            "person",
            "resource",
            "resource_title",
            "skill",
            "status",
            "due_date",
            "assigned_by",
            "assigned_by_name",
            "created_at",
            "started_at",
            "completed_at",
            "updated_at",
        ]
        read_only_fields = fields


class PlanItemAddInput(StrictSerializer):
    resource = serializers.IntegerField(help_text="Training resource id.")
    skill = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="The gap it serves."
    )
    due_date = serializers.DateField(required=False, allow_null=True, default=None)


class PlanItemAssignInput(StrictSerializer):
    team = serializers.IntegerField(help_text="A team you manage.")
    resource = serializers.IntegerField(help_text="Training resource id.")
    people = serializers.ListField(
        child=serializers.IntegerField(), allow_empty=True, help_text="Person ids: team members."
    )
    due_date = serializers.DateField()


class PlanItemAssignResultSerializer(serializers.Serializer):
    created = PlanItemSerializer(many=True)
    updated = PlanItemSerializer(many=True)


class PlanItemTransitionInput(StrictSerializer):
    action = serializers.ChoiceField(choices=["plan", "start", "complete", "drop"])


# --- Cycles -----------------------------------------------------------------------------------


class AssessmentCycleSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssessmentCycle
        fields = [
            "id",
            "name",
            "plan",
            "audiences",
            "teams",
            "include_subteams",
            "opens_on",
            "due_on",
            "status",
            "closed_at",
            "created_at",
        ]
        read_only_fields = fields


class CompletionSerializer(serializers.Serializer):
    submitted = serializers.IntegerField()
    in_scope = serializers.IntegerField()
    percent = serializers.IntegerField(allow_null=True, help_text="Null: nobody in scope.")


class TeamCompletionSerializer(CompletionSerializer):
    team = serializers.IntegerField(
        source="team_id", allow_null=True, help_text="Null: people without a team."
    )
    # A declared field, which DRF takes off the class (it shadows no Field attribute).
    label = serializers.CharField(help_text='"Department › Team".')  # type: ignore[assignment]
    depth = serializers.IntegerField()


class CycleCompletionSerializer(serializers.Serializer):
    """Who submitted of who is in scope, overall and per team (frozen once the cycle is
    closed); a manager counts the people of the teams they manage only."""

    cycle = AssessmentCycleSerializer()
    completion = CompletionSerializer()
    teams = TeamCompletionSerializer(many=True)


class AssessmentCycleInput(StrictSerializer):
    name = serializers.CharField(allow_blank=True)
    plan = serializers.IntegerField(required=False, allow_null=True, default=None)
    audiences = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )
    teams = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    include_subteams = serializers.BooleanField(required=False, default=True)
    opens_on = serializers.DateField()
    due_on = serializers.DateField()
    status = serializers.ChoiceField(
        choices=[CycleStatus.DRAFT, CycleStatus.OPEN], required=False, default=CycleStatus.DRAFT
    )
