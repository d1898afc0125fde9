"""Serializers of the readiness-plan API (``api.plans``): the input ones only check the
shape of the input (the pages' forms validate it) and document it; the output ones add each
goal's current value and the triaged concerns.
"""

from __future__ import annotations

import datetime as dt

from drf_spectacular.utils import (
    extend_schema_field,
)
from rest_framework import serializers

from assessments.selectors.plans import (
    GoalProgress,
)
from readiness.api.people import PersonIdInput, PersonNameField, PersonRefField
from readiness.api.serializers import (
    ConcernSerializer,
    ReadinessPlanSerializer,
)
from readiness.api.strict import StrictSerializer
from readiness.models import (
    ConcernArea,
    ConcernStatus,
    GapRemedy,
    GapRemedyKind,
    PlanStatus,
    ReadinessPlan,
)

#: Plan dates the figures can count back and forward from (the goal charts start 30 days
#: before the plan).
PLAN_YEARS = (1900, 2999)


#: Ids in the input: bounded, so that no database is asked about an integer it cannot store.
MAX_ID = 2**31 - 1


def _id(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def _plan_date(value: dt.date) -> None:
    if not PLAN_YEARS[0] <= value.year <= PLAN_YEARS[1]:
        raise serializers.ValidationError(
            f"Choose a date between the years {PLAN_YEARS[0]} and {PLAN_YEARS[1]}."
        )


class PlanInput(StrictSerializer):
    """The fields of the plan form (``assessments.forms.plans.PlanForm``), which validates them."""

    name = serializers.CharField(max_length=160)
    business_scenario = serializers.CharField()
    owner = PersonIdInput(help_text="Person id of the owner: a member of Leadership or an admin.")
    start_date = serializers.DateField(validators=[_plan_date])
    target_date = serializers.DateField(validators=[_plan_date])
    status = serializers.ChoiceField(choices=PlanStatus.choices)


class PlanGoalInput(StrictSerializer):
    audience = _id()
    skill = _id(
        required=False,
        allow_null=True,
        help_text="Null: all their required skills (people fully ready).",
    )
    target_share = serializers.IntegerField(min_value=0, max_value=100)
    due_date = serializers.DateField(validators=[_plan_date])


class PlanPartnerInput(StrictSerializer):
    team = _id(required=False, allow_null=True, help_text="One of our teams, or null.")
    name = serializers.CharField(
        max_length=160, required=False, allow_blank=True, help_text="Defaults to the team's name."
    )
    contribution = serializers.CharField()
    due_date = serializers.DateField(required=False, allow_null=True)


class GapRemedyInput(StrictSerializer):
    remedy = serializers.ChoiceField(choices=GapRemedyKind.choices)
    owner = PersonIdInput(
        required=False,
        allow_null=True,
        help_text="Person id of who follows it up: leadership, an admin or a team manager.",
    )
    deadline = serializers.DateField()
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ConcernTriageInput(StrictSerializer):
    status = serializers.ChoiceField(choices=ConcernStatus.choices)
    owner = PersonIdInput(
        required=False,
        allow_null=True,
        help_text="Person id of who follows it up: leadership, an admin or a manager.",
    )
    addressable_by = serializers.ChoiceField(
        choices=ConcernArea.choices, required=False, allow_blank=True
    )
    response = serializers.CharField(
        max_length=4000,
        required=False,
        allow_blank=True,
        help_text="Read by the person who raised it; needed to mark it addressed or closed.",
    )


class GapRemedySerializer(serializers.ModelSerializer):
    owner = PersonRefField(what="who follows it up")
    owner_name = PersonNameField(source="owner", what="who follows it up")

    class Meta:
        model = GapRemedy
        fields = [
            "id",
            "plan",
            "skill",
            "remedy",
            "owner",
            "owner_name",
            "deadline",
            "notes",
            "updated_at",
        ]
        read_only_fields = fields


class GoalProgressSerializer(serializers.Serializer):
    """A goal and where it stands today (``assessments.selectors.plans.goals_progress``)."""

    id = serializers.IntegerField(source="goal.pk")
    audience = serializers.IntegerField(source="goal.audience_id")
    skill = serializers.IntegerField(source="goal.skill_id", allow_null=True)
    target_share = serializers.IntegerField(source="goal.target_share")
    due_date = serializers.DateField(source="goal.due_date")
    statement = serializers.CharField()
    people = serializers.IntegerField(help_text="People in the goal's scope.")
    percent = serializers.IntegerField(
        allow_null=True, help_text="Share at target now; null when too few people to show."
    )
    expected = serializers.IntegerField(
        allow_null=True,
        help_text="Where the goal should stand today (straight line from the "
        "baseline to the target); null without a baseline.",
    )
    status = serializers.CharField(
        help_text='One of "hidden", "no data", "met", "missed", "behind", "on track", '
        '"not met yet".'
    )
    status_label = serializers.CharField()


class PlanDetailSerializer(ReadinessPlanSerializer):
    # DRF lets a subclass redeclare a field; the stubs type the base's nested serializer.
    goals = serializers.SerializerMethodField()  # type: ignore[assignment]

    class Meta(ReadinessPlanSerializer.Meta):
        pass

    @extend_schema_field(GoalProgressSerializer(many=True))
    def get_goals(self, plan: ReadinessPlan) -> list[dict]:
        progress: list[GoalProgress] = self.context["goals_progress"]
        # many=True: a ReturnList of dicts (the stubs type every ``.data`` as a ReturnDict).
        return GoalProgressSerializer(progress, many=True).data  # type: ignore[return-value]


class TriagedConcernSerializer(ConcernSerializer):
    """A concern after triage, with who follows it up; who raised it is null when the triager
    may not see it (``ConcernSerializer.get_raised_by``)."""

    owner = PersonRefField(what="who follows it up")
    owner_name = PersonNameField(source="owner", what="who follows it up")

    class Meta(ConcernSerializer.Meta):
        fields = [*ConcernSerializer.Meta.fields, "owner", "owner_name"]
        read_only_fields = fields
