"""Who may do what. Every view and API endpoint asks these functions, never the groups directly.

What a user is (leadership, curator, manager, has a person record) is read in ONE query the
first time any of these functions is asked, and kept on the user object for that request only.
It is never kept across requests (``readiness.caching`` keeps no permission decision): the
query is four ``EXISTS`` probes of indexed rows, cheaper to read than to reason about when a
kept decision is stale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User

from readiness.sql import Fragment, fetch_prepared, param

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
    # Every page runs it: prepared, planned once per connection.
    (row,) = fetch_prepared(Fragment("SELECT {probes}").fill(probes=persona_probes(param(user.pk))))
    return persona_remember(user, row)


#: Four ``EXISTS`` probes of indexed rows, the user's id ``{user}`` (a value or a column): in
#: Leadership, in Curators, managing a team, having a person record. One constant statement
#: (PostgreSQL and SQLite): every request that checks a permission runs it, and building it
#: with the ORM cost more CPU (~1.4 ms) than running it. ``person_get`` reads them with the
#: person, the other read every person's page starts with.
_PERSONA_PROBES = Fragment("""
  EXISTS (SELECT 1 FROM auth_user_groups ug JOIN auth_group g ON g.id = ug.group_id
          WHERE ug.user_id = {user} AND g.name = {leadership}),
  EXISTS (SELECT 1 FROM auth_user_groups ug JOIN auth_group g ON g.id = ug.group_id
          WHERE ug.user_id = {user} AND g.name = {curators}),
  EXISTS (SELECT 1 FROM readiness_team_managers tm WHERE tm.user_id = {user}),
  EXISTS (SELECT 1 FROM readiness_person p WHERE p.user_id = {user})
""")
#: How many columns ``persona_probes`` reads (``persona_remember`` takes as many values).
PERSONA_PROBE_COLUMNS = 4


def persona_probes(user: Fragment | str) -> Fragment:
    """The four columns ``persona_remember`` reads, for the user ``user`` (SQL: a parameter,
    or the id column of the statement's user)."""
    return _PERSONA_PROBES.fill(
        user=user, leadership=param(LEADERSHIP_GROUP), curators=param(CURATORS_GROUP)
    )


def persona_remember(user: User, probes: Sequence[object]) -> PersonaFlags:
    """``user``'s flags from the values of their ``persona_probes``, kept on ``user`` for the
    request (the memo ``persona_flags`` reads)."""
    leadership, curator, manager, person = probes
    flags = PersonaFlags(
        admin=bool(user.is_superuser),
        leadership=bool(user.is_superuser or leadership),
        curator=bool(user.is_superuser or curator),
        manager=bool(manager),
        has_person=bool(person),
    )
    user._persona_flags = flags  # type: ignore[attr-defined]  # the request-long memo named above
    return flags


def persona_known(user: User) -> bool:
    """Whether the request has read ``user``'s flags already (a statement that could read them
    with its own then leaves them out)."""
    return getattr(user, "_persona_flags", None) is not None


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
