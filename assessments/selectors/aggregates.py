"""Readiness: the states aggregated in the database, per person, per group, per skill, and
rolled up the team tree."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from assessments.selectors.states import GridState, SkillState, _with_people
from readiness.models import Person, Team
from readiness.privacy_floor import parts_hidden
from readiness.sql import fetch_prepared


@dataclass(frozen=True, slots=True)
class Readiness:
    """Readiness of a person or a group: share of required pairs at target, people fully ready."""

    people: int
    people_ready: int
    required: int
    at_target: int
    not_assessed: int
    total_gap: int

    @property
    def share(self) -> float | None:
        """Share of (person, required skill) pairs at target, 0..1; None when nothing is required."""
        return self.at_target / self.required if self.required else None

    @property
    def percent(self) -> int | None:
        return None if self.share is None else round(self.share * 100)

    @property
    def people_ready_share(self) -> float | None:
        return self.people_ready / self.people if self.people else None

    @property
    def mean_gap(self) -> float | None:
        return self.total_gap / self.required if self.required else None


EMPTY_READINESS = Readiness(0, 0, 0, 0, 0, 0)

_PER_PERSON_SQL = """
, per_person AS (
    SELECT person_id, COUNT(*) AS required, SUM(at_target) AS at_target,
           SUM(not_assessed) AS not_assessed, SUM(gap) AS total_gap
      FROM states
     WHERE target IS NOT NULL
     GROUP BY person_id
)
"""


def people_readiness(*, people: QuerySet[Person]) -> dict[int, Readiness]:
    """Readiness of each person in ``people`` (one query). People with no requirement get
    a Readiness with ``required == 0``."""
    statement = _with_people(people, _PER_PERSON_SQL + _PERSON_FIGURES)
    return {key: Readiness(*(int(v) for v in values)) for key, *values in fetch_prepared(statement)}


def person_readiness(*, person: Person) -> Readiness:
    return people_readiness(people=Person.objects.filter(pk=person.pk)).get(
        person.pk, EMPTY_READINESS
    )


#: One row per person: (person, people, people ready, required, at target, not assessed, gap).
_PERSON_FIGURES = """
SELECT person_id, 1, CASE WHEN at_target = required THEN 1 ELSE 0 END, required, at_target,
       not_assessed, total_gap
  FROM per_person
"""
#: One row per skill required of someone: its people are the pairs.
_SKILL_FIGURES = """
SELECT skill_id, COUNT(*), SUM(at_target), COUNT(*), SUM(at_target), SUM(not_assessed), SUM(gap)
  FROM states
 WHERE target IS NOT NULL
 GROUP BY skill_id
"""
#: One row per group of people with a required skill (``key``: see _GROUP_KEYS).
_GROUP_FIGURES = """
SELECT {key} AS group_key, COUNT(*) AS people,
       SUM(CASE WHEN pp.at_target = pp.required THEN 1 ELSE 0 END) AS people_ready,
       SUM(pp.required), SUM(pp.at_target), SUM(pp.not_assessed), SUM(pp.total_gap)
  FROM per_person pp
  JOIN readiness_person p ON p.id = pp.person_id
  LEFT JOIN readiness_role ro ON ro.id = p.role_id
 {grouping}
