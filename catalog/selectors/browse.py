"""Reads of the catalog pages everyone browses: the search with its filters, one resource."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from catalog.models import ResourceSkill, TrainingResource
from readiness.models import Audience, Skill

#: Duration bands of the catalog filter: key → (label, minimum minutes, maximum minutes).
DURATION_BANDS: dict[str, tuple[str, int | None, int | None]] = {
    "short": ("Up to 1 hour", None, 60),
    "medium": ("1 to 4 hours", 61, 240),
    "long": ("4 to 20 hours", 241, 1200),
    "longer": ("More than 20 hours", 1201, None),
}


@dataclass(frozen=True)
class CatalogFilters:
    """What a catalog search asks for; every field is optional."""

    q: str = ""
    audience: Audience | None = None
    skill: Skill | None = None
    level: int | None = None
    provider_id: int | None = None
    kind: str = ""
    duration: str = ""
    price: str = ""
    include_retired: bool = False


def _with_skills_and_audiences(queryset: QuerySet[TrainingResource]) -> QuerySet:
    return queryset.select_related("provider").prefetch_related(
        Prefetch(
            "skill_links",
            queryset=ResourceSkill.objects.select_related("skill").order_by(
                "-level", "skill__name"
            ),
        ),
        Prefetch("audiences", queryset=Audience.objects.order_by("order", "name")),
    )


def resources_search(*, filters: CatalogFilters) -> QuerySet[TrainingResource]:
    """Resources matching ``filters``, with their provider, skills and audiences prefetched.

    An audience filter also keeps resources meant for Everyone (they fit every audience). A
    level filter keeps resources that build a skill (the chosen one, if any) to at least it.
    """
    queryset = TrainingResource.objects.all()
    if not filters.include_retired:
        queryset = queryset.filter(is_active=True)
    if filters.q:
        words = filters.q.split()[:8]
        for word in words:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(summary__icontains=word)
                | Q(provider__name__icontains=word)
                | Exists(
                    ResourceSkill.objects.filter(
                        resource=OuterRef("pk"), skill__name__icontains=word
                    )
                )
            )
    if filters.audience is not None:
        fits = TrainingResource.audiences.through.objects.filter(trainingresource=OuterRef("pk"))
        if filters.audience.is_everyone:
            queryset = queryset.filter(Exists(fits.filter(audience=filters.audience)))
        else:
            queryset = queryset.filter(
                Exists(fits.filter(Q(audience=filters.audience) | Q(audience__is_everyone=True)))
            )
    if filters.skill is not None or filters.level:
        links = ResourceSkill.objects.filter(resource=OuterRef("pk"))
        if filters.skill is not None:
            links = links.filter(skill=filters.skill)
        if filters.level:
            links = links.filter(level__gte=filters.level)
        queryset = queryset.filter(Exists(links))
    if filters.provider_id:
        queryset = queryset.filter(provider_id=filters.provider_id)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.duration in DURATION_BANDS:
        _, low, high = DURATION_BANDS[filters.duration]
        if low is not None:
            queryset = queryset.filter(duration_minutes__gte=low)
        if high is not None:
            queryset = queryset.filter(duration_minutes__lte=high)
    if filters.price == "free":
        queryset = queryset.filter(is_free=True)
    elif filters.price == "paid":
        queryset = queryset.filter(is_free=False)
    return _with_skills_and_audiences(queryset).order_by("title", "pk")


def resource_get(*, pk: int) -> TrainingResource:
    """One resource (active or retired: plans may point at it) with what its page shows."""
    return _with_skills_and_audiences(TrainingResource.objects.all()).get(pk=pk)


def resource_modules(*, resource: TrainingResource) -> list[TrainingResource]:
    """The catalog's resources that a learning path (or a certification) is made of, in order."""
    if not resource.children_uids:
        return []
    found = {
        r.external_uid: r
        for r in TrainingResource.objects.filter(
            external_uid__in=resource.children_uids[:200]
        ).select_related("provider")
    }
    return [found[uid] for uid in resource.children_uids if uid in found]
