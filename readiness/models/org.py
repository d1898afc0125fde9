"""The organization: teams (a tree kept as materialized paths) and people."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.urls import reverse
from django.utils import timezone

from readiness.models.framework import Role


class Team(models.Model):
    """A team; teams without a parent are departments. ``path`` makes sub-tree reads one query."""

    name = models.CharField(max_length=120)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="managed_teams"
    )
    description = models.TextField(blank=True)
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    #: The team's id in the HR system or directory (SCIM ``externalId``): set once, never
    #: changed; the HR upsert and SCIM find the team by it, so a renamed team stays the team.
    external_id = models.CharField(
        max_length=255,
        null=True,
        blank=True,
        unique=True,
        help_text="The team's id in the HR system or directory (set once).",
    )
    #: When the team last changed (its managers too): what ``?updated_since=`` reads.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="unique_team_name_per_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        parent_path = self.parent.path if self.parent is not None else "/"
        path = f"{parent_path}{self.pk}/"
        if path != self.path:
            old_path, old_depth = self.path, self.depth
            self.path, self.depth = path, path.count("/") - 2
            Team.objects.filter(pk=self.pk).update(
                path=self.path, depth=self.depth, updated_at=self.updated_at
            )
            if old_path:
                # Moving a team moves its whole sub-tree, in one statement.
                Team.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=Concat(Value(self.path), Substr("path", len(old_path) + 1)),
                    depth=F("depth") + (self.depth - old_depth),
                    updated_at=timezone.now(),
                )

    def get_absolute_url(self) -> str:
        return reverse("assessments:team-detail", args=[self.pk])

    def clean(self) -> None:
        ancestor = self.parent
        while ancestor is not None:
            if self.pk and ancestor.pk == self.pk:
                raise ValidationError({"parent": "A team cannot be placed under itself."})
            ancestor = ancestor.parent

    @classmethod
    def rebuild_paths(cls) -> None:
        """Recompute every path after bulk inserts (which bypass ``save``)."""
        teams = list(Team.objects.order_by("id").values("id", "parent_id"))
        parents = {t["id"]: t["parent_id"] for t in teams}
        paths: dict[int, str] = {}

        def path_of(team_id: int) -> str:
            if team_id not in paths:
                parent = parents[team_id]
                paths[team_id] = (path_of(parent) if parent else "/") + f"{team_id}/"
            return paths[team_id]

        now = timezone.now()
        objs = [
            Team(
                id=t["id"],
                path=path_of(t["id"]),
                depth=path_of(t["id"]).count("/") - 2,
                updated_at=now,
            )
            for t in teams
        ]
        Team.objects.bulk_update(objs, ["path", "depth", "updated_at"], batch_size=500)

    def subtree(self) -> "models.QuerySet[Team]":
        return Team.objects.filter(path__startswith=self.path)


def display_name_of(first_name: str, last_name: str, username: str) -> str:
    """How a person is named everywhere: their full name, else their username (what
    ``User.get_full_name`` joins), for code that reads the three values without the models."""
    return f"{first_name} {last_name}".strip() or username


class Person(models.Model):
    """A member of the organization; one-to-one with a login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    role = models.ForeignKey(
        Role, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    job_title = models.CharField(max_length=120, blank=True)
    is_active = models.BooleanField(default=True)
    #: Unknown (null) unless given: the day someone was provisioned is not the day they started.
    start_date = models.DateField(null=True, blank=True)
    #: The person's id in the HR system or directory (SCIM ``externalId``, Entra's object id):
    #: set once, never changed; the HR upsert and SCIM find the person by it, so a changed
    #: email stays the same person.
    external_id = models.CharField(
        max_length=255,
        null=True,
        blank=True,
        unique=True,
        help_text="The person's id in the HR system or directory (set once).",
    )
    # The person's immutable id at the single sign-on provider (OIDC_SUBJECT_CLAIM, e.g. Entra
    # ID's oid), set at their first sign-in: later sign-ins find them by it, whatever their
    # e-mail has become.
    oidc_subject = models.CharField(
        "single sign-on subject",
        max_length=255,
        unique=True,
        null=True,
        blank=True,
        editable=False,
    )
    #: When the person or their login last changed (deactivation and erasure too): what
    #: ``?updated_since=`` reads, so an incremental sync sees people leave.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name", "user__username"]
        verbose_name_plural = "people"
        indexes = [models.Index(fields=["team", "is_active"], name="person_team_active")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        user = self.user
        return display_name_of(user.first_name, user.last_name, user.username)

    @property
    def email(self) -> str:
        return self.user.email
