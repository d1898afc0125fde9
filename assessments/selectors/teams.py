"""Reads of the manager's side: who may read or change a team, and the team skill map.

``team_map_build`` is the one place that turns the rules (``assessments.selectors``) into the
members × skills grid. The map page, the grid editor and both exports draw from it, so the
numbers on the screen and in a downloaded file are the same numbers.
Every figure comes from a rule function over the whole team in one statement: building the
map costs the same handful of queries for 3 people or 50.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import F, Q, QuerySet, Value
from django.db.models.lookups import StartsWith

from assessments.selectors import (
    EMPTY_READINESS,
    Readiness,
    SkillState,
    group_readiness,
    readiness_of_states,
    skill_states,
    team_rollup,
)
from assessments.selectors.states import GridState
from assessments.selectors.team_map_reads import (
    MapCategory,
    MapMember,
    MapSkill,
    grid_states,
    kept_grid_states,
    map_members,
    map_skills,
)
from readiness.kept_people import PeopleVersions
from readiness.models import Person, Team
from readiness.permissions import is_admin, is_leadership
from readiness.privacy_floor import DIRECT, ROLLUP, team_tree_hidden
from readiness.selectors import in_subtrees, managed_paths, teams_visible_to

# --- Access ----------------------------------------------------------------------------------


def teams_readable_by(*, user: User) -> QuerySet[Team]:
    """Teams whose skill map ``user`` may read: every team for leadership and admins, the
    sub-trees they manage for managers, and their own team for members when
    ``settings.TEAM_MAP_VISIBLE_TO_MEMBERS`` is on."""
    visible = teams_visible_to(user=user)
    if is_leadership(user) or not settings.TEAM_MAP_VISIBLE_TO_MEMBERS:
        return visible
    return Team.objects.filter(
        Q(pk__in=visible.values("pk"))
        | Q(pk__in=Person.objects.filter(user=user, is_active=True).values("team_id"))
    )


def team_shows_members(*, user: User, team: Team) -> bool:
    """Whether ``user`` sees the members of ``team`` one by one (the map's rows, its exports,
    the team gaps with its assignments, the member API): admins, the managers of the team or
    of a team above it, and its members when ``settings.TEAM_MAP_VISIBLE_TO_MEMBERS`` is on.
    Leadership reads every other team as its figures only, under the privacy floor."""
    if is_admin(user) or not is_leadership(user):
        # Anyone else reads a team only as its manager (or member): ``teams_readable_by``.
        return True
    if Team.objects.filter(managers=user).filter(StartsWith(Value(team.path), F("path"))).exists():
        return True
    return (
        bool(settings.TEAM_MAP_VISIBLE_TO_MEMBERS)
        and Person.objects.filter(user=user, team=team, is_active=True).exists()
    )


@dataclass(frozen=True)
class TeamTreeFigures:
    """Readiness of teams, over their direct members and over their sub-trees, with the
    figures the privacy floor hides from the reader (``readiness.privacy_floor``)."""

    direct: dict[int | None, Readiness]
    rollup: dict[int, Readiness]
    hidden: set[tuple[str, int]]

    def rollup_of(self, team_id: int) -> Readiness | None:
        """The team's figure over its sub-tree; None when hidden."""
        if (ROLLUP, team_id) in self.hidden:
            return None
        return self.rollup.get(team_id, EMPTY_READINESS)

    def direct_of(self, team_id: int) -> Readiness | None:
        """The team's figure over its direct members; None when hidden."""
        if (DIRECT, team_id) in self.hidden:
            return None
        return self.direct.get(team_id, EMPTY_READINESS)


def team_tree_figures(
    *,
    user: User,
    teams: list[Team] | None = None,
    managed: list[str] | None = None,
) -> TeamTreeFigures:
    """Every team's readiness and what of it ``user`` may not see (two queries, plus the
    managed paths for leadership, plus the teams unless ``teams`` — all the teams ``user``
    may read — are given, and the paths of the teams ``user`` manages unless ``managed``
    gives them). What a figure hides depends on its parent and siblings, so
    leadership's figures are decided over the whole organization (and the people in no team,
    whom the dashboard adds in); anyone else reads only teams they manage, shown in full."""
    leadership = is_leadership(user)
    if teams is None:
        teams = list(teams_visible_to(user=user).only("pk", "path"))
    if leadership:
        people = Person.objects.filter(is_active=True)
    else:
        people = Person.objects.filter(
            in_subtrees([team.path for team in teams], field="team__path"), is_active=True
        )
    direct = group_readiness(people=people, by="team")
    rollup = team_rollup(teams=teams, per_team=direct)
    if not leadership or is_admin(user):
        return TeamTreeFigures(direct, rollup, set())
    hidden = team_tree_hidden(
        teams=teams,
        direct_people={pk: r.people for pk, r in direct.items() if pk},
        exempt_paths=managed_paths(user=user) if managed is None else managed,
        unteamed=direct.get(None, EMPTY_READINESS).people,
    )
    return TeamTreeFigures(direct, rollup, hidden)


