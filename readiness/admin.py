"""Curator-friendly admin for the organization and its skills framework.

Every changelist keeps a constant number of queries (``list_select_related``, annotations,
one prefetch at most); foreign keys to large tables use autocomplete widgets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django import forms
from django.contrib import admin
from django.db.models import Count, Model, QuerySet
from django.http import HttpRequest

from readiness.models import (
    Audience,
    AudienceRequirement,
    Concern,
    GapRemedy,
    Person,
    PlanGoal,
    PlanPartner,
    ReadinessPlan,
    Role,
    RoleRequirement,
    Skill,
    SkillCategory,
    Team,
)
from readiness.webhooks.models import WebhookDelivery, WebhookEndpoint

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


# What the changelists' querysets annotate (read by the count columns).
class _Requirements(TypedDict):
    _requirements: int


class _Skills(TypedDict):
    _skills: int


class _RoleCounts(TypedDict):
    _requirements: int
    _people: int


class _Members(TypedDict):
    _members: int


admin.site.site_header = "Readiness administration"
admin.site.site_title = "Readiness admin"
admin.site.index_title = "Curation and administration"
# Changelists carry many columns; the app sidebar would push half of them off screen.
admin.site.enable_nav_sidebar = False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by the application itself: viewable, never added or edited by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


# --- Audiences and the skills framework -----------------------------------------------------


class AudienceRequirementInline(admin.TabularInline):
    model = AudienceRequirement
    extra = 0
    autocomplete_fields = ["skill"]
    ordering = ["skill__name"]


@admin.register(Audience)
class AudienceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_everyone", "order", "requirement_count"]
    list_editable = ["order"]
    search_fields = ["name", "slug", "focus"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["order", "name"]
    inlines = [AudienceRequirementInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Audience]:
        return super().get_queryset(request).annotate(_requirements=Count("requirements"))

    @admin.display(description="requirements", ordering="_requirements")
    def requirement_count(self, obj: WithAnnotations[Audience, _Requirements]) -> int:
        return obj._requirements


@admin.register(SkillCategory)
class SkillCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order", "skill_count"]
    list_editable = ["order"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["order", "name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[SkillCategory]:
        return super().get_queryset(request).annotate(_skills=Count("skills"))

    @admin.display(description="skills", ordering="_skills")
    def skill_count(self, obj: WithAnnotations[SkillCategory, _Skills]) -> int:
        return obj._skills


DESCRIPTOR_FIELDS = tuple(f"descriptor_{level}" for level in range(5))


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "is_active", "reassessment_interval_days", "order"]
    list_filter = ["category", "is_active"]
    list_select_related = ["category"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["category__order", "category__name", "order", "name"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "category", "description", "order", "is_active"]}),
        (
            "Level descriptors",
            {
                "description": "What each level looks like for this skill, shown next to the "
                "choices when people rate. Leave one empty to show the scale's generic meaning.",
                "fields": DESCRIPTOR_FIELDS,
            },
        ),
        ("Reassessment", {"fields": ["reassessment_interval_days"]}),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):  # noqa: ANN001, ANN201
        # Descriptors are sentences: a two-line box reads better than a one-line input.
        if db_field.name in DESCRIPTOR_FIELDS:
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 80})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class RoleRequirementInline(admin.TabularInline):
    model = RoleRequirement
    extra = 0
    autocomplete_fields = ["skill"]
    ordering = ["skill__name"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["name", "audience", "requirement_count", "people_count"]
    list_filter = ["audience"]
    list_select_related = ["audience"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["name"]
    inlines = [RoleRequirementInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Role]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                _requirements=Count("requirements", distinct=True),
                _people=Count("people", distinct=True),
            )
        )

    @admin.display(description="requirements", ordering="_requirements")
    def requirement_count(self, obj: WithAnnotations[Role, _RoleCounts]) -> int:
        return obj._requirements

    @admin.display(description="people", ordering="_people")
    def people_count(self, obj: WithAnnotations[Role, _RoleCounts]) -> int:
        return obj._people


@admin.register(RoleRequirement)
class RoleRequirementAdmin(admin.ModelAdmin):
    list_display = ["role", "skill", "target_level", "importance"]
    list_filter = ["importance", "target_level", "role__audience", "skill__category"]
    list_select_related = ["role", "skill"]
    search_fields = ["role__name", "skill__name"]
    autocomplete_fields = ["role", "skill"]
    ordering = ["role__name", "skill__name"]


@admin.register(AudienceRequirement)
class AudienceRequirementAdmin(admin.ModelAdmin):
    list_display = ["audience", "skill", "target_level"]
    list_filter = ["audience", "target_level", "skill__category"]
    list_select_related = ["audience", "skill"]
    search_fields = ["audience__name", "skill__name"]
    autocomplete_fields = ["skill"]
    ordering = ["audience__order", "audience__name", "skill__name"]


# --- Teams and people -----------------------------------------------------------------------


class PersonInline(admin.TabularInline):
    model = Person
    fk_name = "team"
    extra = 0
    fields = ["user", "role", "job_title", "is_active", "start_date"]
    autocomplete_fields = ["user", "role"]
    verbose_name = "member"
    verbose_name_plural = "members"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Person]:
        return super().get_queryset(request).select_related("user", "role")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["indented_name", "parent", "member_count", "manager_names"]
    list_select_related = ["parent"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["managers"]
    ordering = ["path"]
    inlines = [PersonInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Team | None = None) -> list[str]:
        # An external id is set once (by hand, the HR upsert or SCIM), then never changes.
        return ["external_id"] if obj is not None and obj.external_id else []

    def get_queryset(self, request: HttpRequest) -> QuerySet[Team]:
        return (
            super()
            .get_queryset(request)
            .annotate(_members=Count("members"))
            .prefetch_related("managers")
        )

    @admin.display(description="team", ordering="path")
    def indented_name(self, obj: Team) -> str:
        # Depth shown as a prefix keeps the tree readable in a list ordered by path.
        return f"{'— ' * obj.depth}{obj.name}"

    @admin.display(description="members", ordering="_members")
    def member_count(self, obj: WithAnnotations[Team, _Members]) -> int:
        return obj._members

    @admin.display(description="managers")
    def manager_names(self, obj: Team) -> str:
        return ", ".join(user.get_full_name() or user.username for user in obj.managers.all())


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["display_name", "email", "team", "role", "job_title", "is_active", "start_date"]
    list_filter = ["is_active", "team", "role", "role__audience"]
    list_select_related = ["user", "team", "role"]
    search_fields = [
        "user__username",
        "user__first_name",
        "user__last_name",
        "user__email",
        "job_title",
        "=external_id",
    ]
    autocomplete_fields = ["user", "team", "role"]
    ordering = ["user__last_name", "user__first_name", "user__username"]
    # Set by the person's first single sign-on (readiness/sso/); shown, never typed in.
    readonly_fields = ["oidc_subject"]
    actions = ["forget_sso_link"]

    @admin.action(description="Forget the single sign-on link of the selected people")
    def forget_sso_link(self, request: HttpRequest, queryset: QuerySet[Person]) -> None:
        """For a person whose account at the provider was replaced: their next sign-in links
        again by verified e-mail."""
        for person in queryset.exclude(oidc_subject=None):
            person.oidc_subject = None
            person.save(update_fields=["oidc_subject"])
            self.log_change(request, person, "Forgot the single sign-on link")
        self.message_user(request, "Their next sign-in links them again by verified e-mail.")

    def get_readonly_fields(self, request: HttpRequest, obj: Person | None = None) -> list[str]:
        # An external id is set once (by hand, the HR upsert or SCIM), then never changes.
        return [
            *self.readonly_fields,
            *(["external_id"] if obj is not None and obj.external_id else []),
        ]

    @admin.display(description="name", ordering="user__last_name")
    def display_name(self, obj: Person) -> str:
        return obj.display_name

    @admin.display(description="email", ordering="user__email")
    def email(self, obj: Person) -> str:
        return obj.user.email


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


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "description", "is_active", "created_at"]
    list_filter = ["is_active"]
    fields = ["url", "description", "events", "is_active", "created_by", "created_at"]
    readonly_fields = ["url", "events", "created_by", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Created on the webhooks page (or the API), which generates the secret and shows it.
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "event_type",
        "event_id",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "created_at",
    ]
    list_filter = ["status", "event_type"]
    list_select_related = ["endpoint"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
