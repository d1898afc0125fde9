"""Certifications a curator keeps: name, provider, exam codes, validity, renewal link, and
the skills and levels each evidences."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from readiness.models import Skill


class Certification(models.Model):
    name = models.CharField(
        max_length=200,
        unique=True,
        help_text="As the provider writes it (a transcript's certification is matched by name).",
    )
    provider = models.ForeignKey(
        "catalog.Provider", on_delete=models.PROTECT, related_name="certifications"
    )
    exam_codes = models.CharField(
        max_length=200, blank=True, help_text="Comma-separated, e.g. “AI-102”."
    )
    validity_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="Empty: it does not expire (e.g. Microsoft fundamentals). Role-based "
        "Microsoft certifications renew yearly: 12.",
    )
    renewal_url = models.URLField("renewal link", blank=True, max_length=500)
    is_active = models.BooleanField(default=True)
    counts_as_rating = models.BooleanField(
        "counts as a manager-validated rating",
        default=False,
        help_text="On: a holder's trusted certification (from the transcript or a badge, or "
        "entered by hand and verified by a manager) rates each linked skill at its level, as a "
        "manager would, dated when it was earned, until it expires — it can raise or lower "
        "effective levels, gaps and readiness. Off: it is only shown as evidence beside the "
        "ratings.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(validity_months__isnull=True)
                | Q(validity_months__gte=1, validity_months__lte=120),
                name="certification_validity_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def exam_code_list(self) -> list[str]:
        return [code.strip() for code in self.exam_codes.split(",") if code.strip()]


class CertificationSkill(models.Model):
    """A skill the certification evidences, and at what level."""

    certification = models.ForeignKey(
        Certification, on_delete=models.CASCADE, related_name="skill_links"
    )
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="certification_links")
    level = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(4)]
    )

    class Meta:
        ordering = ["skill__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["certification", "skill"], name="one_level_per_cert_skill"
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=4), name="certification_level_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.certification} → {self.skill} {self.level}"
