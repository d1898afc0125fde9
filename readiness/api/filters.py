"""django-filter filter sets of the organization's lists."""

import django_filters
from django import forms
from django.db.models import Q, QuerySet, Subquery
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from readiness.models import (
    AudienceRequirement,
    Concern,
    ConcernCategory,
    ConcernStatus,
    Person,
    PlanStatus,
    ReadinessPlan,
    Role,
    RoleRequirement,
    Skill,
    Team,
)


@extend_schema_field(OpenApiTypes.INT)  # an integer in the schema, not a number (a float)
class IdFilter(django_filters.NumberFilter):
    """An id or a count: an integer (django-filter's NumberFilter takes any decimal, which
    SQLite cannot bind when it is huge)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class SkillFilter(django_filters.FilterSet):
    category = django_filters.CharFilter(field_name="category__slug", label="Category slug")
    q = django_filters.CharFilter(method="search", label="Name or description contains")

    class Meta:
        model = Skill
        fields = ["category", "is_active"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))


class RoleFilter(django_filters.FilterSet):
    audience = django_filters.CharFilter(field_name="audience__slug", label="Audience slug")

    class Meta:
        model = Role
        fields = ["audience"]


class RoleRequirementFilter(django_filters.FilterSet):
    class Meta:
        model = RoleRequirement
        fields = ["role", "skill", "importance", "target_level"]


class AudienceRequirementFilter(django_filters.FilterSet):
    class Meta:
        model = AudienceRequirement
        fields = ["audience", "skill", "target_level"]


class TeamFilter(django_filters.FilterSet):
    parent = IdFilter(field_name="parent_id", label="Parent team id")
    depth = IdFilter(label="Depth in the tree (0: departments)")
    departments = django_filters.BooleanFilter(
        field_name="parent", lookup_expr="isnull", label="Only teams without a parent"
    )
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Name contains")

    class Meta:
        model = Team
        fields = ["parent", "departments", "depth"]


class PersonFilter(django_filters.FilterSet):
    team = IdFilter(field_name="team_id", label="Direct members of this team")
    within_team = IdFilter(
        method="in_subtree", label="Members of this team and of every team below it"
    )
    role = django_filters.CharFilter(field_name="role__slug", label="Role slug")
    audience = django_filters.CharFilter(field_name="role__audience__slug", label="Audience slug")
    email = django_filters.CharFilter(field_name="user__email", lookup_expr="iexact")
    q = django_filters.CharFilter(method="search", label="Name, username or email contains")

    class Meta:
        model = Person
        fields = ["team", "role", "audience", "is_active", "email"]

    def in_subtree(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        # One sub-query: the list stays a single statement however the tree is shaped.
        path = Team.objects.filter(pk=value).values("path")[:1]
        return queryset.filter(team__path__startswith=Subquery(path))

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(user__first_name__icontains=value)
            | Q(user__last_name__icontains=value)
            | Q(user__username__icontains=value)
            | Q(user__email__icontains=value)
        )


class ReadinessPlanFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=PlanStatus.choices)

    class Meta:
        model = ReadinessPlan
        fields = ["status", "owner"]


class ConcernFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ConcernStatus.choices)
    category = django_filters.ChoiceFilter(choices=ConcernCategory.choices)

    class Meta:
        model = Concern
        fields = ["status", "category", "plan", "team"]
