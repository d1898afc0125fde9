"""Readiness plans (goals, partners, gap remedies) and the concerns raised about AI use."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from readiness.models.framework import Audience, Skill
from readiness.models.org import Team


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    ARCHIVED = "archived", "Archived"


class ReadinessPlan(models.Model):
    name = models.CharField(max_length=160)
    business_scenario = models.TextField(
        help_text="The business outcome generative AI should bring, in a few sentences."
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_plans"
    )
    start_date = models.DateField()
    target_date = models.DateField()
    status = models.CharField(max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_date__gte=models.F("start_date")),
                name="plan_target_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.start_date and self.target_date and self.target_date < self.start_date:
            raise ValidationError({"target_date": "The target date must not precede the start."})


class PlanPartner(models.Model):
    """A team (inside or outside the organization) that contributes to a plan."""

    plan = models.ForeignKey(ReadinessPlan, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(max_length=160)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="partnerships"
    )
    contribution = models.TextField()
    due_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "due_date", "name"]

    def __str__(self) -> str:
        return f"{self.name} → {self.plan}"


class PlanGoal(models.Model):
    """ "X % of <audience> at target on <skill or all their skills> by <date>"."""

    plan = models.ForeignKey(ReadinessPlan, on_delete=models.CASCADE, related_name="goals")
    audience = models.ForeignKey(Audience, on_delete=models.PROTECT, related_name="goals")
    skill = models.ForeignKey(
        Skill, null=True, blank=True, on_delete=models.PROTECT, related_name="goals"
    )
    target_share = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Percentage of people at target.",
    )
    due_date = models.DateField()

    class Meta:
        ordering = ["plan", "due_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_share__gte=1, target_share__lte=100),
                name="goal_share_is_percentage",
            )
        ]

    def __str__(self) -> str:
        what = self.skill.name if self.skill is not None else "their required skills"
        return f"{self.target_share}% of {self.audience} at target on {what} by {self.due_date}"


class ConcernCategory(models.TextChoices):
    JOB_IMPACT = "job_impact", "Job impact"
    ETHICS = "ethics", "Ethics and responsible AI"
    DATA_PRIVACY = "data_privacy", "Data privacy and security"
    SKILLS = "skills", "Skills and training"
    TOOLING = "tooling", "Tools and access"
    OTHER = "other", "Other"


class ConcernArea(models.TextChoices):
    LEADERSHIP = "leadership", "Leadership"
    HR = "hr", "Human resources"
    IT = "it", "IT and security"
    LEGAL = "legal", "Legal and compliance"
    LEARNING = "learning", "Learning and development"
    MANAGERS = "managers", "Line managers"


class ConcernStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_REVIEW = "in_review", "In review"
    ADDRESSED = "addressed", "Addressed"
    CLOSED = "closed", "Closed"


class Concern(models.Model):
    plan = models.ForeignKey(
        ReadinessPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="concerns"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="raised_concerns",
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="concerns"
    )
    anonymous_to_manager = models.BooleanField(default=False)
    category = models.CharField(max_length=20, choices=ConcernCategory.choices)
    text = models.TextField("concern")
    impact = models.TextField("impact if unaddressed", blank=True)
    addressable_by = models.CharField(
        "area that can address it", max_length=20, choices=ConcernArea.choices, blank=True
    )
    status = models.CharField(
        max_length=12, choices=ConcernStatus.choices, default=ConcernStatus.OPEN
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_concerns",
    )
    response = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["plan", "status"], name="concern_plan_status")]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.text[:60]}"


class GapRemedyKind(models.TextChoices):
    TRAIN = "train", "Train"
    HIRE = "hire", "Hire"
    PARTNER = "partner", "Partner"


class GapRemedy(models.Model):
    """The gap register of a plan: how it closes an organization-wide shortfall on a skill."""

    plan = models.ForeignKey(ReadinessPlan, on_delete=models.CASCADE, related_name="gap_remedies")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="gap_remedies")
    remedy = models.CharField(max_length=10, choices=GapRemedyKind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_gap_remedies",
    )
    deadline = models.DateField()
    notes = models.TextField(blank=True, max_length=2000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan", "deadline", "skill"]
        verbose_name = "gap remedy"
        verbose_name_plural = "gap remedies"
        constraints = [
            models.UniqueConstraint(fields=["plan", "skill"], name="one_remedy_per_plan_skill"),
            models.CheckConstraint(
                condition=Q(remedy__in=["train", "hire", "partner"]), name="gap_remedy_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.skill}: {self.get_remedy_display()} by {self.deadline} ({self.plan})"
