"""The team map's own reads: its members, its states as the grids read them (``grid_states``),
its columns' skills and its filters' choices, as constant SQL statements
(``readiness.sql.fetch_prepared``, ``prepared_cursor``).

A built map and grid editor run them at every visit. Through the ORM each cost its compilation
(0.25-0.8 ms of CPU: the members' three joins, ordering and values) before the database saw
it; as prepared statements PostgreSQL parses and plans them once per connection. Each text is
one of a few constant ones (the members' optional conditions are spelled out, not bound as
"unset" values, so each combination keeps its own plan). The rows are what the ORM read
(``tests/assessments/selectors/test_team_map_reads.py`` holds them equal).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from functools import partial
from typing import NamedTuple

from django.db import connection

from assessments.selectors.states import (
    GridState,
    SkillState,
    _states_select,
    _with_people,
    skill_states,
)
from readiness.caching import Viewer
from readiness.kept_people import PeopleVersions, kept_of_people, people_versions
from readiness.models.org import display_name_of
from readiness.sql import Fragment, fetch_prepared, prepared_cursor


class MapCategory(NamedTuple):
    pk: int
    name: str
    order: int


class MapSkill(NamedTuple):
    """A column's skill, read as values (``map_skills``): what the map, the editor and the
    exports show of it."""

    pk: int
    name: str
    slug: str
    order: int
    category: MapCategory


class MapMember(NamedTuple):
    """A row's member, read as values (``map_members``): what the map, the editor and the
    exports show of them. ``display_name`` is ``Person.display_name``'s."""

    pk: int
    display_name: str
    email: str
    role_name: str | None  # None: no role


class MapFilterChoices(NamedTuple):
    """The map filters' choices, (id, name) pairs: the audiences but "everyone", the skill
    categories, each in its model's order."""

    audiences: list[tuple[int, str]]
    categories: list[tuple[int, str]]


#: ``team_members``: the team's active direct members, by last name, first name, username.
#: An audience asks for a role of it (no role: not shown), as the ORM's inner join did.
MEMBERS_SQL = """
SELECT p.id, u.first_name, u.last_name, u.username, u.email, r.name
FROM readiness_person p
JOIN auth_user u ON u.id = p.user_id
{role_join} JOIN readiness_role r ON r.id = p.role_id
WHERE p.team_id = %s AND p.is_active{audience}{exclude}
ORDER BY u.last_name, u.first_name, u.username, p.id
"""


def map_members(
    *, team_id: int, audience_id: int | None, exclude_user_id: int | None
) -> list[MapMember]:
    """The map's members (``selectors.teams.team_members``), of the audience, without
    ``exclude_user_id``'s person: one statement."""
    params: list[object] = [team_id]
    audience = exclude = ""
    if audience_id:
        audience = " AND r.audience_id = %s"
        params.append(audience_id)
    if exclude_user_id is not None:
        exclude = " AND p.user_id <> %s"
        params.append(exclude_user_id)
    sql = MEMBERS_SQL.format(
        role_join="" if audience_id else "LEFT", audience=audience, exclude=exclude
    )
    return [
        MapMember(pk, display_name_of(first, last, username), email, role)
        for pk, first, last, username, email, role in fetch_prepared(Fragment(sql, tuple(params)))
    ]


#: The active skills with their categories, in the framework's order (``Skill.Meta``).
SKILLS_SQL = Fragment("""
SELECT s.id, s.name, s.slug, s."order", s.category_id, c.name, c."order"
FROM readiness_skill s
JOIN readiness_skillcategory c ON c.id = s.category_id
WHERE s.is_active
ORDER BY c."order", s."order", s.name
""")


def map_skills(*, relevant: set[int] | None, category_id: int | None) -> list[MapSkill]:
    """The map's columns: the active skills (only the ``relevant`` ones unless None; of
    ``category_id`` when given), categories first, in the framework's order: one statement."""
    categories: dict[int, MapCategory] = {}
    skills = []
    for pk, name, slug, order, category_pk, category_name, category_order in fetch_prepared(
        SKILLS_SQL
    ):
        if relevant is not None and pk not in relevant:
            continue
        if category_id and category_pk != category_id:
            continue
        category = categories.get(category_pk)
        if category is None:
            category = categories[category_pk] = MapCategory(
                category_pk, category_name, category_order
            )
        skills.append(MapSkill(pk, name, slug, order, category))
    skills.sort(key=lambda s: (s.category.order, s.category.name, s.order, s.name))
    return skills


