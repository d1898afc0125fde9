"""Signal receivers of the organization app (connected in ``ReadinessConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.dispatch import Signal
from django.utils import timezone

#: Sent after a bulk write of people and teams (the HR upsert, and SCIM through it), which
#: sends no ``post_save``: ``sender`` is the writer. Apps keeping figures over the organization
#: (the dashboard's) listen; readiness imports none of them.
organization_changed = Signal()


def person_touch_on_user_save(
    sender: type,
    instance: Any,
    created: bool,
    update_fields: frozenset | None = None,
    **kwargs: Any,
) -> None:
    """Move the person's ``updated_at`` when their login changes (not on a sign-in): the API
    shows the login's name, email and username as the person's."""
    if created or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return
    from readiness.models import Person

    Person.objects.filter(user_id=instance.pk).update(updated_at=timezone.now())
