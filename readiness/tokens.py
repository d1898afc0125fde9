"""API tokens: a person's own tokens and admins' service tokens (django-rest-knox, hashed).

The token string is shown once, when it is created; the database keeps only its hash and the
first characters (``token_key``) by which its owner recognises and revokes it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Field, QuerySet
from django.utils import timezone

from readiness.models import ApiToken
from readiness.permissions import is_admin

#: How long a new token lives (days); personal tokens always expire.
PERSONAL_EXPIRY_CHOICES = [(7, "7 days"), (30, "30 days"), (90, "90 days"), (365, "1 year")]
DEFAULT_EXPIRY_DAYS = 90
#: At most this many live tokens per person (each is a door into their data).
MAX_PERSONAL_TOKENS = 10


def tokens_of(*, user: User) -> QuerySet[ApiToken]:
    """The live (unexpired) personal tokens of ``user``, newest first."""
    now = timezone.now()
    return (
        ApiToken.objects.filter(user=user, is_service=False)
        .exclude(expiry__lte=now)
        .order_by("-created", "token_key")
    )


def service_tokens() -> QuerySet[ApiToken]:
    """Every live service token, with its account."""
    return (
        ApiToken.objects.filter(is_service=True)
        .exclude(expiry__lte=timezone.now())
        .select_related("user", "created_by")
        .order_by("-created", "token_key")
    )


def _expiry(days: int | None) -> dt.timedelta | None:
    """knox's manager takes the lifetime and stores ``now + lifetime``."""
    return None if days is None else dt.timedelta(days=days)


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the token a name, e.g. the tool that will use it."})
    if len(name) > ApiToken._meta.get_field("name").max_length:
        raise ValidationError({"name": "Use at most 100 characters."})
    return name


@transaction.atomic
def token_create(
    *, user: User, name: str, expires_in_days: int = DEFAULT_EXPIRY_DAYS
) -> tuple[ApiToken, str]:
    """Create a personal token for ``user``; returns (token, the secret string, shown once)."""
    name = _clean_name(name)
    if expires_in_days not in dict(PERSONAL_EXPIRY_CHOICES):
        raise ValidationError(
            {
                "expires_in_days": "Choose one of "
                + ", ".join(str(days) for days, _label in PERSONAL_EXPIRY_CHOICES)
                + " days."
            }
        )
    # Lock the user's row so two requests cannot both pass the limit.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if tokens_of(user=user).count() >= MAX_PERSONAL_TOKENS:
        raise ValidationError(
            f"You already have {MAX_PERSONAL_TOKENS} tokens: revoke one you no longer use."
        )
    return ApiToken.objects.create(
        user=user, name=name, expiry=_expiry(expires_in_days), created_by=user
    )


def token_revoke(*, user: User, token_key: str) -> bool:
    """Revoke ``user``'s own token with that key; False when they have none such."""
    deleted, _ = ApiToken.objects.filter(user=user, is_service=False, token_key=token_key).delete()
    return bool(deleted)


@transaction.atomic
def service_token_create(
    *,
    admin: User,
    account: str,
    name: str,
    can_hr_upsert: bool = False,
    can_scim: bool = False,
    expires_in_days: int | None = 365,
) -> tuple[ApiToken, str]:
    """An admin creates a token for an integration. It acts as the service account
    ``account`` (created without a usable password when missing), whose access follows the
    same rules as anybody's (e.g. add the account to Leadership for a BI tool); the HR upsert
    right and the SCIM right belong to the token."""
    if not is_admin(admin):
        raise ValidationError("Only admins create service tokens.")
    return _service_token_create(
        created_by=admin,
        account=account,
        name=name,
        can_hr_upsert=can_hr_upsert,
        can_scim=can_scim,
        expires_in_days=expires_in_days,
    )


def scim_token_create(
    *, name: str, account: str = "scim", expires_in_days: int | None = None
) -> tuple[ApiToken, str]:
    """A SCIM provisioning token (``manage.py scim_token``): a service token with the SCIM
    right only, acting as the service account ``account``; no expiry unless given (a
    directory's provisioning job keeps one token)."""
    with transaction.atomic():
        return _service_token_create(
            created_by=None,
            account=account,
            name=name,
            can_scim=True,
            expires_in_days=expires_in_days,
        )


def _service_token_create(
    *,
    created_by: User | None,
    account: str,
    name: str,
    can_hr_upsert: bool = False,
    can_scim: bool = False,
    expires_in_days: int | None = 365,
) -> tuple[ApiToken, str]:
    name = _clean_name(name)
    account = (account or "").strip()
    User = get_user_model()
    # The username is a plain model field (get_field is typed for relations too).
    username_field = cast("Field[Any, Any]", User._meta.get_field(User.USERNAME_FIELD))
    try:
        username_field.clean(account, None)
        username_field.run_validators(account)
    except ValidationError as error:
        raise ValidationError({"account": error.messages}) from error
    if expires_in_days is not None and not 1 <= expires_in_days <= 3650:
        raise ValidationError({"expires_in_days": "Between 1 and 3650 days, or none."})
    user = User.objects.filter(**{User.USERNAME_FIELD: account}).first()
    if user is None:
        user = User(**{User.USERNAME_FIELD: account})
        user.set_unusable_password()
        user.save()
    elif hasattr(user, "person") or user.has_usable_password():
        raise ValidationError(
            {"account": "This is a person's login: a service account is a login of its own."}
        )
    return ApiToken.objects.create(
        user=user,
        name=name,
        is_service=True,
        can_hr_upsert=can_hr_upsert,
        can_scim=can_scim,
        expiry=_expiry(expires_in_days),
        created_by=created_by,
    )


def service_token_revoke(*, token_key: str) -> bool:
    deleted, _ = ApiToken.objects.filter(is_service=True, token_key=token_key).delete()
    return bool(deleted)
