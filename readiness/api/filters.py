"""django-filter filter sets of the organization's lists."""

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet, Subquery
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import filters
from rest_framework.exceptions import ErrorDetail
from rest_framework.request import Request

from readiness.api.exceptions import QueryParameterInvalid
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


class PersonIdFilter(django_filters.ModelChoiceFilter):
    """A person named by their Person id (the API's one kind of id for people), wherever the
    row keeps an account: ``field_name="<account field>__person"``. An id naming nobody is
    refused (400 at the parameter), as every other id filter."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("queryset", Person.objects.all())
        super().__init__(*args, **kwargs)


class AwareDateTimeField(forms.DateTimeField):
    """An ISO 8601 date and time that names its offset (``Z`` or ``+02:00``): a naive one
    would be read in the server's time zone, which a client cannot know."""

    def to_python(self, value: object) -> dt.datetime | None:
        if value in self.empty_values:
            return None
        try:
            # An unencoded "+01:00" arrives as " 01:00": read it as the offset it was.
            text = re.sub(r" (\d{2}:?\d{2})$", r"+\1", str(value).strip())
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            raise forms.ValidationError(
                "Enter an ISO 8601 date and time with its offset, e.g. "
                "2026-01-31T08:00:00Z or 2026-01-31T09:00:00+01:00.",
                code="invalid",
            ) from None
        if parsed.tzinfo is None or parsed.utcoffset() is None:
            raise forms.ValidationError(
                "Give the time zone offset (e.g. 2026-01-31T08:00:00Z or +01:00): a time "
                "without one is ambiguous.",
                code="naive",
            )
        return instant_checked(parsed)


#: The widest offsets in use on Earth (UTC−12 to UTC+14); a database refuses wider ones.
MAX_OFFSET = dt.timedelta(hours=14)


def instant_checked(value: dt.datetime) -> dt.datetime:
    """``value`` if the database can compare with it: an offset within ±14 hours and an
    instant between the years 2 and 9998; else a field error (never a 500)."""
    offset = value.utcoffset()
    if offset is not None and abs(offset) > MAX_OFFSET:
        raise forms.ValidationError(
            "The time zone offset must be between -12:00 and +14:00.", code="invalid_offset"
        )
    try:
        if offset is not None:
            value.astimezone(dt.UTC)
    except OverflowError:
        raise forms.ValidationError(
            "Enter a date between the years 2 and 9998.", code="out_of_range"
        ) from None
    if not 1 < value.year < 9999:
        raise forms.ValidationError(
            "Enter a date between the years 2 and 9998.", code="out_of_range"
        )
    return value


class BoundedIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    """django-filter's ISO 8601 field, refusing what the database could not compare with."""

    def to_python(self, value: object) -> dt.datetime | None:
        parsed = super().to_python(value)
        return None if parsed is None else instant_checked(parsed)


class BoundedIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = BoundedIsoDateTimeField


class UpdatedSinceFilter(django_filters.Filter):
    """``?updated_since=<ISO 8601 with offset>``: rows changed at or after that instant, for an
    incremental sync (keep the time of your previous request and pass it next time)."""

    field_class = AwareDateTimeField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("field_name", "updated_at")
        kwargs.setdefault("lookup_expr", "gte")
        kwargs.setdefault(
            "label",
            "Only rows changed at or after this instant (ISO 8601 with offset, e.g. "
            "2026-01-31T08:00:00Z); a time without offset is refused.",
        )
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
    updated_since = UpdatedSinceFilter()

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
    updated_since = UpdatedSinceFilter(
        label="Only people changed at or after this instant (ISO 8601 with offset), "
        "deactivated and erased people included (with is_active false)"
    )

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
    owner = PersonIdFilter(field_name="owner__person", label="Person id: plans this person owns")

    class Meta:
        model = ReadinessPlan
        fields = ["status", "owner"]


class ConcernFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ConcernStatus.choices)
    category = django_filters.ChoiceFilter(choices=ConcernCategory.choices)

    class Meta:
        model = Concern
        fields = ["status", "category", "plan", "team"]


class OrderingFilter(filters.OrderingFilter):
    """``?ordering=``: one or more of the list's ``ordering_fields``, comma-separated (or the
    parameter repeated), each ascending or ``-``descending. Anything else is a 400 naming the
    ``ordering`` parameter (DRF drops an unknown term silently), and the schema publishes the
    terms as an enum, so a generated client offers them by name."""

    def terms(self, view: Any) -> list[str]:  # noqa: ANN401
        """Every term the list sorts by: each field, ascending then descending."""
        fields = getattr(view, "ordering_fields", None) or ()
        names = [field if isinstance(field, str) else field[0] for field in fields]
        return [term for name in names for term in (name, f"-{name}")]

    def get_ordering(self, request: Request, queryset: QuerySet, view: Any) -> Sequence[str] | None:  # noqa: ANN401
        asked = [
            term.strip()
            for value in request.query_params.getlist(self.ordering_param)
            for term in value.split(",")
            if term.strip()
        ]
        if not asked:
            return self.get_default_ordering(view)
        allowed = self.terms(view)
        refused = [term for term in asked if term not in allowed]
        if refused:
            choices = ", ".join(allowed) or "none (this list has a fixed order)"
            raise QueryParameterInvalid(
                {
                    self.ordering_param: [
                        ErrorDetail(
                            f"Unknown ordering {', '.join(refused)}: use {choices} (comma-separated).",
                            code="invalid_choice",
                        )
                    ]
                }
            )
        return asked

    def get_schema_operation_parameters(self, view: Any) -> list[dict]:  # noqa: ANN401
        allowed = self.terms(view)
        if not allowed:
            return []
        default = ",".join(self.get_default_ordering(view) or ())
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": "Sort by these fields, comma-separated (or the parameter repeated); "
                f"`-` before a field sorts it descending. Default: `{default}`.",
                "schema": {"type": "array", "items": {"type": "string", "enum": allowed}},
                "style": "form",
                "explode": False,
            }
        ]
