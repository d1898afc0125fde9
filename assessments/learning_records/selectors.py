"""Reads of verified learning, scoped to one person (callers check who may see them)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from assessments.learning_records.models import TranscriptLink, TranscriptSync, VerifiedCompletion
from assessments.models import LearningPlanItem
from readiness.models import Person


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
