"""People leaving: export everything the product holds about one person, and erase a person.

Erasing anonymizes rather than deletes: the ratings stay as anonymous statistics (the history
is the data, and organization figures must not change retroactively), while every field that
names or describes the person is wiped. It lives in ``assessments`` because it touches ratings
and plan items (readiness may not import assessments).
"""

import datetime as dt
import json
import logging
import re
from typing import Any

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F, Model, Q, QuerySet, Value
from django.db.models.functions import Left, Replace
from django.dispatch import Signal
from django.utils import timezone

from assessments.models import (
    AssessmentSubmission,
    CycleParticipation,
    LearningPlanItem,
    Reminder,
    SkillRating,
)
from readiness.caching import kept_clear
from readiness.models import ApiToken, Concern, Person, Team
from readiness.tasks import kept_clear_again

logger = logging.getLogger(__name__)

# Sent inside the erasing transaction with ``user_id``, ``names`` (the strings that named the
# person: full name, email) and ``replacement`` (what to put in their place): apps that keep
# copies of personal data (the audit history) wipe theirs.
person_erased = Signal()

#: What a person's name or email becomes inside text someone wrote (their concerns).
REDACTED = "[name withheld]"

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
    fields = [f for f in queryset.model._meta.concrete_fields if f.name not in exclude]
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
            "manages_teams": sorted(
                Team.objects.filter(managers=user).values_list("name", flat=True)
            ),
        },
        "person": _rows(Person.objects.filter(pk=person.pk), exclude=("id", "user"))[0],
        "ratings": _rows(
            SkillRating.objects.filter(person=person)
            .select_related("skill", "cycle", "rated_by")
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
            LearningPlanItem.objects.filter(person=person)
            .select_related("resource", "skill")
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
            {
                "name": t.name,
                "created": t.created.isoformat(),
                "expiry": t.expiry.isoformat() if t.expiry else None,
            }
            for t in ApiToken.objects.filter(user=user).order_by("created")
        ],
    }


@transaction.atomic
def person_erase(*, person: Person) -> None:
    """Anonymize ``person``: their login can no longer sign in and no longer names them; their
    ratings stay (level, skill, dates) as anonymous statistics; free text they wrote on
    ratings is blanked; concerns they raised stay, no longer linked to them."""
    user: User = get_user_model().objects.select_for_update().get(pk=person.user_id)
    old_username = user.get_username()
    # What named them, to be taken out of the copies: the full name and the email are specific
    # enough to replace wherever they appear; a first or last name alone only in their own text.
    names = _distinct(user.get_full_name().strip(), user.email.strip())
    own_words = _distinct(*names, old_username, user.first_name.strip(), user.last_name.strip())
    raised = list(Concern.objects.filter(raised_by=user))
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
    Team.objects.filter(managers=user).update(updated_at=timezone.now())
    Team.managers.through.objects.filter(user_id=user.pk).delete()
    ApiToken.objects.filter(user=user).delete()

    # The provider's id of them goes too: it identifies them, and a new account of theirs at
    # the provider must not find this one.
    Person.objects.filter(pk=person.pk).update(
        is_active=False, job_title="", oidc_subject=None, updated_at=timezone.now()
    )
    # Ratings are append-only, and their queryset refuses .update() so that no code path edits
    # the history by mistake. Erasure is the one legitimate exception: it blanks only the two
    # free-text columns (levels, skills and dates stay for the statistics), so it goes around
    # the guard with one raw UPDATE on exactly those columns.
    table = SkillRating._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {connection.ops.quote_name(table)} SET note = %s, evidence_url = %s "  # noqa: S608  # nosec B608 # table name from the model, quoted; values as parameters
            "WHERE person_id = %s",
            ["", "", person.pk],
        )
    Concern.objects.filter(raised_by=user).update(raised_by=None)
    _concerns_redact(raised, words=own_words)
    _admin_log_redact(person=person, user=user, names=names, old_username=old_username)
    # Sign-in attempts recorded by django-axes carry the old username.
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username=old_username).delete()
    person_erased.send(sender=Person, user_id=user.pk, names=names, replacement=user.get_username())
    # Kept pages and exports (readiness/caching.py) are never served once the data changed, but
    # stay in the cache until they expire, names and all: drop them once the erasure commits
    # (the other processes drop their own copies at their next request: the version moved),
    # and again once the requests under way then have ended.
    transaction.on_commit(_kept_forget)
    person.refresh_from_db()
    person.user = user


def _kept_forget() -> None:
    """Everything kept forgotten now, and again after ``ERASURE_CLEAR_AGAIN_SECONDS``
    (``readiness.tasks.kept_clear_again``): a request that read the data version before the
    erasure committed may still store a page naming the person after this clear. The erasure
    has committed: a broker out of reach is logged, not raised."""
    kept_clear()
    try:
        kept_clear_again.apply_async(countdown=settings.ERASURE_CLEAR_AGAIN_SECONDS)
    except Exception:  # noqa: BLE001 - kombu raises several kinds; the erasure has committed
        logger.warning("Could not queue the second clear of the cache", exc_info=True)


def _distinct(*values: str) -> list[str]:
    """The non-empty values, longest first (so "Ada Lovelace" goes before "Ada"), once each."""
    return sorted({v for v in values if v}, key=lambda v: (-len(v), v))


def _concerns_redact(concerns: list[Concern], *, words: list[str]) -> None:
    """Concerns they raised keep their text, with their own name and email taken out."""
    if not concerns or not words:
        return
    pattern = re.compile(
        "|".join(rf"(?<!\w){re.escape(word)}(?!\w)" for word in words), re.IGNORECASE
    )
    changed = []
    for concern in concerns:
        before = (concern.text, concern.impact, concern.response)
        concern.text, concern.impact, concern.response = (
            pattern.sub(REDACTED, value) for value in before
        )
        if (concern.text, concern.impact, concern.response) != before:
            changed.append(concern)
    Concern.objects.bulk_update(changed, ["text", "impact", "response"])


def _admin_log_redact(*, person: Person, user: User, names: list[str], old_username: str) -> None:
    """The admin's change log (shown on /audit/) keeps each object's name as it was then: the
    person's and their login's rows take their erased names, and the rows of their ratings,
    plan items and reminders lose the username they were shown by; their full name and email
    are replaced wherever else they appear (an object named after them, an inline's message)."""
    replacement = user.get_username()
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(user)), object_id=str(user.pk)
    ).update(object_repr=replacement)
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Person), object_id=str(person.pk)
    ).update(object_repr=replacement)
    # A username alone may be a common word ("al"): replaced only in the rows of their objects.
    own = Q(pk__in=[])
    for model in (
        SkillRating,
        AssessmentSubmission,
        CycleParticipation,
        LearningPlanItem,
        Reminder,
    ):
        ids = [str(pk) for pk in model.objects.filter(person=person).values_list("pk", flat=True)]
        if ids:
            own |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
    LogEntry.objects.filter(own).update(
        object_repr=Left(Replace(F("object_repr"), Value(old_username), Value(replacement)), 200)
    )
    for name in names:
        # change_message is JSON: a name with accents is stored as \u escapes there.
        for variant in _distinct(name, json.dumps(name)[1:-1]):
            LogEntry.objects.filter(
                Q(object_repr__contains=variant) | Q(change_message__contains=variant)
            ).update(
                object_repr=Left(
                    Replace(F("object_repr"), Value(variant), Value(replacement)), 200
                ),
                change_message=Replace(F("change_message"), Value(variant), Value(replacement)),
            )
