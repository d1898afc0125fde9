"""django-filter filter set of the training catalog: the filters of the /catalog/ page."""

import django_filters
from django.db.models import Q, QuerySet

from catalog.models import ResourceKind, TrainingResource
from readiness.models import Level

#: Duration bands (minutes, inclusive upper bound); "unknown" is a resource without a duration.
DURATION_BANDS = {
    "short": (None, 60),
    "medium": (61, 240),
    "long": (241, None),
}
DURATION_CHOICES = [
    ("short", "Up to an hour"),
    ("medium", "1 to 4 hours"),
    ("long", "More than 4 hours"),
    ("unknown", "Duration unknown"),
]


class TrainingResourceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Title or summary contains")
    audience = django_filters.CharFilter(
        method="for_audience", label="Audience slug (resources for no audience fit everyone)"
    )
    skill = django_filters.CharFilter(field_name="skill_links__skill__slug", label="Skill slug")
    level = django_filters.TypedChoiceFilter(choices=Level.choices[1:], coerce=int)
    provider = django_filters.CharFilter(field_name="provider__slug", label="Provider slug")
    kind = django_filters.ChoiceFilter(choices=ResourceKind.choices)
    duration = django_filters.ChoiceFilter(choices=DURATION_CHOICES, method="in_band")
    is_free = django_filters.BooleanFilter()

    class Meta:
        model = TrainingResource
        fields = [
            "q",
            "audience",
            "skill",
            "level",
            "provider",
            "kind",
            "duration",
            "is_free",
            "is_active",
        ]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(title__icontains=value) | Q(summary__icontains=value))

    def for_audience(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(audiences__slug=value) | Q(audiences__is_everyone=True) | Q(audiences__isnull=True)
        ).distinct()

    def in_band(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "unknown":
            return queryset.filter(duration_minutes__isnull=True)
        low, high = DURATION_BANDS[value]
        if low is not None:
            queryset = queryset.filter(duration_minutes__gte=low)
        if high is not None:
            queryset = queryset.filter(duration_minutes__lte=high)
        return queryset

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        # Joins through skills can repeat a resource.
        return queryset.distinct() if self.form.cleaned_data.get("skill") else queryset
