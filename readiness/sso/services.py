"""Who a signed-in identity from the provider is here, and which groups it brings.

The ID token has been checked (signature, issuer, audience, nonce, expiry) before any of this
runs; these services decide only what the claims mean for our people.
"""

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from readiness.models import Person
from readiness.permissions import forget_persona

ADMIN_ROLE = "admin"


class SsoRefused(Exception):
    """The provider vouched for somebody we will not sign in; ``code`` names the reason."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _verified_email(claims: Mapping[str, Any]) -> str:
    """The e-mail claim, only when the provider says it verified it (else "")."""
    verified = claims.get(settings.OIDC_EMAIL_VERIFIED_CLAIM)
    if verified is True or (isinstance(verified, str) and verified.lower() == "true"):
        return str(claims.get("email") or "").strip()
    return ""


@transaction.atomic
def oidc_user_sign_in(*, claims: Mapping[str, Any]) -> User:
    """The user the checked ID token ``claims`` sign in, linked or created; roles applied.

    Found by the immutable subject claim kept on the person; else, at a first sign-in, by a
    VERIFIED e-mail (an unverified e-mail claim never finds an account: anybody can put any
    address in their profile at some providers); else created when OIDC_CREATE_UNKNOWN.
    Raises ``SsoRefused`` otherwise.
    """
    subject = str(claims.get(settings.OIDC_SUBJECT_CLAIM) or "").strip()
    if not subject:
        raise SsoRefused(
            "no-subject",
            f"The provider sent no {settings.OIDC_SUBJECT_CLAIM!r} claim to recognise you by.",
        )
    person = Person.objects.select_related("user").filter(oidc_subject=subject).first()
    user = person.user if person is not None else _user_first_sign_in(claims, subject)
    if not user.is_active or (hasattr(user, "person") and not user.person.is_active):
        raise SsoRefused("inactive", "Your account here is deactivated.")
    user_roles_apply(user=user, claims=claims)
    return user


def _user_first_sign_in(claims: Mapping[str, Any], subject: str) -> User:
    User = get_user_model()
    email = _verified_email(claims)
    matches = list(User.objects.filter(email__iexact=email)[:2]) if email else []
    if len(matches) > 1:
        raise SsoRefused("ambiguous", "More than one account here has your e-mail address.")
    if matches:
        user = matches[0]
        person = Person.objects.filter(user=user).first()
        if person is not None:
            if person.oidc_subject and person.oidc_subject != subject:
                # Another identity of the provider already owns this person.
                raise SsoRefused(
                    "linked-elsewhere",
                    "Your account here is linked to another identity of the provider.",
                )
            person.oidc_subject = subject
            person.save(update_fields=["oidc_subject"])
        return user
    if not settings.OIDC_CREATE_UNKNOWN:
        raise SsoRefused("unknown", "You have no account in Readiness yet.")
    return _user_create(claims, subject, email)


def _user_create(claims: Mapping[str, Any], subject: str, email: str) -> User:
    User = get_user_model()
    base = re.sub(r"[^\w.@+-]", "", str(claims.get("preferred_username") or email or subject))
    base = base[:140] or "user"
    username, n = base, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}-{n}"
    user = User(
        username=username,
        email=email,
        first_name=str(claims.get("given_name") or "")[:150],
        last_name=str(claims.get("family_name") or "")[:150],
    )
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
            Person.objects.create(user=user, oidc_subject=subject)
    except IntegrityError as exc:  # the same person signing in twice at once
        raise SsoRefused("busy", "Your account was being created; sign in again.") from exc
    return user


def _claim_values(claims: Mapping[str, Any]) -> set[str]:
    values: set[str] = set()
    for name in settings.OIDC_ROLE_CLAIMS:
        value = claims.get(name)
        items: Iterable[Any] = [value] if isinstance(value, str) else (value or [])
        values.update(str(item) for item in items if isinstance(item, str | int))
    return values


def user_roles_apply(*, user: User, claims: Mapping[str, Any]) -> list[str]:
    """Make the user's managed groups exactly those OIDC_ROLE_MAP gives their claims.

    Only the targets named in the map are managed (a group nobody maps stays as the admins set
    it). Each change is recorded: the group membership in the user's history
    (django-simple-history) and one line in the change log shown on /audit/. Returns the
    changes, e.g. ["added Leadership", "removed admin"].
    """
    role_map: Mapping[str, str] = settings.OIDC_ROLE_MAP
    managed = set(role_map.values())
    if not managed:
        return []
    wanted = {role_map[value] for value in _claim_values(claims) if value in role_map}
    groups = {
        name: Group.objects.get_or_create(name=name)[0] for name in sorted(managed - {ADMIN_ROLE})
    }
    current = set(user.groups.filter(name__in=groups).values_list("name", flat=True))
    added = sorted((wanted - current) & set(groups))
    removed = sorted((current - wanted) & set(groups))
    changes = [f"added {name}" for name in added] + [f"removed {name}" for name in removed]
    if added:
        user.groups.add(*(groups[name] for name in added))
    if removed:
        user.groups.remove(*(groups[name] for name in removed))
    if ADMIN_ROLE in managed and user.is_superuser != (ADMIN_ROLE in wanted):
        user.is_superuser = user.is_staff = ADMIN_ROLE in wanted
        user._change_reason = "Single sign-on roles"  # type: ignore[attr-defined]
        user.save(update_fields=["is_superuser", "is_staff"])
        changes.append(f"{'added' if user.is_superuser else 'removed'} {ADMIN_ROLE}")
    if changes:
        forget_persona(user)
        LogEntry.objects.create(
            user_id=user.pk,
            content_type=ContentType.objects.get_for_model(user),
            object_id=str(user.pk),
            object_repr=str(user)[:200],
            action_flag=CHANGE,
            change_message=f"Roles from {settings.OIDC_PROVIDER_NAME}: {', '.join(changes)}",
        )
    return changes
