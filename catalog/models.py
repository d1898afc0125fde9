"""The supply side: training resources, their providers, and the skills they build."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from catalog.certifications.models import (  # noqa: F401 - models of the app
    Certification,
    CertificationSkill,
)
from readiness.models import Audience, Level, Skill, level_check


class Provider(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    url = models.URLField(blank=True)
    preference = models.PositiveSmallIntegerField(
        default=50, help_text="Lower is preferred when two resources are otherwise equal."
    )

    class Meta:
        ordering = ["preference", "name"]

    def __str__(self) -> str:
        return self.name


class ResourceKind(models.TextChoices):
    MODULE = "module", "Module"
    LEARNING_PATH = "learning_path", "Learning path"
    COURSE = "course", "Course"
    CERTIFICATION = "certification", "Certification"
    APPLIED_SKILL = "applied_skill", "Applied skill"
    OTHER = "other", "Other"


class ResourceSource(models.TextChoices):
    MANUAL = "manual", "Entered by a curator"
    LEARN_CATALOG = "learn_catalog", "Microsoft Learn Catalog API"
    LEARN_PLATFORM = "learn_platform", "Microsoft Learn Platform API"


class TrainingResource(models.Model):
    title = models.CharField(max_length=300)
    url = models.URLField("canonical URL", max_length=500, unique=True)
    kind = models.CharField(max_length=20, choices=ResourceKind.choices)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="resources")
    summary = models.TextField(blank=True)
    duration_minutes = models.PositiveIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(100_000)]
    )
    level = models.PositiveSmallIntegerField(
        "difficulty level",
        choices=Level.choices[1:],
        null=True,
        blank=True,
        help_text="The proficiency a learner should have to start (Learn: beginner → 1, "
        "intermediate → 2, advanced → 3).",
    )
    is_free = models.BooleanField(default=True)
    audiences = models.ManyToManyField(Audience, blank=True, related_name="resources")
    external_uid = models.CharField(max_length=300, null=True, blank=True, unique=True)
    source = models.CharField(
        max_length=20, choices=ResourceSource.choices, default=ResourceSource.MANUAL
    )
    locale = models.CharField(max_length=20, blank=True)
    upstream_modified_at = models.DateTimeField(null=True, blank=True)
    learn_levels = models.JSONField(default=list, blank=True)
    learn_roles = models.JSONField(default=list, blank=True)
    learn_products = models.JSONField(default=list, blank=True)
    learn_subjects = models.JSONField(default=list, blank=True)
    children_uids = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    curator_notes = models.TextField(blank=True)
    curated_fields = models.JSONField(
        default=list,
        blank=True,
        help_text="Fields a curator has edited: the Learn importer leaves them alone "
        "(e.g. title, summary, level, audiences, skills, is_active).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["is_active", "kind"], name="resource_active_kind")]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__gte=1, level__lte=4),
                name="resource_level_range",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("catalog:detail", args=[self.pk])

    @property
    def duration_hours(self) -> float | None:
        return None if self.duration_minutes is None else round(self.duration_minutes / 60, 1)


class LinkOrigin(models.TextChoices):
    CURATOR = "curator", "Set by a curator"
    RULE = "rule", "Attached by a mapping rule"


class ResourceSkill(models.Model):
    """The resource brings a learner to ``level`` on ``skill``.

    Links a mapping rule attached are the importer's to change; a curator's links are never
    touched by an import.
    """

    resource = models.ForeignKey(
        TrainingResource, on_delete=models.CASCADE, related_name="skill_links"
    )
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="resource_links")
    level = models.PositiveSmallIntegerField(
        choices=Level.choices[1:], validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    origin = models.CharField(max_length=8, choices=LinkOrigin.choices, default=LinkOrigin.CURATOR)

    class Meta:
        ordering = ["resource", "skill"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "skill"], name="one_link_per_resource_skill"
            ),
            level_check("level", minimum=1, name="resource_skill_level_range"),
        ]

    def __str__(self) -> str:
        return f"{self.resource} → {self.skill} {self.level}"


class MappingField(models.TextChoices):
    PRODUCT = "product", "Learn product"
    SUBJECT = "subject", "Learn subject"
    ROLE = "role", "Learn role"
    KEYWORD = "keyword", "Title keyword"


class LevelRule(models.TextChoices):
    FROM_DIFFICULTY = "difficulty", "One above the resource's difficulty"
    FIXED = "fixed", "A fixed level"


class SkillMappingRule(models.Model):
    """Attaches imported catalog items to a skill without hand work."""

    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="mapping_rules")
    field = models.CharField(max_length=10, choices=MappingField.choices)
    value = models.CharField(max_length=200, help_text="Learn id (e.g. azure-openai) or keyword.")
    level_rule = models.CharField(
        max_length=12, choices=LevelRule.choices, default=LevelRule.FROM_DIFFICULTY
    )
    fixed_level = models.PositiveSmallIntegerField(choices=Level.choices[1:], null=True, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["skill", "field", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["skill", "field", "value"], name="one_rule_per_skill_field_value"
            ),
            models.CheckConstraint(
                condition=(Q(level_rule="fixed") & Q(fixed_level__gte=1, fixed_level__lte=4))
                | (~Q(level_rule="fixed") & Q(fixed_level__isnull=True)),
                name="fixed_rule_has_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_field_display()} “{self.value}” → {self.skill}"


class ImportSource(models.TextChoices):
    FILE = "file", "Catalog JSON file"
    PLATFORM = "platform", "Learn Platform API"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Finished"
    FAILED = "failed", "Failed"


#: How many items of each outcome an import run keeps by title (the counts are all there).
OUTCOME_LIMIT = 500


class ImportRun(models.Model):
    """One run of the Microsoft Learn importer: its progress while it runs, its summary after."""

    source = models.CharField(max_length=10, choices=ImportSource.choices)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    dry_run = models.BooleanField(default=False)
    retire_missing = models.BooleanField(
        default=True, help_text="Retire Learn items of the imported kinds that are missing."
    )
    file_name = models.CharField(max_length=255, blank=True)
    # The uploaded file waits here for the worker (web and worker may not share a disk);
    # it is cleared when the run ends.
    payload = models.BinaryField(null=True, blank=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="learn_imports",
    )
    phase = models.CharField(max_length=200, blank=True)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    rejections = models.JSONField(default=list, blank=True)
    # What happened to which item, by title: {"created": [{"id", "title", "url", "plans"}...],
    # "updated", "retired", "unmapped"} (each list cut at OUTCOME_LIMIT; the summary has the
    # counts), "retire_ids" (every id, for the confirmation) and "plans" (how many people's
    # active learning plans hold an item to retire).
    outcomes = models.JSONField(default=dict, blank=True)
    # A dry run of a whole-catalog file keeps its file until a curator confirms it: the
    # confirmed run then retires only ``retire_only`` (the ids the curator was shown).
    awaiting_confirmation = models.BooleanField(default=False)
    confirms = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The dry run this run confirms.",
    )
    retire_only = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"], name="import_run_status")]

    def __str__(self) -> str:
        what = self.file_name or self.get_source_display()
        return f"Import #{self.pk} ({what}, {self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("catalog:import-detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        # A run shows 100 % only once everything is written.
        return min(99, self.processed * 100 // self.total)
