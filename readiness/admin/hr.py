"""HR upserts queued for a worker (``POST /api/v1/hr/upsert/`` with many people): their
status and outcome, for an admin asked "did last night's HR sync go through?"."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from readiness.admin.base import ReadOnlyAdmin
from readiness.hr.jobs import hr_upsert_job_shown, hr_upsert_jobs_read
from readiness.hr.models import HrUpsertJob


@admin.register(HrUpsertJob)
class HrUpsertJobAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "created_at",
        "created_by",
        "shown_status",
        "dry_run",
        "people_count",
        "teams_count",
        "finished_at",
    ]
    list_filter = ["status", "dry_run"]
    list_select_related = ["created_by"]
    date_hierarchy = "created_at"
    # The payload: names and emails, dropped once applied; status and detail: as shown below.
    exclude = ["payload", "status", "detail"]
    readonly_fields = [
        "shown_status",
        "dry_run",
        "teams_count",
        "people_count",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
        "summary",
        "changes",
        "errors",
        "shown_detail",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[HrUpsertJob]:
        return hr_upsert_jobs_read(super().get_queryset(request).defer("payload", "changes"))

    # A job "running" past the time limit lost its worker: shown failed, saying so (as the API).
    @admin.display(description="status", ordering="status")
    def shown_status(self, job: HrUpsertJob) -> str:
        return hr_upsert_job_shown(job).get_status_display()

    @admin.display(description="detail")
    def shown_detail(self, job: HrUpsertJob) -> str:
        return hr_upsert_job_shown(job).detail
