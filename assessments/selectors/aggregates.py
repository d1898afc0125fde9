"""Readiness: the states aggregated in the database, per person, per group, per skill, and
rolled up the team tree."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from assessments.selectors.states import _run, _with_people
from readiness.models import Person, Team


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
    sql, params = _with_people(
        people,
        _PER_PERSON_SQL
        + "SELECT person_id, required, at_target, not_assessed, total_gap FROM per_person",
    )
    result = {
        person_id: Readiness(
            people=1,
            people_ready=int(at_target == required),
            required=required,
            at_target=int(at_target),
            not_assessed=int(not_assessed),
            total_gap=int(total_gap),
        )
        for person_id, required, at_target, not_assessed, total_gap in _run(sql, params)
    }
    return result


def person_readiness(*, person: Person) -> Readiness:
    return people_readiness(people=Person.objects.filter(pk=person.pk)).get(
        person.pk, EMPTY_READINESS
    )


_GROUP_KEYS = {
    "team": "p.team_id",
    "audience": "ro.audience_id",
    "role": "p.role_id",
    "all": "0",
}


def group_readiness(*, people: QuerySet[Person], by: str = "all") -> dict[int | None, Readiness]:
    """Readiness of ``people`` grouped by their team, their role's audience, their role, or all
    together (``by="all"``, key 0), aggregated in the database in one query.

    People with no required skill are not counted. Callers hide groups under
    ``settings.MIN_AGGREGATE_PEOPLE`` people on leadership views.
    """
    key = _GROUP_KEYS[by]
    grouping = "HAVING COUNT(*) > 0" if by == "all" else f"GROUP BY {key}"
    sql, params = _with_people(
        people,
        _PER_PERSON_SQL
        + f"""
        SELECT {key} AS group_key, COUNT(*) AS people,
               SUM(CASE WHEN pp.at_target = pp.required THEN 1 ELSE 0 END) AS people_ready,
               SUM(pp.required), SUM(pp.at_target), SUM(pp.not_assessed), SUM(pp.total_gap)
          FROM per_person pp
          JOIN readiness_person p ON p.id = pp.person_id
          LEFT JOIN readiness_role ro ON ro.id = p.role_id
         {grouping}
        """,
    )
    return {
        group_key: Readiness(*(int(v) for v in values))
        for group_key, *values in _run(sql, params)
    }


def skill_readiness(*, people: QuerySet[Person]) -> dict[int, Readiness]:
    """Per skill: how many of ``people`` it is required of, how many are at target, the gap."""
    sql, params = _with_people(
        people,
        """
        SELECT skill_id, COUNT(*), SUM(at_target), COUNT(*), SUM(at_target),
               SUM(not_assessed), SUM(gap)
          FROM states
         WHERE target IS NOT NULL
         GROUP BY skill_id
        """,
    )
    return {skill_id: Readiness(*(int(v) for v in values)) for skill_id, *values in _run(sql, params)}


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
