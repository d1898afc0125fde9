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


#: Four ``EXISTS`` probes of indexed rows, one constant statement (PostgreSQL and SQLite):
#: every request that checks a permission runs it, and building it with the ORM cost more CPU
#: (~1.4 ms) than running it.
PERSONA_SQL = """
SELECT
  EXISTS (SELECT 1 FROM auth_user_groups ug JOIN auth_group g ON g.id = ug.group_id
          WHERE ug.user_id = %(user)s AND g.name = %(leadership)s),
  EXISTS (SELECT 1 FROM auth_user_groups ug JOIN auth_group g ON g.id = ug.group_id
          WHERE ug.user_id = %(user)s AND g.name = %(curators)s),
  EXISTS (SELECT 1 FROM readiness_team_managers tm WHERE tm.user_id = %(user)s),
  EXISTS (SELECT 1 FROM readiness_person p WHERE p.user_id = %(user)s)
"""


def _persona_flags_read(user: User) -> PersonaFlags:
    from readiness.sql import prepared_cursor

    params: dict[str, int | str] = {
        "user": user.pk,
        "leadership": LEADERSHIP_GROUP,
        "curators": CURATORS_GROUP,
    }
    with prepared_cursor() as cursor:  # every page runs it: planned once per connection
        cursor.execute(PERSONA_SQL, params)
        leadership, curator, manager, person = cursor.fetchone()
    return PersonaFlags(
        admin=bool(user.is_superuser),
        leadership=bool(user.is_superuser or leadership),
        curator=bool(user.is_superuser or curator),
        manager=bool(manager),
        has_person=bool(person),
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
