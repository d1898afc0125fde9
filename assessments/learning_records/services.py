"""Writes of verified learning: linking a transcript, and applying what a sync read.

A sync reads the transcript first (network, outside any transaction), then applies it in one
transaction: verified completions recorded (in the plan or not), the person's plan items for
those resources completed with the real date and marked verified, and its certifications with
their expiry — by the rules of ``verified`` (which Open Badges follow too). Applying the same
transcript twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from assessments.learning_records.models import (
    CertificationSource,
    PersonCertification,
    SyncStatus,
    TranscriptLink,
    TranscriptSync,
    VerificationSource,
    VerifiedCompletion,
)
from assessments.learning_records.transcript import (
    Completion,
    ShareLink,
    Transcript,
    TranscriptCertification,
    TranscriptClient,
    TranscriptError,
    TranscriptRevoked,
    TranscriptShapeError,
    share_link_parse,
)
from assessments.learning_records.verified import (
    certification_expires_at,
    day_end,
    day_start,
    plan_items_verify,
)
from assessments.services.effectiveness import effectiveness_refresh_later
from catalog.models import Certification, TrainingResource
from readiness.models import Person

LEARN = VerificationSource.MICROSOFT_LEARN


@transaction.atomic
def transcript_link_set(*, person: Person, url: str) -> TranscriptLink:
    """Link (or re-link) the person's transcript from its share link; only the share id and
    locale are kept. ValidationError keyed ``url`` when the link is not a share link."""
    try:
        share = share_link_parse(url)
    except ValueError as error:
        raise ValidationError({"url": str(error)}) from None
    link, _created = TranscriptLink.objects.update_or_create(
        person=person, defaults={"share_id": share.share_id, "locale": share.locale}
    )
    return link


@transaction.atomic
def transcript_link_remove(*, person: Person) -> bool:
    """Forget the person's link and its sync records; verified completions stay (they are
    the person's learning history)."""
    deleted, _ = TranscriptLink.objects.filter(person=person).delete()
    return bool(deleted)


@dataclass
class SyncOutcome:
    status: str
    message: str = ""
    completions_seen: int = 0
    added: list[str] = field(default_factory=list)
    redated: list[str] = field(default_factory=list)
    plan_items_completed: list[str] = field(default_factory=list)
    certifications_added: list[str] = field(default_factory=list)
    certifications_updated: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.added
            or self.redated
            or self.plan_items_completed
            or self.certifications_added
            or self.certifications_updated
        )

    def summary(self) -> str:
        if self.status != SyncStatus.OK:
            return self.message
        if not self.changed:
            return f"{self.completions_seen} completions read; nothing changed."
        parts = []
        if self.added:
            parts.append(f"{len(self.added)} new completion{'s' if len(self.added) != 1 else ''}")
        if self.redated:
            parts.append(f"{len(self.redated)} completion date(s) corrected")
        if self.plan_items_completed:
            count = len(self.plan_items_completed)
            parts.append(f"{count} plan item{'s' if count != 1 else ''} verified")
        if self.certifications_added:
            count = len(self.certifications_added)
            parts.append(f"{count} new certification{'s' if count != 1 else ''}")
        if self.certifications_updated:
            parts.append(f"{len(self.certifications_updated)} certification(s) renewed or updated")
        return f"{self.completions_seen} completions read: " + ", ".join(parts) + "."


def transcript_sync(
    *, link_id: int, client: TranscriptClient, dry_run: bool = False
) -> SyncOutcome:
    """Read one linked transcript and apply it; the outcome is recorded on a TranscriptSync
    (unless ``dry_run``, which applies nothing and records nothing)."""
    link = TranscriptLink.objects.select_related("person").get(pk=link_id)
    try:
        transcript = client.fetch(ShareLink(share_id=link.share_id, locale=link.locale))
    except TranscriptRevoked as error:
        outcome = SyncOutcome(status=SyncStatus.REVOKED, message=str(error))
    except TranscriptShapeError as error:
        outcome = SyncOutcome(
            status=SyncStatus.SHAPE_CHANGED,
            message=f"The transcript answer has an unexpected shape; nothing was changed. {error}",
        )
    except TranscriptError as error:
        outcome = SyncOutcome(status=SyncStatus.FAILED, message=str(error))
    else:
        with transaction.atomic():
            outcome = _apply(person=link.person, transcript=transcript)
            if dry_run:
                transaction.set_rollback(True)
    if not dry_run:
        _record(link=link, outcome=outcome)
    return outcome


@transaction.atomic
def _record(*, link: TranscriptLink, outcome: SyncOutcome) -> None:
    now = timezone.now()
    TranscriptSync.objects.create(
        link=link,
        started_at=now,
        status=outcome.status,
        message=outcome.summary()[:2000],
        completions_seen=outcome.completions_seen,
        completions_added=len(outcome.added),
        plan_items_completed=len(outcome.plan_items_completed),
    )
    if outcome.status == SyncStatus.OK:
        TranscriptLink.objects.filter(pk=link.pk).update(last_synced_at=now)


