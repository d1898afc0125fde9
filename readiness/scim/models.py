"""The groups a directory provisioned over SCIM. What a group *does* (a team, Leadership,
Curators, or nothing) comes from ``SCIM_GROUP_MAP`` on its displayName; the row keeps what the
directory said about it, so a group reads back as it was written and a DELETE is final."""

from django.db import models


class ScimGroup(models.Model):
    display_name = models.CharField(max_length=255, unique=True)
    external_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "readiness"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.display_name
