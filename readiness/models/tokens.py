"""API tokens (personal and service accounts')."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from knox.models import AbstractAuthToken

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class ApiToken(AbstractAuthToken):
    """A named API token (django-rest-knox stores only its hash). A person's own tokens act as
    that person; service tokens, made by an admin for an integration, act as a service account
    and may carry rights of their own (the HR bulk upsert).

    Its fields are annotated: the base class comes from django-rest-knox, which ships no types,
    so the Django plugin cannot infer them."""

    name: models.CharField[str, str] = models.CharField(max_length=100)
    is_service: models.BooleanField[bool, bool] = models.BooleanField(default=False)
    can_hr_upsert: models.BooleanField[bool, bool] = models.BooleanField(
        "may bulk-upsert teams and people",
        default=False,
        help_text="Lets an HR system call the bulk upsert endpoint.",
    )
    can_scim: models.BooleanField[bool, bool] = models.BooleanField(
        "may provision over SCIM",
        default=False,
        help_text="Lets a directory (Microsoft Entra ID) provision people and teams at /scim/v2/.",
    )
    created_by: models.ForeignKey[User | None, User | None] = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.token_key}…)"

    @property
    def is_expired(self) -> bool:
        return self.expiry is not None and self.expiry <= timezone.now()
