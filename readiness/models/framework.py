"""The skills framework: the level scale, audiences, skill categories, skills, roles and
the levels roles and audiences require."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


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
        max_length=12,
        choices=RequirementImportance.choices,
        default=RequirementImportance.ESSENTIAL,
    )

    class Meta:
        ordering = ["role", "skill"]
        constraints = [
            models.UniqueConstraint(
                fields=["role", "skill"], name="one_requirement_per_role_skill"
            ),
            level_check("target_level", minimum=1, name="role_requirement_level_range"),
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.skill} ≥ {self.target_level}"


class AudienceRequirement(models.Model):
    audience = models.ForeignKey(Audience, on_delete=models.CASCADE, related_name="requirements")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="audience_requirements")
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
