"""The records of a chunked sweep: the sweep, its batches, and the snapshot figures of each
batch waiting to be summed."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class SweepKind(models.TextChoices):
    REMINDERS = "reminders", "Reminder sweep"
    SNAPSHOTS = "snapshots", "Readiness snapshots"


class Sweep(models.Model):
    """One chunked run of a nightly job: what it planned, when it ended, what it did."""

    kind = models.CharField(max_length=12, choices=SweepKind.choices)
    day = models.DateField(help_text="The day the run is for (organization time zone).")
    #: The reminders' claim tokens of this sweep start with it (``progress.batch_token``).
    token = models.CharField(max_length=16, unique=True)
    batches = models.PositiveIntegerField(default=0)
    people_checked = models.PositiveIntegerField(default=0)
    people_due = models.PositiveIntegerField(default=0)
    enqueued_at = models.DateTimeField(default=timezone.now)
    #: The final task that holds the sweep (its claim expires as a reminder step's does).
    final_claimed_by = models.CharField(max_length=32, blank=True, editable=False)
    final_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)
    #: What the whole sweep did, across batches (reminders: emails by kind; snapshots: rows).
    totals = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-enqueued_at"]
        indexes = [models.Index(fields=["kind", "day"], name="sweep_kind_day")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.day} ({self.batches} batches)"


class SweepBatch(models.Model):
    """One chunk of a sweep; ``done_at`` is set once, by the run of it that finished first."""

    sweep = models.ForeignKey(Sweep, on_delete=models.CASCADE, related_name="batch_rows")
    number = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sweep", "number"]
        verbose_name_plural = "sweep batches"
        constraints = [
            models.UniqueConstraint(fields=["sweep", "number"], name="sweep_batch_once"),
        ]

    def __str__(self) -> str:
        return f"batch {self.number} of {self.sweep}"


class SnapshotPart(models.Model):
    """The snapshot figures of one batch's people, one list per (team, audience, skill):
    ``[team, audience, skill, people, people_at_target, pairs, pairs_at_target, total_gap,
    within_cadence]``. The final task sums the parts of every batch into ``ReadinessSnapshot``
    rows, then deletes them. One row per batch (a batch writes some 10,000 figures: one value
    to insert, not 10,000 rows)."""

    sweep = models.ForeignKey(Sweep, on_delete=models.CASCADE, related_name="snapshot_parts")
    number = models.PositiveIntegerField()
    figures = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sweep", "number"], name="snapshot_part_once"),
        ]

    def __str__(self) -> str:
        return f"part {self.number} of {self.sweep}"