#: Both choice lists in one statement, each in its model's order (order, then name).
FILTER_CHOICES_SQL = Fragment("""
SELECT 0 AS kind, id, name, "order" FROM readiness_audience WHERE NOT is_everyone
UNION ALL
SELECT 1 AS kind, id, name, "order" FROM readiness_skillcategory
ORDER BY 1, 4, 3
""")


def map_filter_choices() -> MapFilterChoices:
    """The choices of the map's filters (``forms.teams.TeamMapFilterForm``): one statement."""
    choices = MapFilterChoices([], [])
    for kind, pk, name, _ in fetch_prepared(FILTER_CHOICES_SQL):
        choices[kind].append((pk, name))
    return choices


#: The states' columns (``states._STATE_COLUMNS``), the moments as Unix seconds: PostgreSQL's
#: ``date_part('epoch', …)`` divides the moment's microseconds since the epoch by a million as
#: a double, as ``datetime.timestamp()`` does (the same correctly rounded quotient).
GRID_COLUMNS = (
    "person_id, skill_id, target, level, self_level, date_part('epoch', self_at), "
    "manager_level, date_part('epoch', manager_at), interest, gap, not_assessed = 1, "
    "at_target = 1, awaiting_review = 1, calibration_flag = 1, certification, "
    "date_part('epoch', certification_until)"
)
_GRID_ROW = partial(tuple.__new__, GridState)


def _grid_rows(cursor: object) -> Callable[[Sequence[object]], GridState]:
    return _GRID_ROW  # psycopg's row factory: each row made a state as it is read


def grid_states(*, people: Sequence[int]) -> list[GridState]:
    """``skill_states(people=people, ordered=False)``, each state's moments in Unix seconds
    (``GridState``): one statement. The grids print nothing else of a moment, and psycopg
    built 4,000 aware datetimes a 50-person map (~0.4 ms of CPU) for the cell loops to turn
    each into seconds again (~0.3 ms); a double is read for ~0.03 µs, and the server sends it
    for what the timestamp cost it (measured side by side). Elsewhere than PostgreSQL, the
    states' own moments, converted."""
    if connection.vendor != "postgresql":
        return [_in_seconds(state) for state in skill_states(people=people, ordered=False)]
    statement = _with_people(people, _states_select(GRID_COLUMNS, False, False))
    with prepared_cursor(binary=True) as cursor:
        cursor.cursor.row_factory = _grid_rows
        cursor.execute(*statement.execute_args())
        return cursor.fetchall()


def kept_grid_states(*, people: Sequence[int]) -> tuple[list[GridState], PeopleVersions | None]:
    """``grid_states(people=people)``, each person's states kept until their own rows or the
    global data change (``readiness.kept_people.kept_of_people``), and the versions they were kept
    under (for what is drawn from them: the map's rows). After a member saved a rating, the
    team map reads that member's states again, not the whole team's (the grid editor reads
    its own fresh: ``team_map_build``). The states are the same whoever looks (the views
    decide who may see the team first)."""
    versions = people_versions(people)
    kept = kept_of_people(
        "grid-states",
        viewer=Viewer.anyone_let_in(),
        versions=versions,
        people=people,
        build=_grid_states_of,
    )
    return [state for pk in people for state in kept[pk]], versions


def _grid_states_of(people: list[int]) -> dict[int, tuple[GridState, ...]]:
    per_person: dict[int, list[GridState]] = {pk: [] for pk in people}
    for state in grid_states(people=people):
        per_person[state.person_id].append(state)
    return {pk: tuple(states) for pk, states in per_person.items()}


def _in_seconds(state: SkillState) -> GridState:
    return GridState._make(
        (
            *state[:5],
            _seconds(state.self_at),
            state.manager_level,
            _seconds(state.manager_at),
            *state[8:15],
            _seconds(state.certification_until),
        )
    )


def _seconds(moment: dt.datetime | None) -> float | None:
    return None if moment is None else moment.timestamp()