def team_can_edit(*, user: User, team: Team) -> bool:
    """Only the team's own managers (not the managers above them) and admins change ratings."""
    if is_admin(user):
        return True
    return team.managers.filter(pk=user.pk).exists()


def team_members(*, team: Team) -> QuerySet[Person]:
    """Active direct members of ``team`` with what the grid shows about them."""
    return (
        Person.objects.filter(team=team, is_active=True)
        .select_related("user", "role", "role__audience")
        .order_by("user__last_name", "user__first_name", "user__username", "pk")
    )


# --- Cell versions (stale-form check) ---------------------------------------------------------


def state_version(state: SkillState | None) -> str:
    """A token naming the latest rating of a cell, self or manager ("" when never rated).

    A form carries the token of every cell it showed; a different token at save time means
    someone rated the cell in between.
    """
    if state is None:
        return ""
    self_at, manager_at = state.self_at, state.manager_at
    return moments_version(
        None if self_at is None else self_at.timestamp(),
        None if manager_at is None else manager_at.timestamp(),
    )


def moments_version(self_at: float | None, manager_at: float | None) -> str:
    """``state_version`` of a cell whose latest self and manager ratings are of these moments
    (Unix seconds; None: none): for the grid editor, which has them at hand for every cell."""
    latest = self_at
    if latest is None or (manager_at is not None and manager_at > latest):
        latest = manager_at
    if latest is None:
        return ""
    return format(int(latest * 1_000_000), "x")


# --- The grid --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MapFilters:
    audience_id: int | None = None
    category_id: int | None = None
    sort: str = "name"
    descending: bool = False
    all_skills: bool = False

    @property
    def sort_skill_id(self) -> int | None:
        if self.sort.startswith("skill-"):
            return int(self.sort.removeprefix("skill-"))
        return None


@dataclass(slots=True)
class MapColumn:
    skill: MapSkill
    readiness: Readiness
    interested: int
    sort: dict[str, str] = field(default_factory=dict)  # the header's sort link and state

    @property
    def mean_gap(self) -> float | None:
        """Mean gap over the people the skill is required of, as shown (one decimal)."""
        mean = self.readiness.mean_gap
        return None if mean is None else round(mean, 1)


@dataclass(slots=True)
class MapRow:
    person: MapMember
    readiness: Readiness
    #: One per column, in column order (None: never rated); ``GridState``s when the map was
    #: built ``in_seconds``.
    states: list[SkillState | GridState | None]
    # Filled by ``presenters.teams.team_map_present`` for the exports: each cell's looks.
    cells: list = field(default_factory=list)

    @property
    def percent(self) -> int | None:
        return self.readiness.percent


@dataclass
class TeamMap:
    team: Team
    filters: MapFilters
    columns: list[MapColumn]
    rows: list[MapRow]
    team_readiness: Readiness
    pending_reviews: int
    #: Every state of the members, by person then skill (the columns' and the others).
    states: dict[int, dict[int, SkillState | GridState]] = field(default_factory=dict)
    #: Its states are ``GridState``s, their moments in Unix seconds (``team_map_build``).
    in_seconds: bool = False
    #: The versions its members' states were kept under (``kept_grid_states``), for what is
    #: kept drawn from them (the map's rows); None when nothing may be kept.
    versions: PeopleVersions | None = None

    def state_of(self, person_id: int, skill_id: int) -> SkillState | GridState | None:
        return self.states.get(person_id, {}).get(skill_id)

    @property
    def categories(self) -> list[tuple[MapCategory, int]]:
        """Column groups: each category with the number of its columns, in column order."""
        groups: list[tuple[MapCategory, int]] = []
        for column in self.columns:
            category = column.skill.category
            if groups and groups[-1][0].pk == category.pk:
                groups[-1] = (category, groups[-1][1] + 1)
            else:
                groups.append((category, 1))
        return groups

    @property
    def cell_count(self) -> int:
        return len(self.rows) * len(self.columns)


