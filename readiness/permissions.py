"""Who may do what. Every view and API endpoint asks these functions, never the groups directly.

What a user is (leadership, curator, manager, has a person record) is read in ONE query the
first time any of these functions is asked, and kept on the user object for that request only.
It is never kept across requests (``readiness.caching`` keeps no permission decision): the
query is four ``EXISTS`` probes of indexed rows, cheaper to read than to reason about when a
kept decision is stale.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User

LEADERSHIP_GROUP = "Leadership"
CURATORS_GROUP = "Curators"


@dataclass(frozen=True, slots=True)
class PersonaFlags:
    admin: bool
    leadership: bool
    curator: bool
    manager: bool
    has_person: bool


_NOBODY = PersonaFlags(False, False, False, False, False)


def persona_flags(user: User | AnonymousUser) -> PersonaFlags:
    """Everything the navigation and the permission checks need about ``user``, one query."""
    if not user.is_authenticated:
        return _NOBODY
    known = getattr(user, "_persona_flags", None)
    if known is not None:
        return known
    flags = _persona_flags_read(user)
    user._persona_flags = flags  # type: ignore[attr-defined]  # the request-long memo named above
    return flags


def _persona_flags_read(user: User) -> PersonaFlags:
    from django.contrib.auth import get_user_model
    from django.db.models import Exists, OuterRef

    from readiness.models import Person, Team

    User = get_user_model()
    memberships = User.groups.through.objects.filter(user_id=OuterRef("pk"))
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            _leadership=Exists(memberships.filter(group__name=LEADERSHIP_GROUP)),
            _curator=Exists(memberships.filter(group__name=CURATORS_GROUP)),
            _manager=Exists(Team.managers.through.objects.filter(user_id=OuterRef("pk"))),
            _person=Exists(Person.objects.filter(user_id=OuterRef("pk"))),
        )
        .values("_leadership", "_curator", "_manager", "_person")
        .first()
    ) or {"_leadership": False, "_curator": False, "_manager": False, "_person": False}
    return PersonaFlags(
        admin=bool(user.is_superuser),
        leadership=bool(user.is_superuser or row["_leadership"]),
        curator=bool(user.is_superuser or row["_curator"]),
        manager=bool(row["_manager"]),
        has_person=bool(row["_person"]),
    )


def forget_persona(user: User) -> None:
    """Drop the request's flags (after changing a user's groups or teams in the same request)."""
    user.__dict__.pop("_persona_flags", None)


def is_admin(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_superuser)


def is_leadership(user: User | AnonymousUser) -> bool:
    return persona_flags(user).leadership


def is_curator(user: User | AnonymousUser) -> bool:
    return persona_flags(user).curator


def is_manager(user: User | AnonymousUser) -> bool:
    return persona_flags(user).manager
