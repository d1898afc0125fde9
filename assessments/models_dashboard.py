"""The leadership dashboard's figures, kept by the worker: the current ones
(``services.dashboard``) and the nightly snapshots its trends are drawn from
(``snapshots``).

A ``DashboardFigureSet`` is one computation of the readiness cube (``selectors.cube``) over
every active person; its ``DashboardFigure`` rows are the cube's cells, per team and role (and
skill), so any dashboard — the organization's, or a manager's teams — adds them up without
touching a person. A refresh writes a new set and deletes the older ones in one transaction:
readers see the old set or the new one, never a mix.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from readiness.models import Audience, Skill, Team


class DashboardFigureSet(models.Model):
    """One computation of the kept figures: when, and the date the cadence was judged on."""

    computed_at = models.DateTimeField()
    as_of_date = models.DateField(help_text="The day 'assessed within cadence' was judged on.")
    people = models.PositiveIntegerField(default=0, help_text="Active people counted.")
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-computed_at", "-pk"]
        get_latest_by = ["computed_at", "pk"]

    def __str__(self) -> str:
        return f"Dashboard figures of {self.computed_at:%Y-%m-%d %H:%M}"


class FigureKind(models.TextChoices):
    GROUP = "group", "Readiness of a team and role"
    PAIR = "pair", "Readiness of a skill for a team and role"
    #: The same added up over every team (what leadership reads: no sum at each visit).
    PAIR_ALL = "pair_all", "Readiness of a skill for a role, every team"
    CALIBRATION = "calibration", "Calibration of a team"


class DashboardFigure(models.Model):
    """One cell of the readiness cube. Ids, not foreign keys: a team, role or skill deleted
    since leaves its cell until the next refresh (queued by that very change), and no
    cascade walks 30,000 rows. Calibration cells hold pairs compared in ``required`` and
    pairs flagged in ``at_target``."""

    figure_set = models.ForeignKey(
        DashboardFigureSet, on_delete=models.CASCADE, related_name="figures"
    )
    kind = models.CharField(max_length=12, choices=FigureKind.choices)
    team_id = models.IntegerField(null=True, blank=True)
    role_id = models.IntegerField(null=True, blank=True)
    skill_id = models.IntegerField(null=True, blank=True)
    people = models.PositiveIntegerField()
    people_ready = models.PositiveIntegerField()
    required = models.PositiveIntegerField()
    at_target = models.PositiveIntegerField()
    not_assessed = models.PositiveIntegerField()
    total_gap = models.PositiveIntegerField()
    within_cadence = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["figure_set", "kind", "team_id"], name="dashboardfigure_set_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} team={self.team_id} role={self.role_id} skill={self.skill_id}"


class ReadinessSnapshot(models.Model):
    """Aggregates written nightly; a null team/audience/skill means "all"."""

    date = models.DateField(db_index=True)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="snapshots"
    )
    audience = models.ForeignKey(
        Audience, null=True, blank=True, on_delete=models.CASCADE, related_name="snapshots"
    )
    skill = models.ForeignKey(
        Skill, null=True, blank=True, on_delete=models.CASCADE, related_name="snapshots"
    )
    people_in_scope = models.PositiveIntegerField()
    people_at_target = models.PositiveIntegerField()
    pairs_in_scope = models.PositiveIntegerField(default=0)
    pairs_at_target = models.PositiveIntegerField(default=0)
    mean_gap = models.FloatField()
    people_assessed_within_cadence = models.PositiveIntegerField()

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date", "team", "audience", "skill"],
                name="one_snapshot_per_scope_and_date",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(people_at_target__lte=F("people_in_scope")),
                name="snapshot_at_target_within_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.team or 'all teams'} / {self.audience or 'all'} / {self.skill or 'all'}"