def _row_sort_key(filters: MapFilters, states: dict[int, dict[int, SkillState | GridState]]):  # noqa: ANN202
    skill_id = filters.sort_skill_id

    def name(row: MapRow) -> tuple:
        return (row.person.display_name.casefold(), row.person.pk)

    if skill_id is not None:

        def by_skill(row: MapRow) -> tuple:
            state = states.get(row.person.pk, {}).get(skill_id)
            gap = state.gap if state and state.target is not None else -1
            level = state.level if state and state.level is not None else -1
            return (gap, -level, *name(row))

        return by_skill
    if filters.sort == "readiness":
        # Members with no required skill have no readiness: after everyone else.
        return lambda row: (
            row.readiness.percent is None,
            row.readiness.percent or 0,
            *name(row),
        )
    if filters.sort == "gap":
        return lambda row: (row.readiness.total_gap, *name(row))
    return name


def team_map_build(
    *,
    team: Team,
    filters: MapFilters | None = None,
    exclude_user: User | None = None,
    in_seconds: bool = False,
    keep_states: bool = False,
) -> TeamMap:
    """The team skill map: active direct members as rows (filtered by their role's audience),
    active skills as columns (those required of or rated by a member, or all with
    ``all_skills``; filtered by category), every cell's state, and the totals. With
    ``in_seconds``, the states as the pages' grids read them (``grid_states``: the moments in
    Unix seconds); the exports' are ``SkillState``s (dates and times).

    Queries: members, states (the readiness per person, per skill and the team's summed from
    them), skills — three, whatever the size of the team. With ``keep_states`` (the map page,
    ``in_seconds``), each member's states are kept (``kept_grid_states``): the members'
    versions, then the states of those whose rows changed, if any — three or four. Not the
    grid editor's: its conflict check compares the states it drew with the database's at the
    save, and kept states are as of when they were read (a certification that lapsed since
    is still counted), which the check would call someone else's change at every try.
    """
    filters = filters or MapFilters()
    people = map_members(
        team_id=team.pk,
        audience_id=filters.audience_id,
        exclude_user_id=exclude_user.pk if exclude_user is not None else None,
    )
    # One run of the states statement: the totals are summed from the same states. In no
    # order (the database need not sort them): grouped here by person, each row's cells then
    # read in column order by ``map`` (2,000 look-ups by a (person, skill) key cost ~0.5 ms).
    ids = [person.pk for person in people]
    found: list[SkillState] | list[GridState]
    versions = None
    if keep_states:
        if not in_seconds:
            raise ValueError("Only the map page keeps its states: build it in_seconds.")
        found, versions = kept_grid_states(people=ids)
    elif in_seconds:
        found = grid_states(people=ids)
    else:
        found = skill_states(people=ids, ordered=False)
    per_person, per_skill, overall = readiness_of_states(found)
    states: dict[int, dict[int, SkillState | GridState]] = defaultdict(dict)
    interested: dict[int, int] = defaultdict(int)
    pending = 0
    for state in found:
        states[state.person_id][state.skill_id] = state
        if state.interest:
            interested[state.skill_id] += 1
        pending += state.awaiting_review

    relevant: set[int] = set().union(*states.values())
    skills = map_skills(
        relevant=None if filters.all_skills else relevant, category_id=filters.category_id
    )
    columns = [
        MapColumn(skill, per_skill.get(skill.pk, EMPTY_READINESS), interested[skill.pk])
        for skill in skills
    ]
    skill_ids = [skill.pk for skill in skills]
    never_rated: dict[int, SkillState | GridState] = {}
    rows = [
        MapRow(
            person=person,
            readiness=per_person.get(person.pk, EMPTY_READINESS),
            states=list(map(states.get(person.pk, never_rated).get, skill_ids)),
        )
        for person in people
    ]
    rows.sort(key=_row_sort_key(filters, states), reverse=filters.descending)
    return TeamMap(
        team=team,
        filters=filters,
        columns=columns,
        rows=rows,
        team_readiness=overall,
        pending_reviews=pending,
        states=dict(states),
        in_seconds=in_seconds,
        versions=versions,
    )
