"""Who sees what: the people and teams a viewer's dashboard covers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from django.contrib.auth.models import User
from django.db.models import QuerySet

from readiness.models import Concern, Person, Team
from readiness.permissions import is_leadership
from readiness.selectors import in_subtrees, teams_managed_by


class TeamNode(NamedTuple):
    """A team of the tree a dashboard covers, as its figures need it: no model instance (the
    organization's dashboard reads thousands of teams at every visit)."""

    pk: int
    name: str
    path: str
    depth: int


def _nodes(teams: QuerySet[Team]) -> list[TeamNode]:
    return [TeamNode(*row) for row in teams.order_by("path").values_list(*TeamNode._fields)]


@dataclass(frozen=True)
class DashboardScope:
    """What a viewer's dashboard covers: the whole organization for leadership and admins,
    the teams they manage (with the teams below) for managers."""

    leadership: bool
    roots: list[Team] | list[TeamNode]
    people: QuerySet[Person]
    #: team id → the root (department, or managed team) its figures roll up to.
    root_of: dict[int, int]
    team_names: dict[int, str]
    #: Every team in scope (with its path): the tree the privacy floor decides over.
    teams: list[TeamNode] = field(default_factory=list)

    @property
    def label(self) -> str:
        if self.leadership:
            return "The whole organization"
        return "Your teams: " + ", ".join(team.name for team in self.roots)

    def root(self, team_id: int | None) -> int | None:
        """The root ``team_id`` rolls up to (None: no team, or a team out of scope)."""
        return None if team_id is None else self.root_of.get(team_id)

    def concerns(self) -> QuerySet[Concern]:
        if self.leadership:
            return Concern.objects.all()
        return Concern.objects.filter(in_subtrees([t.path for t in self.roots], field="team__path"))


def dashboard_scope(*, user: User) -> DashboardScope | None:
    """The scope of ``user``'s dashboard, or None when they may not see one (employees)."""
    if is_leadership(user):
        return organization_scope()
    managed = list(teams_managed_by(user=user).order_by("path"))
    if not managed:
        return None
    roots = [
        t
        for t in managed
        if not any(t.path != other.path and t.path.startswith(other.path) for other in managed)
    ]
    paths = [team.path for team in roots]
    teams = _nodes(Team.objects.filter(in_subtrees(paths)))
    people = Person.objects.filter(in_subtrees(paths, field="team__path"), is_active=True)
    return _scope(leadership=False, roots=roots, teams=teams, people=people)


def organization_scope() -> DashboardScope:
    """Every active person, rolled up to departments (what leadership and plans read)."""
    teams = _nodes(Team.objects.all())
    roots = [team for team in teams if team.depth == 0]
    return _scope(
        leadership=True, roots=roots, teams=teams, people=Person.objects.filter(is_active=True)
    )


def _scope(
    *,
    leadership: bool,
    roots: list[Team] | list[TeamNode],
    teams: list[TeamNode],
    people: QuerySet[Person],
) -> DashboardScope:
    # The root of a team is the one among its ancestors (or itself): roots do not nest.
    root_ids = {root.pk for root in roots}
    names = {team.pk: team.name for team in teams}
    root_of, labels = {}, {}
    for team in teams:
        ids = [int(part) for part in team.path.strip("/").split("/")]
        root = next((pk for pk in ids if pk in root_ids), None)
        if root is not None:
            root_of[team.pk] = root
        # Team names repeat across departments ("Customer Service 4"): say whose team it is.
        parent = names.get(ids[-2]) if len(ids) > 1 else None
        labels[team.pk] = f"{parent} › {team.name}" if parent else team.name
    return DashboardScope(
        leadership=leadership,
        roots=roots,
        people=people,
        root_of=root_of,
        team_names=labels,
        teams=teams,
    )
