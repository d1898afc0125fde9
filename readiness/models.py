"""The organization and its skills framework: audiences, skills, roles, teams, people, plans."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.urls import reverse
from django.utils import timezone
from knox.models import AbstractAuthToken


class Level(models.IntegerChoices):
    """The one proficiency scale of the product."""

    NONE = 0, "None"
    FOUNDATIONAL = 1, "Foundational"
    PRACTITIONER = 2, "Practitioner"
    ADVANCED = 3, "Advanced"
    EXPERT = 4, "Expert"


LEVEL_MIN, LEVEL_MAX = Level.NONE.value, Level.EXPERT.value
#: What each level means on every skill, shown when no skill-specific descriptor exists.
LEVEL_MEANINGS = {
    Level.NONE: "No knowledge yet.",
    Level.FOUNDATIONAL: "Knows the concepts.",
    Level.PRACTITIONER: "Applies with guidance.",
    Level.ADVANCED: "Applies independently.",
    Level.EXPERT: "Leads and teaches others.",
}


def level_check(field: str, *, minimum: int = LEVEL_MIN, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": minimum, f"{field}__lte": LEVEL_MAX}), name=name
    )


class Audience(models.Model):
    """Who a piece of guidance speaks to: Leadership, Tech specialists, End users, Everyone."""

    EVERYONE_SLUG = "everyone"

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    focus = models.TextField(blank=True, help_text="What matters most for this audience.")
    is_everyone = models.BooleanField(
        default=False, help_text="Applies to every active person, whatever their role."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_everyone"], condition=Q(is_everyone=True), name="one_everyone_audience"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SkillCategory(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "skill categories"

    def __str__(self) -> str:
        return self.name


class Skill(models.Model):
    name = models.CharField(max_length=160, unique=True)
    slug = models.SlugField(max_length=160, unique=True)
    category = models.ForeignKey(SkillCategory, on_delete=models.PROTECT, related_name="skills")
    description = models.TextField(blank=True)
    descriptor_0 = models.CharField("level 0 (None)", max_length=300, blank=True)
    descriptor_1 = models.CharField("level 1 (Foundational)", max_length=300, blank=True)
    descriptor_2 = models.CharField("level 2 (Practitioner)", max_length=300, blank=True)
    descriptor_3 = models.CharField("level 3 (Advanced)", max_length=300, blank=True)
    descriptor_4 = models.CharField("level 4 (Expert)", max_length=300, blank=True)
    is_active = models.BooleanField(default=True)
    reassessment_interval_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(7), MaxValueValidator(730)],
        help_text="Overrides the default reassessment cadence for this skill.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["category__order", "order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reassessment_interval_days__isnull=True)
                | Q(reassessment_interval_days__gte=7, reassessment_interval_days__lte=730),
                name="skill_interval_in_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def descriptor(self, level: int) -> str:
        """The behavioural descriptor of ``level`` for this skill (or the scale's meaning)."""
        return getattr(self, f"descriptor_{int(level)}") or LEVEL_MEANINGS[Level(level)]

    @property
    def level_descriptors(self) -> list[tuple[int, str, str]]:
        return [(level.value, level.label, self.descriptor(level)) for level in Level]


class RequirementImportance(models.TextChoices):
    ESSENTIAL = "essential", "Essential"
    DESIRABLE = "desirable", "Desirable"


class Role(models.Model):
    """A job role; it belongs to one audience."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    audience = models.ForeignKey(Audience, on_delete=models.PROTECT, related_name="roles")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RoleRequirement(models.Model):
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="requirements")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="role_requirements")
    target_level = models.PositiveSmallIntegerField(
        choices=Level.choices[1:], validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    importance = models.CharField(
        max_length=12, choices=RequirementImportance.choices, default=RequirementImportance.ESSENTIAL
    )

    class Meta:
        ordering = ["role", "skill"]
        constraints = [
            models.UniqueConstraint(fields=["role", "skill"], name="one_requirement_per_role_skill"),
            level_check("target_level", minimum=1, name="role_requirement_level_range"),
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.skill} ≥ {self.target_level}"


class AudienceRequirement(models.Model):
    audience = models.ForeignKey(Audience, on_delete=models.CASCADE, related_name="requirements")
    skill = models.ForeignKey(
        Skill, on_delete=models.CASCADE, related_name="audience_requirements"
    )
    target_level = models.PositiveSmallIntegerField(
        choices=Level.choices[1:], validators=[MinValueValidator(1), MaxValueValidator(4)]
    )

    class Meta:
        ordering = ["audience", "skill"]
        constraints = [
            models.UniqueConstraint(
                fields=["audience", "skill"], name="one_requirement_per_audience_skill"
            ),
            level_check("target_level", minimum=1, name="audience_requirement_level_range"),
        ]

    def __str__(self) -> str:
        return f"{self.audience}: {self.skill} ≥ {self.target_level}"


class Team(models.Model):
    """A team; teams without a parent are departments. ``path`` makes sub-tree reads one query."""

    name = models.CharField(max_length=120)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="managed_teams"
    )
    description = models.TextField(blank=True)
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    #: The team's id in the HR system or directory (SCIM ``externalId``): set once, never
    #: changed; the HR upsert and SCIM find the team by it, so a renamed team stays the team.
    external_id = models.CharField(
        max_length=255, null=True, blank=True, unique=True,
        help_text="The team's id in the HR system or directory (set once).",
    )
    #: When the team last changed (its managers too): what ``?updated_since=`` reads.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="unique_team_name_per_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        parent_path = self.parent.path if self.parent_id else "/"
        path = f"{parent_path}{self.pk}/"
        if path != self.path:
            old_path, old_depth = self.path, self.depth
            self.path, self.depth = path, path.count("/") - 2
            Team.objects.filter(pk=self.pk).update(
                path=self.path, depth=self.depth, updated_at=self.updated_at
            )
            if old_path:
                # Moving a team moves its whole sub-tree, in one statement.
                Team.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=Concat(Value(self.path), Substr("path", len(old_path) + 1)),
                    depth=F("depth") + (self.depth - old_depth),
                    updated_at=timezone.now(),
                )

    def get_absolute_url(self) -> str:
        return reverse("assessments:team-detail", args=[self.pk])

    def clean(self) -> None:
        ancestor = self.parent
        while ancestor is not None:
            if self.pk and ancestor.pk == self.pk:
                raise ValidationError({"parent": "A team cannot be placed under itself."})
            ancestor = ancestor.parent

    @classmethod
    def rebuild_paths(cls) -> None:
        """Recompute every path after bulk inserts (which bypass ``save``)."""
        teams = list(cls.objects.order_by("id").values("id", "parent_id"))
        parents = {t["id"]: t["parent_id"] for t in teams}
        paths: dict[int, str] = {}

        def path_of(team_id: int) -> str:
            if team_id not in paths:
                parent = parents[team_id]
                paths[team_id] = (path_of(parent) if parent else "/") + f"{team_id}/"
            return paths[team_id]

        now = timezone.now()
        objs = [cls(id=t["id"], path=path_of(t["id"]), depth=path_of(t["id"]).count("/") - 2,
                    updated_at=now)
                for t in teams]
        cls.objects.bulk_update(objs, ["path", "depth", "updated_at"], batch_size=500)

    def subtree(self) -> "models.QuerySet[Team]":
        return Team.objects.filter(path__startswith=self.path)


class Person(models.Model):
    """A member of the organization; one-to-one with a login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    role = models.ForeignKey(
        Role, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    job_title = models.CharField(max_length=120, blank=True)
    is_active = models.BooleanField(default=True)
    #: Unknown (null) unless given: the day someone was provisioned is not the day they started.
    start_date = models.DateField(null=True, blank=True)
    #: The person's id in the HR system or directory (SCIM ``externalId``, Entra's object id):
    #: set once, never changed; the HR upsert and SCIM find the person by it, so a changed
    #: email stays the same person.
    external_id = models.CharField(
        max_length=255, null=True, blank=True, unique=True,
        help_text="The person's id in the HR system or directory (set once).",
    )
    # The person's immutable id at the single sign-on provider (OIDC_SUBJECT_CLAIM, e.g. Entra
    # ID's oid), set at their first sign-in: later sign-ins find them by it, whatever their
    # e-mail has become.
    oidc_subject = models.CharField(
        "single sign-on subject", max_length=255, unique=True, null=True, blank=True,
        editable=False,
    )
    #: When the person or their login last changed (deactivation and erasure too): what
    #: ``?updated_since=`` reads, so an incremental sync sees people leave.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name", "user__username"]
        verbose_name_plural = "people"
        indexes = [models.Index(fields=["team", "is_active"], name="person_team_active")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() or self.user.username

    @property
    def email(self) -> str:
        return self.user.email


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
    """"X % of <audience> at target on <skill or all their skills> by <date>"."""

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
        what = self.skill.name if self.skill_id else "their required skills"
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


class ApiToken(AbstractAuthToken):
    """A named API token (django-rest-knox stores only its hash). A person's own tokens act as
    that person; service tokens, made by an admin for an integration, act as a service account
    and may carry rights of their own (the HR bulk upsert)."""

    name = models.CharField(max_length=100)
    is_service = models.BooleanField(default=False)
    can_hr_upsert = models.BooleanField(
        "may bulk-upsert teams and people",
        default=False,
        help_text="Lets an HR system call the bulk upsert endpoint.",
    )
    can_scim = models.BooleanField(
        "may provision over SCIM",
        default=False,
        help_text="Lets a directory (Microsoft Entra ID) provision people and teams at /scim/v2/.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.token_key}…)"

    @property
    def is_expired(self) -> bool:
        return self.expiry is not None and self.expiry <= timezone.now()


class DataChange(models.Model):
    """What ``readiness.caching`` reads as the data version: database triggers add one row per
    writing transaction (PostgreSQL) or count rows written (SQLite); see
    ``readiness/data_version.py``. Never written by the application itself."""

    weight = models.PositiveBigIntegerField(default=1)
    xid = models.BigIntegerField(null=True, blank=True, unique=True)

    class Meta:
        verbose_name = "data change"
        default_permissions = ()

    def __str__(self) -> str:
        return f"change {self.pk} (weight {self.weight})"


# The webhooks' models live in their own area; imported here so that the app registers them.
from readiness.scim.models import ScimGroup  # noqa: E402, F401
from readiness.webhooks.models import WebhookDelivery, WebhookEndpoint  # noqa: E402, F401
