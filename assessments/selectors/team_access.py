"""What a user may do with one team, read in ONE statement at every visit of a team page.

The rules are those of ``assessments.selectors.teams`` (``teams_readable_by``,
``team_can_edit``, ``team_shows_members``) and of the map's member links; this module answers
them for one (user, team) pair at once, from three ``EXISTS`` probes on the team's row
(``TEAM_ACCESS_SQL``) and the persona flags the request already read. Never kept across requests (no permission
decision is cached): a test holds it equal to those functions for every pair of an
organization.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.contrib.auth.models import User

from readiness.models import Team
from readiness.permissions import persona_flags
from readiness.sql import Fragment, fetch_prepared, instance_of_row


@dataclass(frozen=True, slots=True)
class TeamAccess:
    team: Team
    #: Changes the team's ratings: its own managers and admins (``team_can_edit``).
    can_edit: bool
    #: Sees the members one by one (``team_shows_members``).
    shows_members: bool
    #: The map's member names link to their pages (``people_visible_to`` would let them in).
    links_people: bool


#: The team's row with three probes for one user, one constant statement (PostgreSQL and
#: SQLite), prepared (``fetch_prepared``): every team page runs it, and the ORM's nested
#: ``Exists`` cost more CPU (~1.4 ms) than the statement; through ``Team.objects.raw`` it still
#: cost ~0.3 ms more than prepared. A team's path is its ancestors' ids ("/1/5/"): "under" is
#: a prefix. The team's columns are named in its fields' order (``instance_of_row``).
TEAM_ACCESS_SQL = """
SELECT {columns},
  EXISTS (SELECT 1 FROM readiness_team_managers tm
          WHERE tm.team_id = t.id AND tm.user_id = %s) AS manages,
  EXISTS (SELECT 1 FROM readiness_team_managers tm JOIN readiness_team m ON m.id = tm.team_id
          WHERE tm.user_id = %s
            AND substr(t.path, 1, length(m.path)) = m.path) AS manages_above,
  EXISTS (SELECT 1 FROM readiness_person p
          WHERE p.user_id = %s AND p.is_active AND p.team_id = t.id) AS member
FROM readiness_team t
WHERE t.id = %s
"""


@cache
def _team_access_sql() -> str:
    columns = ", ".join(f't."{field.column}"' for field in Team._meta.concrete_fields)
    return TEAM_ACCESS_SQL.format(columns=columns)


def team_access(*, user: User, pk: int) -> TeamAccess | None:
    """``user``'s access to team ``pk``, or None when they may not read it (a 404)."""
    flags = persona_flags(user)
    rows = fetch_prepared(Fragment(_team_access_sql(), (user.pk, user.pk, user.pk, pk)))
    if not rows:
        return None
    *values, manages, above, member = rows[0]
    team = instance_of_row(Team, values)
    manages, above = bool(manages), bool(above)
    shown_as_member = bool(settings.TEAM_MAP_VISIBLE_TO_MEMBERS and member)
    if not (flags.leadership or above or shown_as_member):
        return None
    can_edit = flags.admin or manages
    return TeamAccess(
        team=team,
        can_edit=can_edit,
        shows_members=flags.admin or not flags.leadership or above or shown_as_member,
        links_people=(
            can_edit or not settings.TEAM_MAP_VISIBLE_TO_MEMBERS or flags.leadership or above
        ),
    )
