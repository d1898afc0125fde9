"""Reads of the curators' pages: the unmapped queue, the mapping rules, the home page's
numbers, and what retiring resources would take out of people's plans."""

from __future__ import annotations

from typing import Any, TypedDict

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from catalog.models import ResourceSkill, ResourceSource, SkillMappingRule, TrainingResource
from catalog.signals import resources_retiring

LEARN_SOURCES = (ResourceSource.LEARN_CATALOG, ResourceSource.LEARN_PLATFORM)


def unmapped_resources(*, q: str = "") -> QuerySet[TrainingResource]:
    """The unmapped queue: active imported resources that build no skill yet."""
    queryset = TrainingResource.objects.filter(is_active=True, source__in=LEARN_SOURCES).filter(
        ~Exists(ResourceSkill.objects.filter(resource=OuterRef("pk")))
    )
    for word in q.split()[:8]:
        queryset = queryset.filter(
            Q(title__icontains=word)
            | Q(external_uid__icontains=word)
            | Q(learn_products__icontains=word)
            | Q(learn_subjects__icontains=word)
            | Q(learn_roles__icontains=word)
        )
    return queryset.select_related("provider").order_by("-upstream_modified_at", "title", "pk")


def unmapped_count() -> int:
    return unmapped_resources().count()


def mapping_rules() -> QuerySet[SkillMappingRule]:
    return SkillMappingRule.objects.select_related("skill", "skill__category").order_by(
        "skill__name", "field", "value"
    )


def catalog_counts() -> dict[str, int]:
    """The curation home page's numbers, in one query."""
    return TrainingResource.objects.aggregate(
        active=Count("pk", filter=Q(is_active=True)),
        retired=Count("pk", filter=Q(is_active=False)),
        imported=Count("pk", filter=Q(source__in=LEARN_SOURCES)),
    )


class RetirementImpact(TypedDict):
    """How many people's active learning plans hold resources, overall and per resource id."""

    people: int
    by_resource: dict[int, int]


def retirement_impact(*, resource_ids: list[int]) -> RetirementImpact:
    """How many people's active learning plans hold these resources: ``{"people": n,
    "by_resource": {id: n}}`` (as the apps that keep plans answer ``resources_retiring``)."""
    impact: RetirementImpact = {"people": 0, "by_resource": {}}
    if not resource_ids:
        return impact
    # Signal.send hands back what each receiver returned; the stubs type that as str | None.
    answers: list[tuple[Any, Any]] = resources_retiring.send(
        sender=TrainingResource, resource_ids=resource_ids
    )
    for _receiver, answer in answers:
        if answer:
            impact["people"] += int(answer["people"])
            impact["by_resource"].update(answer["by_resource"])
    return impact