def _earliest(completions: tuple[Completion, ...]) -> dict[str, Completion]:
    """One completion per uid (a path and a module never share a uid; a repeat keeps the
    first date)."""
    by_uid: dict[str, Completion] = {}
    for completion in completions:
        kept = by_uid.get(completion.uid)
        if kept is None or completion.completed_at < kept.completed_at:
            by_uid[completion.uid] = completion
    return by_uid


def _apply(*, person: Person, transcript: Transcript) -> SyncOutcome:
    by_uid = _earliest(transcript.completions)
    outcome = SyncOutcome(status=SyncStatus.OK, completions_seen=len(by_uid))
    resources = {
        r.external_uid: r for r in TrainingResource.objects.filter(external_uid__in=list(by_uid))
    }
    existing = {
        v.external_uid: v
        for v in VerifiedCompletion.objects.select_for_update().filter(
            person=person, source=LEARN, external_uid__in=list(by_uid)
        )
    }
    new = []
    for uid, completion in by_uid.items():
        resource = resources.get(uid)
        row = existing.get(uid)
        if row is None:
            new.append(
                VerifiedCompletion(
                    person=person,
                    source=LEARN,
                    external_uid=uid,
                    title=completion.title,
                    kind=completion.kind,
                    resource=resource,
                    completed_at=completion.completed_at,
                )
            )
            outcome.added.append(completion.title)
        elif row.completed_at != completion.completed_at or (
            resource is not None and row.resource_id != resource.pk
        ):
            row.completed_at = completion.completed_at
            row.resource = resource or row.resource
            row.save(update_fields=["completed_at", "resource"])
            outcome.redated.append(completion.title)
    VerifiedCompletion.objects.bulk_create(new)
    if new:
        effectiveness_refresh_later()  # bulk inserts send no post_save
    outcome.plan_items_completed = plan_items_verify(
        person=person, resource_ids=[r.pk for r in resources.values()]
    )
    outcome.certifications_added, outcome.certifications_updated = _record_certifications(
        person=person, certifications=transcript.certifications
    )
    return outcome


def _record_certifications(
    *, person: Person, certifications: tuple[TranscriptCertification, ...]
) -> tuple[list[str], list[str]]:
    """The transcript's active certifications, matched to the curated catalog by name; the
    expiry is the transcript's, else the earned date plus the curated validity. A renewal
    upstream moves the expiry (which stops the reminders of the old one)."""
    names = {c.name.lower() for c in certifications}
    curated = {
        c.name.lower(): c
        for c in Certification.objects.annotate(lower=Lower("name")).filter(lower__in=names)
    }
    existing = {
        row.name: row
        for row in PersonCertification.objects.select_for_update().filter(
            person=person, source=CertificationSource.TRANSCRIPT
        )
    }
    added, updated = [], []
    for cert in certifications:
        match = curated.get(cert.name.lower())
        values = {
            "certification": match,
            "number": cert.number,
            "earned_at": cert.earned_at,
            "expires_at": certification_expires_at(
                earned_at=cert.earned_at, expires_at=cert.expires_at, curated=match
            ),
        }
        row = existing.get(cert.name)
        if row is None:
            row = PersonCertification(
                person=person, source=CertificationSource.TRANSCRIPT, name=cert.name, **values
            )
            row.save()
            existing[cert.name] = row
            added.append(cert.name)
        elif any(getattr(row, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            row.save(update_fields=list(values))
            updated.append(cert.name)
    return added, updated


@transaction.atomic
def person_certification_add(
    *,
    person: Person,
    name: str,
    number: str,
    proof_url: str,
    earned_on: dt.date,
    expires_on: dt.date | None,
) -> PersonCertification:
    """A certification entered by hand, with a proof (number and/or link) a manager verifies.
    A missing expiry comes from the curated validity. ValidationError keyed by field."""
    name, number = name.strip(), number.strip()
    errors: dict[str, str] = {}
    if not number and not proof_url:
        errors["number"] = "Give the certification number or a link to the proof (or both)."
    if expires_on is not None and expires_on <= earned_on:
        errors["expires_on"] = "The expiry must come after the date it was earned."
    if PersonCertification.objects.filter(
        person=person, source=CertificationSource.MANUAL, name__iexact=name
    ).exists():
        errors["name"] = "You already recorded this certification."
    if errors:
        raise ValidationError(errors)
    curated = Certification.objects.filter(name__iexact=name).first()
    earned_at = day_start(earned_on)
    expires_at = certification_expires_at(
        earned_at=earned_at, expires_at=day_end(expires_on) if expires_on else None, curated=curated
    )
    row = PersonCertification(
        person=person,
        certification=curated,
        name=curated.name if curated else name,
        number=number,
        proof_url=proof_url,
        source=CertificationSource.MANUAL,
        earned_at=earned_at,
        expires_at=expires_at,
    )
    row.full_clean(exclude=["person", "certification", "verified_by"])
    row.save()
    return row


@transaction.atomic
def person_certification_verify(
    *, certification: PersonCertification, user: User
) -> PersonCertification:
    """A manager checked the proof of a certification entered by hand."""
    row = PersonCertification.objects.select_for_update().get(pk=certification.pk)
    if row.source != CertificationSource.MANUAL or row.verified_at is not None:
        return row
    row.verified_by, row.verified_at = user, timezone.now()
    row.save(update_fields=["verified_by", "verified_at"])
    return row
