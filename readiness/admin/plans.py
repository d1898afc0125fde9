"""Admin of readiness plans and concerns."""

from __future__ import annotations

from django.contrib import admin

from readiness.models import (
    Concern,
    GapRemedy,
    PlanGoal,
    PlanPartner,
    ReadinessPlan,
)

# --- Readiness plans and concerns -----------------------------------------------------------


class PlanGoalInline(admin.TabularInline):
    model = PlanGoal
    extra = 0
    autocomplete_fields = ["skill"]


class GapRemedyInline(admin.TabularInline):
    model = GapRemedy
    extra = 0
    autocomplete_fields = ["skill", "owner"]


class PlanPartnerInline(admin.StackedInline):
    model = PlanPartner
    extra = 0
    autocomplete_fields = ["team"]


@admin.register(ReadinessPlan)
class ReadinessPlanAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "status", "start_date", "target_date", "updated_at"]
    list_filter = ["status"]
    list_select_related = ["owner"]
    search_fields = ["name", "business_scenario"]
    autocomplete_fields = ["owner"]
    ordering = ["-start_date", "name"]
    date_hierarchy = "start_date"
    readonly_fields = ["created_at", "updated_at"]
    inlines = [PlanGoalInline, PlanPartnerInline, GapRemedyInline]


@admin.register(PlanGoal)
class PlanGoalAdmin(admin.ModelAdmin):
    list_display = ["plan", "audience", "skill", "target_share", "due_date"]
    list_filter = ["audience", "plan__status"]
    list_select_related = ["plan", "audience", "skill"]
    search_fields = ["plan__name", "skill__name", "audience__name"]
    autocomplete_fields = ["plan", "skill"]
    ordering = ["plan__name", "due_date"]


@admin.register(PlanPartner)
class PlanPartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "plan", "team", "due_date"]
    list_select_related = ["plan", "team"]
    search_fields = ["name", "contribution", "plan__name", "team__name"]
    autocomplete_fields = ["plan", "team"]
    ordering = ["plan__name", "due_date", "name"]


@admin.register(Concern)
class ConcernAdmin(admin.ModelAdmin):
    list_display = [
        "short_text",
        "category",
        "status",
        "addressable_by",
        "plan",
        "team",
        "owner",
        "created_at",
    ]
    list_filter = ["status", "category", "addressable_by", "plan", "anonymous_to_manager"]
    list_select_related = ["plan", "team", "owner"]
    search_fields = ["text", "impact", "response"]
    autocomplete_fields = ["plan", "raised_by", "team", "owner"]
    ordering = ["-created_at"]
    date_hierarchy = "created_at"
    readonly_fields = ["updated_at"]
    fieldsets = [
        (None, {"fields": ["plan", "category", "text", "impact", "addressable_by"]}),
        ("Who raised it", {"fields": ["raised_by", "team", "anonymous_to_manager", "created_at"]}),
        ("Response", {"fields": ["status", "owner", "response", "updated_at"]}),
    ]

    @admin.display(description="concern", ordering="text")
    def short_text(self, obj: Concern) -> str:
        return obj.text if len(obj.text) <= 80 else f"{obj.text[:79]}…"


# --- Webhooks (managed on /integrations/webhooks/; here to look and to pause) ------------------
