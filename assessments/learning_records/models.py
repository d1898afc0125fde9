"""A person's transcript link, each sync of it, and the completions it verified.

Only the share id and locale of the link are kept; the transcript's personal fields
(``userName``, ``contactEmail``, ``legalName``, ``mcid``) never reach a model.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from catalog.models import TrainingResource
from readiness.models import Person


class VerificationSource(models.TextChoices):
    MICROSOFT_LEARN = "microsoft_learn", "Microsoft Learn"
    OPEN_BADGE = "open_badge", "Open Badge"


class TranscriptLink(models.Model):
    """The person's Microsoft Learn transcript share link: its id and locale, nothing else."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="transcript_link")
    share_id = models.CharField(max_length=64)
    locale = models.CharField(max_length=16, default="en-us")
    created_at = models.DateTimeField(default=timezone.now)
    last_synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(share_id=""), name="transcript_share_id_set")
        ]

    def __str__(self) -> str:
        return f"Transcript link of {self.person}"


class SyncStatus(models.TextChoices):
    OK = "ok", "Synced"
    REVOKED = "revoked", "Link revoked"
    SHAPE_CHANGED = "shape_changed", "Unexpected answer"
    FAILED = "failed", "Failed"


class TranscriptSync(models.Model):
    """One reading of a transcript: what it found and changed, or why it failed."""

    link = models.ForeignKey(TranscriptLink, on_delete=models.CASCADE, related_name="syncs")
    started_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=SyncStatus.choices)
    message = models.TextField(blank=True, max_length=2000)
    completions_seen = models.PositiveIntegerField(default=0)
    completions_added = models.PositiveIntegerField(default=0)
    plan_items_completed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["link", "-started_at"], name="transcript_sync_latest")]

    def __str__(self) -> str:
        return f"{self.link.person} · {self.get_status_display()} · {self.started_at:%Y-%m-%d}"


class VerifiedCompletion(models.Model):
    """A module or learning path the person completed upstream, with its real date.

    Recorded whether or not it is in their plan, and whether or not the catalog holds it
    (``resource`` is then empty and the upstream uid and title say what it was).
    """

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="verified_completions"
    )
    source = models.CharField(max_length=20, choices=VerificationSource.choices)
    external_uid = models.CharField(max_length=300)
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, help_text="module or learning_path")
    resource = models.ForeignKey(
        TrainingResource,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="verified_completions",
    )
    completed_at = models.DateTimeField()
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-completed_at", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "source", "external_uid"], name="one_verified_completion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} completed {self.title} ({self.completed_at:%Y-%m-%d})"


class CertificationSource(models.TextChoices):
    TRANSCRIPT = "transcript", "Microsoft Learn transcript"
    MANUAL = "manual", "Entered by hand"
    BADGE = "badge", "Open Badge"


class CertificationStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    EXPIRING = "expiring", "Expiring"
    EXPIRED = "expired", "Expired"


class PersonCertification(models.Model):
    """A certification a person holds: read from their transcript (verified by the provider's
    record) or entered by hand. ``certification`` is the curated entry it matched by name."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="certifications")
    certification = models.ForeignKey(
        "catalog.Certification",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="holders",
    )
    name = models.CharField(max_length=200)
    number = models.CharField("certification number", max_length=64, blank=True)
    #: Not a column: set on each row by ``person_certifications()`` for the pages.
    status: str
    source = models.CharField(max_length=12, choices=CertificationSource.choices)
    earned_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    # Entered by hand: the proof, and the manager who checked it (a transcript's row is
    # verified by the provider's record).
    proof_url = models.URLField("proof link", blank=True, max_length=500)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["expires_at", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "source", "name"], name="one_certification_per_source"
            )
        ]
        indexes = [models.Index(fields=["expires_at"], name="person_cert_expiry")]

    def __str__(self) -> str:
        return f"{self.person}: {self.name}"

    def status_on(self, now: dt.datetime, *, expiring_days: int) -> str:
        """Active, expiring (within ``expiring_days``) or expired, as of ``now``."""
        if self.expires_at is None or self.expires_at > now + dt.timedelta(days=expiring_days):
            return CertificationStatus.ACTIVE
        if self.expires_at > now:
            return CertificationStatus.EXPIRING
        return CertificationStatus.EXPIRED


class ResourceEffectiveness(models.Model):
    """The measured effectiveness of a resource (``selectors.catalog.EFFECTIVENESS_SQL``), kept
    by the worker (``services.effectiveness``): an organization-wide figure that pages read
    instead of computing it from every completion at every visit. A resource without data has
    no row."""

    resource = models.OneToOneField(
        TrainingResource, on_delete=models.CASCADE, primary_key=True, related_name="effectiveness"
    )
    mean_gain = models.FloatField(help_text="Mean change in effective level per person.")
    people = models.PositiveIntegerField()
    verified = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "resource effectiveness"

    def __str__(self) -> str:
        return f"{self.resource_id}: {self.mean_gain:+.2f} over {self.people}"


class BadgeRule(models.Model):
    """A curator's rule: the badges of this class from this issuer count as a completion of
    ``resource`` or as the certification ``certification`` (exactly one)."""

    issuer_id = models.CharField(max_length=500)
    badge_class_id = models.CharField(max_length=500)
    badge_name = models.CharField(max_length=200, blank=True)
    resource = models.ForeignKey(
        TrainingResource, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    certification = models.ForeignKey(
        "catalog.Certification",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["badge_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["issuer_id", "badge_class_id"], name="one_badge_rule"),
            models.CheckConstraint(
                condition=Q(resource__isnull=True, certification__isnull=False)
                | Q(resource__isnull=False, certification__isnull=True),
                name="badge_rule_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.badge_name or self.badge_class_id} → {self.resource or self.certification}"


class BadgeStatus(models.TextChoices):
    MAPPED = "mapped", "Mapped"
    WAITING = "waiting", "Waiting for a curator"
    REFUSED = "refused", "Refused"


class BadgeVerification(models.TextChoices):
    HOSTED = "hosted", "Hosted by the issuer"
    SIGNED = "signed", "Signed by the issuer"
    #: An OB 3.0 VC-JWT checked with the key in its own header: not altered since signed, but
    #: nothing proves who signed it.
    EMBEDDED = "embedded", "Signed, with the key in the credential"


class BadgeAward(models.Model):
    """An Open Badge a person uploaded and that was verified with its issuer. Of the recipient
    only the fact that it matched the person is kept (never the e-mail or its hash)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="badge_awards")
    spec_version = models.CharField(max_length=8)
    assertion_id = models.CharField(max_length=500)
    issuer_id = models.CharField(max_length=500)
    issuer_name = models.CharField(max_length=200)
    badge_class_id = models.CharField(max_length=500)
    name = models.CharField(max_length=200)
    issued_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    verification = models.CharField(max_length=8, choices=BadgeVerification.choices)
    verified_at = models.DateTimeField()
    recipient_matched = models.BooleanField(default=True)
    status = models.CharField(max_length=8, choices=BadgeStatus.choices)
    rule = models.ForeignKey(
        BadgeRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="awards"
    )
    completion = models.ForeignKey(
        VerifiedCompletion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    certification = models.ForeignKey(
        PersonCertification, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-issued_on", "name"]
        constraints = [
            models.UniqueConstraint(fields=["person", "assertion_id"], name="one_badge_award"),
            models.CheckConstraint(
                condition=Q(recipient_matched=True), name="badge_award_recipient_matched"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "issuer_id", "badge_class_id"], name="badge_award_queue")
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.name} ({self.issuer_name})"
