"""Admin for cycles, ratings, learning plans, reminders, snapshots and the nightly sweeps.

Skill ratings are append-only: the admin can add and view them, never change or delete them.
Submissions, reminders and snapshots are written by the application, so the admin only shows
them (a reminder step may be deleted to let it be sent again).
"""

from django.contrib import admin
from django.contrib.auth.models import User
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone

from assessments import admin_privacy  # noqa: F401  (export and erase actions on people)
from assessments.models import (
    AssessmentCycle,
    AssessmentSubmission,
    CycleStatus,
    LearningPlanItem,
    ReadinessSnapshot,
    Reminder,
    SkillRating,
    Sweep,
    SweepBatch,
)
from assessments.services.cycles import cycle_close
from readiness.admin.base import ReadOnlyAdmin

# Find a person's records by their login, name or email.
PERSON_SEARCH_FIELDS = [
    "person__user__username",
    "person__user__first_name",
    "person__user__last_name",
    "person__user__email",
]


@admin.register(AssessmentCycle)
class AssessmentCycleAdmin(admin.ModelAdmin):
    list_display = ["name", "plan", "status", "opens_on", "due_on", "include_subteams"]
    list_filter = ["status", "plan"]
    list_select_related = ["plan"]
    search_fields = ["name", "plan__name"]
    autocomplete_fields = ["plan"]
    filter_horizontal = ["audiences", "teams"]
    ordering = ["-opens_on", "name"]
    date_hierarchy = "opens_on"
    readonly_fields = ["closed_at", "created_at"]
    fieldsets = [
        (None, {"fields": ["name", "plan", "status", "opens_on", "due_on"]}),
        ("Scope", {"fields": ["audiences", "teams", "include_subteams"]}),
        ("History", {"fields": ["closed_at", "created_at"]}),
    ]

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:  # noqa: ANN001
        super().save_related(request, form, formsets, change)
        cycle = form.instance
        if cycle.status == CycleStatus.CLOSED and cycle.closed_at is None:
            # Closed here rather than on the cycle page: freeze it the same way.
            cycle_close(cycle=cycle)


@admin.register(SkillRating)
class SkillRatingAdmin(admin.ModelAdmin):
    list_display = ["rated_at", "person", "skill", "level", "source", "rated_by"]
    list_filter = ["source", "level", "skill__category", "cycle"]
    list_select_related = ["person__user", "skill", "rated_by", "cycle"]
    search_fields = [*PERSON_SEARCH_FIELDS, "skill__name"]
    autocomplete_fields = ["person", "skill", "rated_by", "cycle"]
    ordering = ["-created_at", "-id"]
    date_hierarchy = "created_at"
    fields = [
        "person",
        "skill",
        "level",
        "source",
        "rated_by",
        "cycle",
        "interest",
        "note",
        "evidence_url",
        "created_at",
    ]

    def has_change_permission(self, request: HttpRequest, obj: SkillRating | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: SkillRating | None = None) -> bool:
        return False

    @admin.display(description="rated at", ordering="created_at")
    def rated_at(self, obj: SkillRating) -> str:
        return timezone.localtime(obj.created_at).strftime("%Y-%m-%d %H:%M")

    def save_model(self, request: HttpRequest, obj: SkillRating, form, change: bool) -> None:  # noqa: ANN001
        if not change and obj.rated_by_id is None and isinstance(request.user, User):
            obj.rated_by = request.user  # (the admin site lets only signed-in staff in)
        super().save_model(request, obj, form, change)


@admin.register(AssessmentSubmission)
class AssessmentSubmissionAdmin(ReadOnlyAdmin):
    list_display = ["submitted_at", "person", "kind", "changed_skills", "cycle"]
    list_filter = ["kind", "cycle"]
    list_select_related = ["person__user", "cycle"]
    search_fields = PERSON_SEARCH_FIELDS
    ordering = ["-submitted_at"]
    date_hierarchy = "submitted_at"

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(LearningPlanItem)
class LearningPlanItemAdmin(admin.ModelAdmin):
    list_display = ["person", "resource", "skill", "status", "due_date", "assigned_by"]
    list_filter = ["status", "resource__provider", "skill__category"]
    list_select_related = ["person__user", "resource", "skill", "assigned_by"]
    search_fields = [*PERSON_SEARCH_FIELDS, "resource__title", "skill__name"]
    autocomplete_fields = ["person", "resource", "skill", "assigned_by"]
    ordering = ["status", "due_date", "-created_at"]
    date_hierarchy = "created_at"


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "person",
        "kind",
        "sequence",
        "recipient",
        "due_on",
        "period",
        "cycle",
        "sent_at",
    ]
    list_filter = ["kind", "cycle"]
    list_select_related = ["person__user", "cycle", "recipient"]
    search_fields = [*PERSON_SEARCH_FIELDS, "period"]
    ordering = ["-created_at"]
    date_hierarchy = "created_at"


@admin.register(ReadinessSnapshot)
class ReadinessSnapshotAdmin(ReadOnlyAdmin):
    list_display = [
        "date",
        "team",
        "audience",
        "skill",
        "people_in_scope",
        "people_at_target",
        "mean_gap",
        "people_assessed_within_cadence",
    ]
    list_filter = ["audience", "team", "skill__category"]
    list_select_related = ["team", "audience", "skill"]
    search_fields = ["team__name", "skill__name", "audience__name"]
    ordering = ["-date"]
    date_hierarchy = "date"

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class SweepBatchInline(admin.TabularInline):
    model = SweepBatch
    fields = ["number", "size", "done_at"]
    readonly_fields = ("number", "size", "done_at")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Sweep)
class SweepAdmin(ReadOnlyAdmin):
    """The chunked nightly runs (reminders, snapshots): their batches, when they ended, what
    they did across batches. A sweep never finished has a batch that failed: the next run
    takes over what it left."""

    list_display = [
        "enqueued_at",
        "kind",
        "day",
        "batches",
        "people_checked",
        "people_due",
        "finished_at",
        "totals",
    ]
    list_filter = ["kind"]
    ordering = ["-enqueued_at"]
    date_hierarchy = "enqueued_at"
    inlines = [SweepBatchInline]