"""
_ALL = "HAVING COUNT(*) > 0"

_GROUP_KEYS = {
    "team": "p.team_id",
    "audience": "ro.audience_id",
    "role": "p.role_id",
    "all": "0",
}


def group_readiness(*, people: QuerySet[Person], by: str = "all") -> dict[int | None, Readiness]:
    """Readiness of ``people`` grouped by their team, their role's audience, their role, or all
    together (``by="all"``, key 0), aggregated in the database in one query.

    People with no required skill are not counted. Callers hide groups on leadership views
    as ``readiness.privacy_floor`` decides.
    """
    key = _GROUP_KEYS[by]
    grouping = _ALL if by == "all" else f"GROUP BY {key}"
    statement = _with_people(
        people, _PER_PERSON_SQL + _GROUP_FIGURES.format(key=key, grouping=grouping)
    )
    return {
        group_key: Readiness(*(int(v) for v in values))
        for group_key, *values in fetch_prepared(statement)
    }


def skill_readiness(*, people: QuerySet[Person]) -> dict[int, Readiness]:
    """Per skill: how many of ``people`` it is required of, how many are at target, the gap."""
    statement = _with_people(people, _SKILL_FIGURES)
    return {key: Readiness(*(int(v) for v in values)) for key, *values in fetch_prepared(statement)}


def readiness_figures(
    *, people: QuerySet[Person]
) -> tuple[dict[int, Readiness], dict[int, Readiness], Readiness]:
    """``people_readiness``, ``skill_readiness`` and ``group_readiness(by="all")`` of the same
    people from ONE statement (the states computed once): what a team map shows."""
    statement = _with_people(
        people,
        _PER_PERSON_SQL
        + f"SELECT 'person', q.* FROM ({_PERSON_FIGURES}) q"  # nosec B608 # module-constant SQL fragments; values as parameters
        + f" UNION ALL SELECT 'skill', q.* FROM ({_SKILL_FIGURES}) q"  # nosec B608 # module-constant SQL fragments; values as parameters
        + f" UNION ALL SELECT 'all', q.* FROM ({_GROUP_FIGURES.format(key='0', grouping=_ALL)}) q",  # nosec B608 # module-constant SQL fragments; values as parameters
    )
    figures: dict[str, dict] = {"person": {}, "skill": {}, "all": {}}
    for kind, key, *values in fetch_prepared(statement):
        figures[kind][key] = Readiness(*(int(v) for v in values))
    return figures["person"], figures["skill"], figures["all"].get(0, EMPTY_READINESS)


def readiness_of_states(
    states: Iterable[SkillState | GridState],
) -> tuple[dict[int, Readiness], dict[int, Readiness], Readiness]:
    """``readiness_figures`` summed from states already read (``skill_states``), not from a
    second run of ``STATES_SQL``: a page that shows the states and their totals (the team
    map) reads the states once. Only the sums happen here; every rule (target, gap, at target,
    not assessed) stays in ``STATES_SQL``. Equal to ``readiness_figures`` on the same people
    (tests/assessments/test_readiness_figures.py)."""
    people: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    skills: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    # Spelled out rather than looped over the four figures and two buckets: this runs once a
    # state (2,000 on a 50-person map).
    for state in states:
        if state.target is None:
            continue
        at, missing, gap = state.at_target, state.not_assessed, state.gap
        person, skill = people[state.person_id], skills[state.skill_id]
        person[0] += 1
        person[1] += at
        person[2] += missing
        person[3] += gap
        skill[0] += 1
        skill[1] += at
        skill[2] += missing
        skill[3] += gap
    per_person = {
        pk: Readiness(1, int(at == required), required, at, missing, gap)
        for pk, (required, at, missing, gap) in people.items()
    }
    per_skill = {
        pk: Readiness(required, at, required, at, missing, gap)
        for pk, (required, at, missing, gap) in skills.items()
    }
    if not per_person:
        return per_person, per_skill, EMPTY_READINESS
    overall = Readiness(
        len(per_person),
        sum(r.people_ready for r in per_person.values()),
        *(sum(column) for column in zip(*people.values(), strict=True)),
    )
    return per_person, per_skill, overall


def team_rollup(
    *, teams: Iterable[Team], per_team: dict[int | None, Readiness]
) -> dict[int, Readiness]:
    """Roll readiness up the team tree: a team's figure covers its whole sub-tree."""
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    teams = list(teams)
    for team in teams:
        ancestors = [int(part) for part in team.path.strip("/").split("/") if part]
        figures = per_team.get(team.pk)
        if figures is None:
            continue
        for ancestor in ancestors:
            bucket = totals[ancestor]
            for index, value in enumerate(
                (
                    figures.people,
                    figures.people_ready,
                    figures.required,
                    figures.at_target,
                    figures.not_assessed,
                    figures.total_gap,
                )
            ):
                bucket[index] += value
    return {team.pk: Readiness(*totals[team.pk]) for team in teams}


def audiences_hidden(
    per_audience: dict[int | None, Readiness], *, everyone_ids: Iterable[int] = ()
) -> set:
    """Which audience figures (``group_readiness(by="audience")``: audience id, ``None`` for
    people without a role) and whether the figure over everyone (``privacy_floor.TOTAL``) the
    privacy floor hides. The audiences add up to everyone; the group of a role in the
    Everyone audience (``everyone_ids``) is shown by no page (its row is everyone's)."""
    everyone_ids = set(everyone_ids)
    return parts_hidden(
        total=sum(figures.people for figures in per_audience.values()),
        parts={key: f.people for key, f in per_audience.items() if key not in everyone_ids},
    )
