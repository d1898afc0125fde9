"""Reads of the certification catalog."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from catalog.certifications.models import Certification, CertificationSkill


def certifications_with_skills() -> QuerySet[Certification]:
    """Every certification with its provider and the skills it evidences (two queries)."""
    return Certification.objects.select_related("provider").prefetch_related(
        Prefetch("skill_links", queryset=CertificationSkill.objects.select_related("skill"))
    )
