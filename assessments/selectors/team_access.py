"""What a user may do with one team, read in ONE statement at every visit of a team page.

The rules are those of ``assessments.selectors.teams`` (``teams_readable_by``,
``team_can_edit``, ``team_shows_members``) and of the map's member links; this module answers
them for one (user, team) pair at once, from three ``EXISTS`` probes on the team's row and
the persona flags the request already read. Never kept across requests (no permission
decision is cached): a test holds it equal to those functions for every pair of an
organization.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Exists, F, OuterRef
from django.db.models.lookups import StartsWith

from readiness.models import Person, Team
from readiness.permissions import persona_flags


@dataclass(frozen=True, slots=True)
class TeamAccess:
    team: Team
    #: Changes the team's ratings: its own managers and admins (``team_can_edit``).
    can_edit: bool
    #: Sees the members one by one (``team_shows_members``).
    shows_members: bool
    #: The map's member names link to their pages (``people_visible_to`` would let them in).
    links_people: bool


def team_access(*, user: User, pk: int) -> TeamAccess | None:
    """``user``'s access to team ``pk``, or None when they may not read it (a 404)."""
    flags = persona_flags(user)
    managed = Team.managers.through.objects.filter(user_id=user.pk)
    team = (
        Team.objects.filter(pk=pk)
        .annotate(
            _manages=Exists(managed.filter(team_id=OuterRef("pk"))),
            # The team is in the sub-tree of a team ``user`` manages (its own included).
            _manages_above=Exists(managed.filter(StartsWith(OuterRef("path"), F("team__path")))),
            _member=Exists(Person.objects.filter(user=user, is_active=True, team=OuterRef("pk"))),
        )
        .first()
    )
    if team is None:
        return None
    manages, above, member = team._manages, team._manages_above, team._member  # type: ignore[attr-defined]
    shown_as_member = bool(settings.TEAM_MAP_VISIBLE_TO_MEMBERS) and member
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
