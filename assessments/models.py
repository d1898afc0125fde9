"""The person side: cycles, append-only ratings, learning plans, reminders and snapshots."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from assessments.learning_records.models import (  # noqa: F401 - models of the app
    BadgeAward,
    BadgeRule,
    PersonCertification,
    ResourceEffectiveness,
    TranscriptLink,
    TranscriptSync,
    VerificationSource,
    VerifiedCompletion,
)
from assessments.models_dashboard import (  # noqa: F401 - models of the app
    DashboardFigure,
    DashboardFigureSet,
    FigureKind,
    ReadinessSnapshot,
)
from assessments.models_latest import LatestRating  # noqa: F401 - a model of the app
from assessments.sweeps.models import (  # noqa: F401 - models of the app
    SnapshotPart,
    Sweep,
    SweepBatch,
    SweepKind,
)
from catalog.models import TrainingResource
from readiness.models import Audience, Level, Person, ReadinessPlan, Skill, Team, level_check

if TYPE_CHECKING:
    from assessments.selectors.me import RetiredItem
    from assessments.selectors.states import SkillState


class CycleStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class AssessmentCycle(models.Model):
    """A campaign in which everybody in scope self-assesses by a due date."""

    name = models.CharField(max_length=160)
    plan = models.ForeignKey(
        ReadinessPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="cycles"
    )
    audiences = models.ManyToManyField(Audience, blank=True, related_name="cycles")
    teams = models.ManyToManyField(Team, blank=True, related_name="cycles")
    include_subteams = models.BooleanField(default=True)
    opens_on = models.DateField()
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=CycleStatus.choices, default=CycleStatus.DRAFT)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=F("opens_on")), name="cycle_due_after_opening"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.opens_on and self.due_on and self.due_on < self.opens_on:
            raise ValidationError({"due_on": "The due date must not precede the opening date."})


class RatingSource(models.TextChoices):
    SELF = "self", "Self"
    MANAGER = "manager", "Manager"


class Interest(models.IntegerChoices):
    """Whether the person wants to grow the skill: one name everywhere ("wants to grow"). The
    self-assessment switch records 2 or 0; 1, a milder wish, arrives through the API and counts
    as wanting to grow too."""

    NONE = 0, "Not now"
    SOME = 1, "Wants to grow, later"
    STRONG = 2, "Wants to grow"


class SkillRatingQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: ANN003, ANN201
        raise TypeError("Skill ratings are append-only: add a new rating instead.")


class SkillRating(models.Model):
    """One rating of one person's skill. Append-only: the history is the data."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="ratings")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="ratings")
    level = models.PositiveSmallIntegerField(
        choices=Level.choices, validators=[MinValueValidator(0), MaxValueValidator(4)]
    )
    source = models.CharField(max_length=8, choices=RatingSource.choices)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cycle = models.ForeignKey(
        AssessmentCycle, null=True, blank=True, on_delete=models.SET_NULL, related_name="ratings"
    )
    interest = models.PositiveSmallIntegerField(choices=Interest.choices, null=True, blank=True)
    note = models.TextField(blank=True, max_length=2000)
    evidence_url = models.URLField(blank=True, max_length=500)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = SkillRatingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The newest rating per (person, skill, source) in index order, level and interest
            # read from the index itself (PostgreSQL; ignored elsewhere): the states
            # statement's access path (``selectors.latest.LATEST_POSTGRESQL``).
            models.Index(
                fields=["person", "skill", "source", "-created_at", "-id"],
                include=["level", "interest"],
                name="rating_latest_lookup",
            ),
            models.Index(fields=["cycle", "person"], name="rating_cycle_person"),
        ]
        constraints = [
            level_check("level", name="rating_level_range"),
            models.CheckConstraint(
                condition=Q(interest__isnull=True) | Q(interest__gte=0, interest__lte=2),
                name="rating_interest_range",
            ),
            models.CheckConstraint(
                condition=Q(source__in=RatingSource.values), name="rating_source_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.skill} = {self.level} ({self.source})"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise TypeError("Skill ratings are append-only: add a new rating instead.")
        super().save(*args, **kwargs)


class SubmissionKind(models.TextChoices):
    FULL = "full", "Self-assessment"
    QUICK_REVIEW = "quick_review", "Quick review (nothing changed)"


class AssessmentSubmission(models.Model):
    """A person submitted their self-assessment (even when nothing changed).

    The cadence restarts from here: a normal save appends ratings only for the skills that
    changed, yet the person has reviewed every skill on the form.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="submissions")
    cycle = models.ForeignKey(
        AssessmentCycle,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submissions",
    )
    kind = models.CharField(max_length=12, choices=SubmissionKind.choices)
    changed_skills = models.PositiveSmallIntegerField(default=0)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["person", "-submitted_at"], name="submission_person_latest"),
            models.Index(fields=["cycle", "person"], name="submission_cycle_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_kind_display()} · {self.submitted_at:%Y-%m-%d}"


class PlanItemStatus(models.TextChoices):
    SUGGESTED = "suggested", "Suggested"
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    DROPPED = "dropped", "Dropped"


OPEN_PLAN_STATUSES = (PlanItemStatus.SUGGESTED, PlanItemStatus.PLANNED, PlanItemStatus.IN_PROGRESS)


class LearningPlanItem(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="plan_items")
    resource = models.ForeignKey(
        TrainingResource, on_delete=models.PROTECT, related_name="plan_items"
    )
    skill = models.ForeignKey(
        Skill,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan_items",
        help_text="The skill gap this item serves.",
    )
    status = models.CharField(
        max_length=12, choices=PlanItemStatus.choices, default=PlanItemStatus.PLANNED
    )
    due_date = models.DateField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_plan_items",
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    #: When the item last changed: what ``?updated_since=`` reads (saves name it in
    #: ``update_fields``: ``auto_now`` alone is skipped by a partial save).
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    # Set when the completion (and its date) comes from the provider's own record.
    verified_by = models.CharField(
        max_length=20, choices=VerificationSource.choices, blank=True, default=""
    )
    # Not stored: what the My plan page sets on each item for its table (me_plan_table.html).
    retired_upstream: RetiredItem | None
    gap_state: SkillState | None

    class Meta:
        ordering = ["status", "due_date", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "resource"],
                condition=Q(status__in=["suggested", "planned", "in_progress"]),
                name="one_open_plan_item_per_resource",
            ),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | Q(status="completed"),
                name="completed_at_only_when_completed",
            ),
        ]
        indexes = [models.Index(fields=["person", "status"], name="plan_item_person_status")]

    def __str__(self) -> str:
        return f"{self.person}: {self.resource} ({self.status})"


class ReminderKind(models.TextChoices):
    DUE = "due", "Due"
    OVERDUE = "overdue", "Overdue"
    ESCALATION = "escalation", "Escalation to manager"
    CERTIFICATION_EXPIRY = "cert_expiry", "Certification expiry"
    #: A certification listed once in each of the holder's managers' digest.
    CERTIFICATION_DIGEST = "cert_digest", "Expiring certification, in a manager's digest"


#: The kinds of step that go to a manager (``recipient``) rather than to the person.
MANAGER_KINDS = (ReminderKind.ESCALATION, ReminderKind.CERTIFICATION_DIGEST)


class Reminder(models.Model):
    """One step of a reminder sequence. The uniqueness constraint makes sending idempotent."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=12, choices=ReminderKind.choices)
    period = models.CharField(
        max_length=64, help_text="The cycle or cadence period the step belongs to."
    )
    cycle = models.ForeignKey(
        AssessmentCycle, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders"
    )
    sequence = models.PositiveSmallIntegerField(default=0)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Escalations only: the manager whose digest lists this person.",
    )
    due_on = models.DateField(null=True, blank=True, help_text="The due date this step announced.")
    created_at = models.DateTimeField(default=timezone.now)
    # A run claims a step (token and time) before sending it; a claim older than the lease is
    # one whose worker died, and the next run takes it over.
    claimed_by = models.CharField(max_length=32, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "period", "sequence"],
                condition=Q(recipient__isnull=True),
                name="reminder_step_once",
            ),
            # An escalation (or an expiring certification in a digest) is one step per
            # (person, manager): each manager's digest lists it once even when a person has
            # several managers.
            models.UniqueConstraint(
                fields=["person", "kind", "period", "sequence", "recipient"],
                condition=Q(recipient__isnull=False),
                name="escalation_once_per_manager",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=MANAGER_KINDS, recipient__isnull=False)
                | (~Q(kind__in=MANAGER_KINDS) & Q(recipient__isnull=True)),
                name="reminder_recipient_only_for_manager_kinds",
            ),
        ]
        indexes = [
            # A run's steps by its token (``claimed_by = …``: what it holds, what it gives
            # back) and a chunked sweep's by the prefix its batches' tokens share
            # (``LIKE '<sweep token>b%'``: its totals, the digests' takeover). The pattern
            # operator class serves both, whatever the database's collation. No index reads
            # ``sent_at``, and the table's pages are filled half (migration 0018): marking a
            # step sent is then a heap-only update, which writes no index entry.
            models.Index(
                fields=["claimed_by"],
                opclasses=["varchar_pattern_ops"],
                name="reminder_claims",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.sequence} to {self.person} ({self.period})"


class CycleParticipation(models.Model):
    """Who a cycle covered and whether they submitted, frozen when the cycle closes.

    While a cycle is open its scope and completion are computed live; closing it writes these
    rows so later moves between teams, new joiners or late submissions do not change it.
    """

    cycle = models.ForeignKey(
        AssessmentCycle, on_delete=models.CASCADE, related_name="participations"
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="cycle_participations"
    )
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The person's team when the cycle closed.",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["cycle", "team", "person"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "person"], name="one_participation_per_cycle")
        ]
        indexes = [models.Index(fields=["cycle", "team"], name="participation_cycle_team")]

    def __str__(self) -> str:
        return f"{self.person} in {self.cycle}"
