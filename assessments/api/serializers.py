"""Serializers of the person side: rule results, ratings, learning plans and cycles.

Output serializers read the dataclasses the rule functions return (``SkillState``,
``Readiness``, ``Reassessment``) without computing anything; input serializers check the
shape of a request and hand it to a service, which decides.
"""

from typing import Any

from django.core.validators import MaxLengthValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessments.forms.me import LEVEL_ERROR
from assessments.models import (
    AssessmentCycle,
    AssessmentSubmission,
    CycleStatus,
    LearningPlanItem,
    SkillRating,
)
from assessments.selectors import Readiness, SkillState
from readiness.api.schema import LevelField
from readiness.api.serializers import PersonSerializer
from readiness.api.strict import StrictSerializer
from readiness.models import Audience, Level, Skill, SkillCategory, Team
from readiness.privacy_floor import min_people

# --- Rule results -----------------------------------------------------------------------------


class SkillBriefSerializer(serializers.ModelSerializer):
    category: "serializers.SlugRelatedField[SkillCategory]" = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )

    class Meta:
        model = Skill
        fields = ["id", "slug", "name", "category"]
        read_only_fields = fields


class SkillStateSerializer(serializers.Serializer):
    """Where a person stands on a skill (``assessments.selectors.SkillState``)."""

    skill = serializers.SerializerMethodField()
    # A declared field, which DRF takes off the class (it shadows no Field attribute).
    required = serializers.BooleanField(  # type: ignore[assignment]
        help_text="The skill has a target for this person."
    )
    target = serializers.IntegerField(allow_null=True)
    level = serializers.IntegerField(allow_null=True, help_text="Effective level.")
    self_level = serializers.IntegerField(allow_null=True)
    self_at = serializers.DateTimeField(allow_null=True)
    manager_level = serializers.IntegerField(allow_null=True)
    manager_at = serializers.DateTimeField(allow_null=True)
    interest = serializers.IntegerField(
        allow_null=True, help_text="Wants to grow: 2 wants to grow, 1 later, 0 not now."
    )
    gap = serializers.IntegerField(help_text="max(0, target − level); target when not assessed.")
    not_assessed = serializers.BooleanField()
    at_target = serializers.BooleanField()
    awaiting_review = serializers.BooleanField(
        help_text="The latest self rating is newer than the last manager rating and differs "
        "from it (or the manager has not rated the skill): in the manager's review queue."
    )
    calibration_flag = serializers.BooleanField(
        help_text="Self and manager ratings differ by 2 levels or more."
    )

    @extend_schema_field(SkillBriefSerializer)
    def get_skill(self, state: SkillState) -> dict:
        return SkillBriefSerializer(self.context["skills"][state.skill_id]).data


class ReadinessSerializer(serializers.Serializer):
    """Readiness figures (``assessments.selectors.Readiness``). On a leadership view, a figure
    the privacy floor hides (``readiness.privacy_floor``: a group of fewer than
    ``MIN_AGGREGATE_PEOPLE`` people, or one subtracting shown figures would reveal) has every
    field null and ``hidden_reason`` says why."""

    people = serializers.IntegerField(allow_null=True)
    people_ready = serializers.IntegerField(allow_null=True)
    # A declared field, which DRF takes off the class (it shadows no Field attribute).
    required = serializers.IntegerField(  # type: ignore[assignment]
        allow_null=True, help_text="(person, required skill) pairs."
    )
    at_target = serializers.IntegerField(allow_null=True)
    not_assessed = serializers.IntegerField(allow_null=True)
    total_gap = serializers.IntegerField(allow_null=True)
    share = serializers.FloatField(allow_null=True, help_text="Share of pairs at target, 0..1.")
    percent = serializers.IntegerField(allow_null=True)
    people_ready_share = serializers.FloatField(allow_null=True)
    mean_gap = serializers.FloatField(allow_null=True)
    hidden_reason = serializers.CharField(allow_null=True)

    @staticmethod
    def figures(readiness: Readiness | None, *, hidden: bool = False) -> dict:
        """The serializer's input for ``readiness`` (None: nothing counted), or hidden."""
        fields = ReadinessSerializer._declared_fields
        if hidden:
            return {
                **dict.fromkeys(fields),
                "hidden_reason": f"Fewer than {min_people()} people, or a figure that would "
                "reveal such a group: hidden for privacy.",
            }
        if readiness is None:
            readiness = Readiness(0, 0, 0, 0, 0, 0)
        return {
            **{name: getattr(readiness, name) for name in fields if name != "hidden_reason"},
            "hidden_reason": None,
        }


