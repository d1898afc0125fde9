"""Reads of verified learning, scoped to one person (callers check who may see them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, F, Max, OuterRef, QuerySet
from django.utils import timezone

from assessments.learning_records.models import (
    PersonCertification,
    TranscriptLink,
    TranscriptSync,
    VerifiedCompletion,
)
from assessments.models import AssessmentSubmission, LearningPlanItem, PlanItemStatus, SkillRating
from catalog.models import ResourceSkill
from readiness.models import Person, Skill


def person_transcript_link(*, person: Person) -> TranscriptLink | None:
    return TranscriptLink.objects.filter(person=person).first()


def transcript_recent_syncs(*, link: TranscriptLink, limit: int = 5) -> list[TranscriptSync]:
    return list(link.syncs.all()[:limit])


def person_verified_completions(*, person: Person) -> QuerySet[VerifiedCompletion]:
    """Everything the person completed upstream, newest first, each with ``in_plan`` (the
    resource is an item of their plan) and its catalog resource when there is one (one
    query)."""
    in_plan = LearningPlanItem.objects.filter(person=person, resource=OuterRef("resource"))
    return (
        VerifiedCompletion.objects.filter(person=person)
        .select_related("resource")
        .annotate(in_plan=Exists(in_plan))
        .order_by("-completed_at", "title")
    )


@dataclass(frozen=True)
class ReassessPrompt:
    """Skills built by learning completed since the person last rated them, and on what that
    stands: how many completions, how many of them verified upstream."""

    skills: list[Skill]
    completions: int
    verified: int

    @property
    def basis(self) -> str:
        noun = "completion" if self.completions == 1 else "completions"
        return f"{self.completions} {noun}, {self.verified} verified"


def person_reassess_prompt(*, person: Person) -> ReassessPrompt:
    """Completions (plan items completed, and completions verified upstream outside them, with
    their real dates) newer than the person's last rating of a skill they build and than
    their last submission (which reviews every skill). Five queries."""
    completed: dict[int, tuple[dt.datetime, bool]] = {}
    for resource_id, when, verified_by in LearningPlanItem.objects.filter(
        person=person, status=PlanItemStatus.COMPLETED, completed_at__isnull=False
    ).values_list("resource_id", "completed_at", "verified_by"):
        if when is None:  # never: the filter asks for a completion date
            continue
        completed[resource_id] = max(
            (when, bool(verified_by)), completed.get(resource_id, (when, False))
        )
    for resource_id, when in VerifiedCompletion.objects.filter(
        person=person, resource__isnull=False
    ).values_list("resource_id", "completed_at"):
        completed.setdefault(resource_id, (when, True))
    last_review = AssessmentSubmission.objects.filter(person=person).aggregate(
        at=Max("submitted_at")
    )["at"]
    last_rated = dict(
        SkillRating.objects.filter(person=person)
        .values("skill_id")
        .annotate(at=Max("created_at"))
        .values_list("skill_id", "at")
    )
    skill_ids: set[int] = set()
    basis: set[int] = set()
    for link in ResourceSkill.objects.filter(
        resource_id__in=list(completed), skill__is_active=True
    ).values("resource_id", "skill_id"):
        when, _verified = completed[link["resource_id"]]
        seen = [at for at in (last_review, last_rated.get(link["skill_id"])) if at is not None]
        if not seen or when > max(seen):
            skill_ids.add(link["skill_id"])
            basis.add(link["resource_id"])
    skills = list(Skill.objects.filter(pk__in=skill_ids).order_by("name")) if skill_ids else []
    return ReassessPrompt(
        skills=skills,
        completions=len(basis),
        verified=sum(1 for pk in basis if completed[pk][1]),
    )


def person_certifications(
    *, person: Person, now: dt.datetime | None = None
) -> list[PersonCertification]:
    """The person's certifications, soonest expiry first, each with ``status`` (active,
    expiring within CERTIFICATION_EXPIRING_DAYS, expired) and its curated entry (one query)."""
    now = now or timezone.now()
    rows = list(
        PersonCertification.objects.filter(person=person)
        .select_related("certification")
        .order_by(F("expires_at").asc(nulls_last=True), "name")
    )
    for row in rows:
        row.status = row.status_on(now, expiring_days=settings.CERTIFICATION_EXPIRING_DAYS)
    return rows
