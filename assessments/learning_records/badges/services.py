"""Writes of Open Badges: an upload (verified first, outside any transaction, then recorded
in one), a curator's rule created from a waiting badge and applied to every badge waiting
for it.

A badge mapped to a resource records a verified completion (source "Open Badge") and
completes the person's plan items for that resource, "verified by Open Badge"; mapped to a
certification it records the person's certification (source "Open Badge") with the badge's
expiry, else the curated validity — by the rules of ``learning_records.verified``, the
transcript's too. Uploading the same badge twice records it once.

A badge signed with the key inside it (OB 3.0, ``EMBEDDED``) proves it was not altered, not
who issued it: anyone could sign one naming a real issuer. No rule maps it — not at upload,
not when a curator creates the rule — so it never counts; it waits, flagged in the queue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments.learning_records.badges.verify import (
    BadgeRefused,
    VerifiedBadge,
    badge_verify,
)
from assessments.learning_records.models import (
    BadgeAward,
    BadgeRule,
    BadgeStatus,
    BadgeVerification,
    CertificationSource,
    PersonCertification,
    VerificationSource,
    VerifiedCompletion,
)
from assessments.learning_records.verified import (
    certification_expires_at,
    day_end,
    day_start,
    plan_items_verify,
)
from catalog.models import Certification, TrainingResource
from readiness.models import Person

BADGE = VerificationSource.OPEN_BADGE


@dataclass(frozen=True)
class BadgeUpload:
    award: BadgeAward
    created: bool  # False: the same badge was already recorded


def badge_upload(*, person: Person, data: bytes, now: dt.datetime | None = None) -> BadgeUpload:
    """Verify the uploaded badge for the person (their account's e-mail must be its
    recipient) and record it. ValidationError keyed ``file`` when it is refused: nothing is
    saved then."""
    now = now or timezone.now()
    try:
        verified = badge_verify(data, email=person.user.email if person.user else "", now=now)
    except BadgeRefused as error:
        raise ValidationError({"file": ValidationError(str(error), code=error.reason)}) from None
    return _badge_record(person=person, verified=verified, now=now)


@transaction.atomic
def _badge_record(*, person: Person, verified: VerifiedBadge, now: dt.datetime) -> BadgeUpload:
    existing = BadgeAward.objects.filter(person=person, assertion_id=verified.assertion_id).first()
    if existing is not None:
        return BadgeUpload(award=existing, created=False)
    rule = (
        BadgeRule.objects.select_related("resource", "certification")
        .filter(issuer_id=verified.issuer_id, badge_class_id=verified.badge_class_id)
        .first()
    )
    award = BadgeAward(
        person=person,
        spec_version=verified.spec,
        assertion_id=verified.assertion_id,
        issuer_id=verified.issuer_id,
        issuer_name=verified.issuer_name,
        badge_class_id=verified.badge_class_id,
        name=verified.name,
        issued_on=verified.issued_on,
        expires_on=verified.expires_on,
        verification=BadgeVerification(verified.method),
        verified_at=now,
        recipient_matched=True,
        status=BadgeStatus.WAITING,
    )
    try:
        with transaction.atomic():
            award.save()
    except IntegrityError:  # the same badge uploaded twice at once: the other one won
        return BadgeUpload(
            award=BadgeAward.objects.get(person=person, assertion_id=verified.assertion_id),
            created=False,
        )
    if rule is not None and award.verification != BadgeVerification.EMBEDDED:
        _award_apply(award=award, rule=rule)
    return BadgeUpload(award=award, created=True)


def _award_apply(*, award: BadgeAward, rule: BadgeRule) -> None:
    """Map one award by the rule (inside the caller's transaction)."""
    if rule.resource is not None:  # loaded with the rule (select_related), as its certification
        award.completion = _completion_record(award=award, resource=rule.resource)
    elif rule.certification is not None:
        award.certification = _certification_record(award=award, curated=rule.certification)
    award.rule, award.status = rule, BadgeStatus.MAPPED
    award.save(update_fields=["rule", "status", "completion", "certification"])


def _completion_record(*, award: BadgeAward, resource: TrainingResource) -> VerifiedCompletion:
    """The person's verified completion of the resource by this badge class (its earliest
    issue date: the same class earned again later proves nothing earlier), and their plan
    items verified by the rule every path follows (``verified.plan_items_verify``)."""
    completed_at = day_start(award.issued_on)
    completion, created = VerifiedCompletion.objects.select_for_update().get_or_create(
        person=award.person,
        source=BADGE,
        external_uid=award.badge_class_id[:300],
        defaults={
            "title": award.name[:300],
            "kind": "badge",
            "resource": resource,
            "completed_at": completed_at,
        },
    )
    if not created and completed_at < completion.completed_at:
        completion.completed_at = completed_at
        completion.save(update_fields=["completed_at"])
    plan_items_verify(person=award.person, resource_ids=[resource.pk])
    return completion


def _certification_record(*, award: BadgeAward, curated: Certification) -> PersonCertification:
    """The person's certification by badge (one per name): the first badge records it, a
    later one renews it when it expires later (its dates replace the older badge's)."""
    earned_at = day_start(award.issued_on)
    expires_at = certification_expires_at(
        earned_at=earned_at,
        expires_at=day_end(award.expires_on) if award.expires_on else None,
        curated=curated,
    )
    row = (
        PersonCertification.objects.select_for_update()
        .filter(person=award.person, source=CertificationSource.BADGE, name=curated.name)
        .first()
    )
    if row is None:
        return PersonCertification.objects.create(
            person=award.person,
            certification=curated,
            name=curated.name,
            source=CertificationSource.BADGE,
            earned_at=earned_at,
            expires_at=expires_at,
            proof_url=award.assertion_id if award.assertion_id.startswith("https://") else "",
            verified_at=award.verified_at,
        )
    later = expires_at is None or (row.expires_at is not None and expires_at > row.expires_at)
    if later:  # a renewal: the newer badge's dates
        row.earned_at, row.expires_at = earned_at, expires_at
        row.save(update_fields=["earned_at", "expires_at"])
    return row


@dataclass(frozen=True)
class RuleApplied:
    rule: BadgeRule
    awards_mapped: int


RULE_EXISTS = "This badge has a rule already."


@transaction.atomic
def badge_rule_create(
    *,
    issuer_id: str,
    badge_class_id: str,
    resource: TrainingResource | None,
    certification: Certification | None,
    user: User,
) -> RuleApplied:
    """A curator's rule for a badge class, applied at once to every award waiting for it.
    ValidationError keyed by field (a rule exists already; exactly one target).

    The insert decides whether the rule exists (the unique constraint, in a savepoint): two
    curators creating it at once get one rule and one "has a rule already", never an error
    page. The waiting awards are locked first: the other curator's transaction, which mapped
    them, is waited for, and they are read again as it left them."""
    errors: dict[str, str] = {}
    if (resource is None) == (certification is None):
        errors["resource"] = "Choose a resource or a certification (one of them)."
    if not issuer_id.strip() or not badge_class_id.strip():
        errors["badge"] = "Choose a badge."
    if errors:
        raise ValidationError(errors)
    waiting = list(
        BadgeAward.objects.select_for_update(of=("self",))
        .filter(status=BadgeStatus.WAITING, issuer_id=issuer_id, badge_class_id=badge_class_id)
        .exclude(verification=BadgeVerification.EMBEDDED)
        .select_related("person")
        .order_by("pk")
    )
    try:
        with transaction.atomic():
            rule = BadgeRule.objects.create(
                issuer_id=issuer_id,
                badge_class_id=badge_class_id,
                badge_name=waiting[0].name if waiting else "",
                resource=resource,
                certification=certification,
                created_by=user,
            )
    except IntegrityError:
        if BadgeRule.objects.filter(issuer_id=issuer_id, badge_class_id=badge_class_id).exists():
            raise ValidationError({"badge": RULE_EXISTS}) from None
        raise  # another constraint: not the person's doing
    for award in waiting:
        _award_apply(award=award, rule=rule)
    return RuleApplied(rule=rule, awards_mapped=len(waiting))
