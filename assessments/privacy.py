"""People leaving: export everything the product holds about one person, and erase a person.

Erasing anonymizes rather than deletes: the ratings stay as anonymous statistics (the history
is the data, and organization figures must not change retroactively), while every field that
names or describes the person is wiped. It lives in ``assessments`` because it touches ratings
and plan items (readiness may not import assessments).
"""

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Model, QuerySet
from django.dispatch import Signal
from django.utils import timezone

from assessments.models import (
    AssessmentSubmission,
    CycleParticipation,
    LearningPlanItem,
    Reminder,
    SkillRating,
)
from readiness.models import ApiToken, Concern, Person, Team

# Sent inside the erasing transaction with ``user_id``: apps that keep copies of personal data
# (the audit history) wipe theirs.
person_erased = Signal()

EXPORT_FORMAT = "readiness-person"
EXPORT_VERSION = 1


def _value(obj: Model, field) -> Any:  # noqa: ANN001
    if field.is_relation:
        related = getattr(obj, field.name)
        return None if related is None else str(related)
    value = field.value_from_object(obj)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return None
    return value


def _rows(queryset: QuerySet, *, exclude: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    fields = [
        f for f in queryset.model._meta.concrete_fields if f.name not in exclude
    ]
    return [{f.name: _value(obj, f) for f in fields} for obj in queryset]


def person_find(*, email: str) -> Person:
    """The person whose login has this email (case-insensitive); Person.DoesNotExist if none,
    MultipleObjectsReturned if several logins share it."""
    return Person.objects.select_related("user", "team", "role").get(user__email__iexact=email)


def person_export(*, person: Person) -> dict[str, Any]:
    """Everything the product stores about ``person``, as a JSON-ready dict."""
    user = person.user
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "user": {
            "username": user.get_username(),
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "is_active": user.is_active,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "groups": sorted(user.groups.values_list("name", flat=True)),
            "manages_teams": sorted(Team.objects.filter(managers=user).values_list("name", flat=True)),
        },
        "person": _rows(Person.objects.filter(pk=person.pk), exclude=("id", "user"))[0],
        "ratings": _rows(
            SkillRating.objects.filter(person=person).select_related("skill", "cycle", "rated_by")
            .order_by("created_at", "pk"),
            exclude=("id", "person"),
        ),
        "submissions": _rows(
            AssessmentSubmission.objects.filter(person=person).order_by("submitted_at", "pk"),
            exclude=("id", "person"),
        ),
        "cycle_participations": _rows(
            CycleParticipation.objects.filter(person=person).order_by("pk"),
            exclude=("id", "person"),
        ),
        "learning_plan": _rows(
            LearningPlanItem.objects.filter(person=person).select_related("resource", "skill")
            .order_by("created_at", "pk"),
            exclude=("id", "person"),
        ),
        "reminders": _rows(
            Reminder.objects.filter(person=person).order_by("pk"), exclude=("id", "person")
        ),
        "concerns_raised": _rows(
            Concern.objects.filter(raised_by=user).order_by("pk"), exclude=("id", "raised_by")
        ),
        "api_tokens": [
            {"name": t.name, "created": t.created.isoformat(),
             "expiry": t.expiry.isoformat() if t.expiry else None}
            for t in ApiToken.objects.filter(user=user).order_by("created")
        ],
    }


@transaction.atomic
def person_erase(*, person: Person) -> None:
    """Anonymize ``person``: their login can no longer sign in and no longer names them; their
    ratings stay (level, skill, dates) as anonymous statistics; free text they wrote on
    ratings is blanked; concerns they raised stay, no longer linked to them."""
    user: AbstractBaseUser = get_user_model().objects.select_for_update().get(pk=person.user_id)
    old_username = user.get_username()
    user.username = f"erased-{user.pk}"
    user.first_name = ""
    user.last_name = ""
    user.email = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    Team.managers.through.objects.filter(user_id=user.pk).delete()
    ApiToken.objects.filter(user=user).delete()

    Person.objects.filter(pk=person.pk).update(is_active=False, job_title="")
    # Ratings are append-only, and their queryset refuses .update() so that no code path edits
    # the history by mistake. Erasure is the one legitimate exception: it blanks only the two
    # free-text columns (levels, skills and dates stay for the statistics), so it goes around
    # the guard with one raw UPDATE on exactly those columns.
    table = SkillRating._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {connection.ops.quote_name(table)} SET note = %s, evidence_url = %s "  # noqa: S608
            "WHERE person_id = %s",
            ["", "", person.pk],
        )
    Concern.objects.filter(raised_by=user).update(raised_by=None)
    # Sign-in attempts recorded by django-axes carry the old username.
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username=old_username).delete()
    person_erased.send(sender=Person, user_id=user.pk)
    person.refresh_from_db()
    person.user = user
