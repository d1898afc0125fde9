"""Who may do what. Every view and API endpoint asks these functions, never the groups directly."""

from dataclasses import dataclass
from functools import cached_property

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

LEADERSHIP_GROUP = "Leadership"
CURATORS_GROUP = "Curators"


def _group_names(user: AbstractBaseUser) -> set[str]:
    # Cached on the user object: one query per request at most.
    if not hasattr(user, "_readiness_groups"):
        user._readiness_groups = set(user.groups.values_list("name", flat=True))
    return user._readiness_groups


def is_admin(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_superuser)


def is_leadership(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or LEADERSHIP_GROUP in _group_names(user)))


def is_curator(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or CURATORS_GROUP in _group_names(user)))


def is_manager(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_readiness_manages"):
        user._readiness_manages = user.managed_teams.exists()
    return user._readiness_manages


@dataclass
class PersonaFlags:
    user: AbstractBaseUser

    @cached_property
    def admin(self) -> bool:
        return is_admin(self.user)

    @cached_property
    def leadership(self) -> bool:
        return is_leadership(self.user)

    @cached_property
    def curator(self) -> bool:
        return is_curator(self.user)

    @cached_property
    def manager(self) -> bool:
        return is_manager(self.user)

    @cached_property
    def has_person(self) -> bool:
        return hasattr(self.user, "person")


def persona_flags(user: AbstractBaseUser) -> PersonaFlags:
    return PersonaFlags(user)
