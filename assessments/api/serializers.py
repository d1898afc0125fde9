"""Serializers of the person side's rule results and the query parameters of computed lists.

Output serializers read the dataclasses the rule functions return (``SkillState``,
``Readiness``, ``Reassessment``) without computing anything. The records (ratings, learning
plans, cycles) are in ``assessments.api.record_serializers``.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessments.selectors import Readiness, SkillState
from readiness.api.serializers import PersonSerializer
from readiness.models import Audience, Skill, SkillCategory, Team
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
