"""Admin of teams and people."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from readiness.models import (
    Person,
    Team,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


# What the changelist's queryset annotates (read by the count column).
class _Members(TypedDict):
    _members: int


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