class ReassessmentSerializer(serializers.Serializer):
    due_on = serializers.DateField(allow_null=True)
    is_due = serializers.BooleanField()
    last_assessed_at = serializers.DateTimeField(allow_null=True)
    cycle = serializers.IntegerField(
        source="cycle_id", allow_null=True, help_text="The open cycle awaiting a submission."
    )
    reason = serializers.ChoiceField(
        choices=["cycle", "never assessed", "nothing required", "cadence"]
    )


class PersonReadinessSerializer(serializers.Serializer):
    person = PersonSerializer()
    readiness = ReadinessSerializer()
    reassessment = ReassessmentSerializer()


class MeSerializer(PersonReadinessSerializer):
    assessment_version = serializers.IntegerField(
        help_text="Send it back as ``version`` with a self-assessment: a stale one is refused."
    )


class TeamBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name", "parent", "path", "depth"]
        read_only_fields = fields


class TeamReadinessSerializer(serializers.Serializer):
    team = TeamBriefSerializer()
    readiness = ReadinessSerializer(help_text="The team and every team below it.")


class AudienceBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Audience
        fields = ["id", "name", "slug", "is_everyone"]
        read_only_fields = fields


class AudienceReadinessSerializer(serializers.Serializer):
    audience = AudienceBriefSerializer()
    readiness = ReadinessSerializer()


class MemberSkillsSerializer(serializers.Serializer):
    """One row of a team skill map: a member, their readiness and every skill state."""

    person = PersonSerializer()
    readiness = ReadinessSerializer()
    skills = SkillStateSerializer(many=True)


class SkillGapSerializer(serializers.Serializer):
    """A skill's standing across a group (``assessments.selectors.skill_readiness``)."""

    skill = SkillBriefSerializer()
    people_required = serializers.IntegerField(source="readiness.required")
    at_target = serializers.IntegerField(source="readiness.at_target")
    not_assessed = serializers.IntegerField(source="readiness.not_assessed")
    total_gap = serializers.IntegerField(source="readiness.total_gap")
    mean_gap = serializers.FloatField(source="readiness.mean_gap", allow_null=True)
    share = serializers.FloatField(source="readiness.share", allow_null=True)


# --- Query parameters of computed lists -------------------------------------------------------


class SkillStateParams(serializers.Serializer):
    gaps_only = serializers.BooleanField(
        required=False, default=False, help_text="Only skills with a gap."
    )
    # A declared field, which DRF takes off the class (it shadows no Field attribute).
    required = serializers.BooleanField(  # type: ignore[assignment]
        required=False,
        allow_null=True,
        default=None,
        help_text="Only required (or optional) skills.",
    )
    category = serializers.CharField(required=False, help_text="Category slug.")
    ordering = serializers.ChoiceField(
        choices=["skill", "-gap", "gap", "-level", "level"],
        required=False,
        default="skill",
        help_text="skill: the framework's order.",
    )


class TeamGapParams(serializers.Serializer):
    category = serializers.CharField(required=False, help_text="Category slug.")
    ordering = serializers.ChoiceField(
        choices=["-total_gap", "total_gap", "skill", "-not_assessed"],
        required=False,
        default="-total_gap",
    )


# --- Ratings ----------------------------------------------------------------------------------


class SkillRatingSerializer(serializers.ModelSerializer):
    # Declared: a read-only model field loses ``allow_blank``, and the schema the blank value.
    evidence_url = serializers.URLField(allow_blank=True, read_only=True)

    class Meta:
        model = SkillRating
        fields = [
            "id",
            "person",
            "skill",
            "level",
            "source",
            "rated_by",
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
        read_only_fields = fields


class SelfAssessmentResultSerializer(serializers.Serializer):
    submission = SubmissionSerializer()
    ratings = SkillRatingSerializer(many=True)


# --- Learning plans ---------------------------------------------------------------------------


class PlanItemSerializer(serializers.ModelSerializer):
    resource_title = serializers.CharField(source="resource.title", read_only=True)

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
