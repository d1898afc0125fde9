"""Reads of Open Badges: a person's badges, the curators' queue and rules."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q, QuerySet

from assessments.learning_records.models import (
    BadgeAward,
    BadgeRule,
    BadgeStatus,
    BadgeVerification,
)


def person_badges(*, person_id: int) -> QuerySet[BadgeAward]:
    """The person's badges, newest first, with what they were mapped to (one query)."""
    return (
        BadgeAward.objects.filter(person_id=person_id)
        .select_related("rule__resource", "rule__certification")
        .order_by("-issued_on", "name")
    )


@dataclass(frozen=True)
class WaitingBadge:
    """A badge class (of an issuer) that people uploaded and no rule maps yet."""

    issuer_id: str
    issuer_name: str
    badge_class_id: str
    name: str
    awards: int
    #: Of those, signed with the key in the credential itself: nothing proves the issuer.
    key_in_credential: int
    first_uploaded: object
    key: str  # the issuer and the class, as the rule form's choice value


def badges_waiting() -> list[WaitingBadge]:
    """The queue: one entry per issuer and badge class waiting, oldest first (one query)."""
    rows = (
        BadgeAward.objects.filter(status=BadgeStatus.WAITING)
        .values("issuer_id", "badge_class_id")
        .annotate(
            awards=Count("pk"),
            key_in_credential=Count("pk", filter=Q(verification=BadgeVerification.EMBEDDED)),
            first=Min("uploaded_at"),
            name=Max("name"),
            issuer_name=Max("issuer_name"),
        )
        .order_by("first", "badge_class_id")
    )
    return [
        WaitingBadge(
            issuer_id=row["issuer_id"],
            issuer_name=row["issuer_name"],
            badge_class_id=row["badge_class_id"],
            name=row["name"],
            awards=row["awards"],
            key_in_credential=row["key_in_credential"],
            first_uploaded=row["first"],
            key=badge_key(row["issuer_id"], row["badge_class_id"]),
        )
        for row in rows
    ]


def badge_key(issuer_id: str, badge_class_id: str) -> str:
    return json.dumps([issuer_id, badge_class_id])


def badge_key_split(key: str) -> tuple[str, str] | None:
    """The issuer and class of a key, or None if it is not one."""
    try:
        issuer_id, badge_class_id = json.loads(key)
    except (ValueError, TypeError):
        return None
    if not isinstance(issuer_id, str) or not isinstance(badge_class_id, str):
        return None
    return issuer_id, badge_class_id


def badge_rules() -> QuerySet[BadgeRule]:
    """Every rule with its target and how many awards it mapped (one query)."""
    return (
        BadgeRule.objects.select_related("resource", "certification", "created_by")
        .annotate(mapped=Count("awards"))
        .order_by("badge_name", "pk")
    )
