"""Signal handlers of the audit app."""

from collections.abc import Sequence
from functools import reduce
from operator import or_

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Cast, Left, Replace
from django.dispatch import receiver
from django.utils import timezone
from simple_history.utils import get_history_model_for_model

from assessments.models import SkillRating
from assessments.privacy import person_erased
from readiness.models import Person


def record_last_login(sender, user, **kwargs) -> None:  # noqa: ANN001, ARG001
    get_user_model().objects.filter(pk=user.pk).update(last_login=timezone.now())


@receiver(person_erased, dispatch_uid="audit_anonymize_erased_user")
def anonymize_user_history(
    sender,
    user_id: int,
    names: Sequence[str] = (),
    replacement: str = "",  # noqa: ANN001, ARG001
    **kwargs,
) -> None:
    """The user's past versions named them: an erased person is erased from the audit too
    (the rows stay, so the audit still shows that the account changed and when). Their full
    name and email are also replaced in every other history table's text (a plan or a rule
    that named them, a change reason)."""
    get_history_model_for_model(get_user_model()).objects.filter(id=user_id).update(
        username=f"erased-{user_id}", first_name="", last_name="", email=""
    )
    # Bulk writes (HR upsert, CSV import) name the person in the change log: by the email
    # of their person entry, by their name on their ratings.
    ratings = SkillRating.objects.filter(person__user_id=user_id).values(
        pk_text=Cast("pk", output_field=models.CharField())
    )
    people_ids = Person.objects.filter(user_id=user_id).values(
        pk_text=Cast("pk", output_field=models.CharField())
    )
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Person), object_id__in=people_ids
    ).update(object_repr=f"erased-{user_id}")
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(SkillRating), object_id__in=ratings
    ).update(object_repr=f"rating of erased-{user_id}")
    for model in _history_models():
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices
        ]
        for name in names:
            model._default_manager.filter(
                reduce(or_, (Q(**{f"{f.attname}__contains": name}) for f in fields))
            ).update(**{f.attname: _replaced(f, name, replacement) for f in fields})


def _replaced(field: models.Field, old: str, new: str):  # noqa: ANN202
    replaced = Replace(F(field.attname), Value(old), Value(new))
    # A longer replacement must not overflow a bounded column.
    return Left(replaced, field.max_length) if field.max_length else replaced


def _history_models() -> list[type[models.Model]]:
    """simple-history's tables (every model of this app with a ``history_id``)."""
    return [
        model
        for model in apps.get_app_config("audit").get_models()
        if any(f.name == "history_id" for f in model._meta.fields)
    ]
