"""django-filter filter sets of the person side's lists."""

import django_filters

from assessments.models import (
    AssessmentCycle,
    CycleStatus,
    LearningPlanItem,
    PlanItemStatus,
    RatingSource,
    SkillRating,
)
from readiness.api.filters import BoundedIsoDateTimeFilter, PersonIdFilter, UpdatedSinceFilter


class SkillRatingFilter(django_filters.FilterSet):
    person = PersonIdFilter(label="Person id: ratings of this person")
    rated_by = PersonIdFilter(
        field_name="rated_by__person", label="Person id: ratings recorded by this person"
    )
    source = django_filters.ChoiceFilter(choices=RatingSource.choices)
    skill_slug = django_filters.CharFilter(field_name="skill__slug", label="Skill slug")
    created_after = BoundedIsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = BoundedIsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    # Ratings are append-only: a rating's time of creation is the time it last changed.
    updated_since = UpdatedSinceFilter(
        field_name="created_at",
        label="Only ratings recorded at or after this instant (ISO 8601 with offset; ratings "
        "never change once recorded)",
    )

    class Meta:
        model = SkillRating
        fields = ["person", "skill", "skill_slug", "source", "cycle", "level", "rated_by"]


class PlanItemFilter(django_filters.FilterSet):
    person = PersonIdFilter(label="Person id: items of this person's plan")
    assigned_by = PersonIdFilter(
        field_name="assigned_by__person", label="Person id: items assigned by this manager"
    )
    status = django_filters.MultipleChoiceFilter(choices=PlanItemStatus.choices)
    assigned = django_filters.BooleanFilter(
        field_name="assigned_by", lookup_expr="isnull", exclude=True, label="Assigned by a manager"
    )
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = LearningPlanItem
        fields = ["person", "resource", "skill", "status", "assigned_by", "assigned"]


class AssessmentCycleFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CycleStatus.choices)

    class Meta:
        model = AssessmentCycle
        fields = ["status", "plan"]
