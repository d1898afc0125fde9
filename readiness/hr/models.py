"""An HR upsert too large to answer while the caller waits: queued, applied by a worker, read
back at its own URL (``/api/v1/hr/upsert-jobs/{id}/``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class HrUpsertJobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed (nothing written)"


class HrUpsertJob(models.Model):
    """The request as it was accepted (``payload``, dropped once applied: it holds people's
    names and emails), then its outcome: the same summary and changes a synchronous upsert
    answers, or the errors of each wrong entry (nothing written: all or nothing)."""

    status = models.CharField(
        max_length=10, choices=HrUpsertJobStatus.choices, default=HrUpsertJobStatus.QUEUED
    )
    dry_run = models.BooleanField(default=False)
    teams_count = models.PositiveIntegerField(default=0)
    people_count = models.PositiveIntegerField(default=0)
    payload = models.JSONField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    #: {"teams": {created, updated, unchanged}, "people": {...}} once it succeeded.
    summary = models.JSONField(null=True, blank=True)
    #: {"teams": [HrChange…], "people": [HrChange…]} once it succeeded.
    changes = models.JSONField(null=True, blank=True)
    #: The problem ``errors`` (pointer, code, detail) of the wrong entries when it failed.
    errors = models.JSONField(null=True, blank=True)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="hr_job_status")]

    def __str__(self) -> str:
        return f"HR upsert {self.pk} ({self.status})"
