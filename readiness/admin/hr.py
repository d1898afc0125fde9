"""HR upserts queued for a worker (``POST /api/v1/hr/upsert/`` with many people): their
status and outcome, for an admin asked "did last night's HR sync go through?"."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from readiness.admin.base import ReadOnlyAdmin
from readiness.hr.models import HrUpsertJob


@admin.register(HrUpsertJob)
class HrUpsertJobAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "created_at",
        "created_by",
        "status",
        "dry_run",
        "people_count",
        "teams_count",
        "finished_at",
    ]
    list_filter = ["status", "dry_run"]
    list_select_related = ["created_by"]
    date_hierarchy = "created_at"
    exclude = ["payload"]  # names and emails, dropped once applied
    readonly_fields = [
        "status",
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
        "detail",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[HrUpsertJob]:
        return super().get_queryset(request).defer("payload", "changes")
