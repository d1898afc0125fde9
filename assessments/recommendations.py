"""Mapping gaps to learning (DESIGN.md): candidates per gap, a person's smallest plan, and the
resources that close the most gap per hour across a team.

Reads only; one query for the candidates of any set of gaps. Ranking happens in Python over
the candidates (bounded by the catalog's links to the gap skills, not by the organization).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from assessments.selectors import SkillState
from catalog.models import ResourceSkill, TrainingResource
from readiness.models import Person
from readiness.sql import Fragment, param

#: A resource without a duration is ranked as if it took this long.
UNKNOWN_DURATION_MINUTES = 8 * 60
#: Exact minimum-hours cover up to this many candidate resources; greedy above.
EXACT_COVER_LIMIT = 14


@dataclass(frozen=True, slots=True)
class Candidate:
    """A resource that builds ``skill_id`` to ``level``, above the person's current level."""

    resource: TrainingResource
    skill_id: int
    level: int
    target: int
    current: int

    @property
    def closes_gap(self) -> bool:
        return self.level >= self.target

    @property
    def minutes(self) -> int:
        return self.resource.duration_minutes or UNKNOWN_DURATION_MINUTES

    @property
    def gap_closed(self) -> int:
        return max(0, min(self.level, self.target) - self.current)


def _fits(resource_audience_ids: set[int], audience_ids: set[int]) -> bool:
    """A resource fits a person when it names their audience, Everyone, or no audience."""
    return not resource_audience_ids or bool(resource_audience_ids & audience_ids)


def fits_sql(*, resource: str, audience_id: int | None) -> Fragment:
    """``_fits`` as an SQL condition on the resource whose id is the expression ``resource``,
    for a person of audience ``audience_id`` (None: no role): the resource names no audience,
    Everyone (the one audience marked so) or theirs. Lets one statement return only the links
    that fit, instead of reading the Everyone audience and every link's audiences to filter in
    Python; a test holds the two to the same candidates."""
    return _FITS.fill(resource=resource, audience=param(audience_id))


#: ``fits_sql``'s condition; ``{resource}`` is SQL (a column of the caller's statement).
_FITS = Fragment(
    "(NOT EXISTS (SELECT 1 FROM catalog_trainingresource_audiences ra"
    " WHERE ra.trainingresource_id = {resource})"
    " OR EXISTS (SELECT 1 FROM catalog_trainingresource_audiences ra"
    " JOIN readiness_audience a ON a.id = ra.audience_id"
    " WHERE ra.trainingresource_id = {resource} AND (a.is_everyone OR a.id = {audience})))"
)


def person_audience_id(person: Person) -> int | None:
    """The audience of ``person``'s role (None: no role), as ``_audience_ids`` reads it."""
    if person.role_id is not None and person.role is not None:
        return person.role.audience_id
    return None


def candidates_of_links(
    links: Iterable[tuple[int, int, TrainingResource]], states: Iterable[SkillState]
) -> dict[int, list[Candidate]]:
    """For each gap of ``states``, the candidates among ``links`` ((skill id, level, resource)
    of resources that fit already: ``fits_sql``): those building the skill above the current
    level, unranked."""
    gaps = {s.skill_id: s for s in states if s.gap > 0}
    result: dict[int, list[Candidate]] = defaultdict(list)
    for skill_id, level, resource in links:
        state = gaps.get(skill_id)
        if state is None or state.target is None:
            continue
        current = state.level or 0
        if level > current:
            result[skill_id].append(Candidate(resource, skill_id, level, state.target, current))
    return dict(result)


def _audience_ids(person: Person, everyone_id: int | None) -> set[int]:
    ids = {everyone_id} if everyone_id else set()
    if person.role_id is not None and person.role is not None:
        ids.add(person.role.audience_id)
    return ids


def _links_for(skill_ids: Iterable[int]) -> list[ResourceSkill]:
    """Every active resource's link to one of ``skill_ids``, with its provider, its measured
    effectiveness as the worker keeps it (``resource.effectiveness``, absent when none) and
    its audiences (two queries: links, then audiences)."""
    return list(
        ResourceSkill.objects.filter(skill_id__in=set(skill_ids), resource__is_active=True)
        .select_related("resource__provider", "resource__effectiveness")
        .prefetch_related("resource__audiences")
        .order_by("resource_id", "skill_id")
    )


def rank_key(candidate: Candidate, effectiveness: Mapping[int, float]) -> tuple:
    """Closes the gap fully, not far above the target, shorter, more effective, preferred
    provider — in that order."""
    resource = candidate.resource
    return (
        not candidate.closes_gap,
        abs(candidate.level - candidate.target),
        candidate.minutes,
        -effectiveness.get(resource.pk, 0.0),
        resource.provider.preference,
        resource.title,
    )


def gap_candidates(
    *,
    person: Person,
    states: Iterable[SkillState],
    everyone_id: int | None,
    effectiveness: Mapping[int, float] | None = None,
) -> dict[int, list[Candidate]]:
    """For each of ``person``'s gaps (skill id), the ranked candidate resources."""
    effectiveness = effectiveness or {}
    gaps = {s.skill_id: s for s in states if s.gap > 0}
    if not gaps:
        return {}
    audiences = _audience_ids(person, everyone_id)
    result: dict[int, list[Candidate]] = defaultdict(list)
    for link in _links_for(gaps):
        state = gaps[link.skill_id]
        current = state.level or 0
        if link.level <= current or state.target is None:  # (a gap always has a target)
            continue
        if not _fits({a.pk for a in link.resource.audiences.all()}, audiences):
            continue
        result[link.skill_id].append(
            Candidate(link.resource, link.skill_id, link.level, state.target, current)
        )
    return {
        skill_id: sorted(candidates, key=lambda c: rank_key(c, effectiveness))
        for skill_id, candidates in result.items()
    }


@dataclass
class PlanSuggestion:
    resources: list[TrainingResource]
    covers: dict[int, list[int]] = field(default_factory=dict)  # resource id → skill ids
    uncovered: list[int] = field(default_factory=list)  # gap skill ids nothing can close

    @property
    def minutes(self) -> int:
        return sum(r.duration_minutes or UNKNOWN_DURATION_MINUTES for r in self.resources)


def plan_cover(
    *, candidates: Mapping[int, list[Candidate]], gap_skill_ids: Iterable[int]
) -> PlanSuggestion:
    """The set of resources covering all coverable gaps with as few hours as possible.

    A resource covers a gap when it brings the skill to the best level any candidate reaches
    (the target, when some resource reaches it). Exact search for small catalogs, greedy
    (gap covered per hour) beyond ``EXACT_COVER_LIMIT`` candidates.
    """
    best_level = {
        skill_id: min(max(c.level for c in cands), cands[0].target)
        for skill_id, cands in candidates.items()
        if cands
    }
    covers: dict[int, set[int]] = defaultdict(set)
    resources: dict[int, TrainingResource] = {}
    for skill_id, cands in candidates.items():
        for c in cands:
            if c.level >= best_level[skill_id]:
                covers[c.resource.pk].add(skill_id)
                resources[c.resource.pk] = c.resource
    needed = set(best_level)
    uncovered = sorted(set(gap_skill_ids) - needed)

    def minutes(rid: int) -> int:
        return resources[rid].duration_minutes or UNKNOWN_DURATION_MINUTES

    ids = sorted(resources)
    chosen: list[int] = []
    if len(ids) <= EXACT_COVER_LIMIT:
        best: tuple[int, int, tuple[int, ...]] | None = None
        for size in range(1, len(ids) + 1):
            for combo in itertools.combinations(ids, size):
                if set().union(*(covers[r] for r in combo)) >= needed:
                    cost = (sum(minutes(r) for r in combo), size, combo)
                    if best is None or cost < best:
                        best = cost
        chosen = list(best[2]) if best else []
    else:
        remaining = set(needed)
        while remaining:
            rid = max(
                (r for r in ids if covers[r] & remaining),
                key=lambda r: (len(covers[r] & remaining) / minutes(r), -r),
            )
            chosen.append(rid)
            remaining -= covers[rid]
    chosen.sort(key=lambda r: (minutes(r), resources[r].title))
    return PlanSuggestion(
        resources=[resources[r] for r in chosen],
        covers={r: sorted(covers[r] & needed) for r in chosen},
        uncovered=uncovered,
    )


@dataclass
class TeamResource:
    resource: TrainingResource
    gap_closed: int
    members: set[int]
    skills: set[int]

    @property
    def hours(self) -> float:
        return (self.resource.duration_minutes or UNKNOWN_DURATION_MINUTES) / 60

    @property
    def gap_closed_per_hour(self) -> float:
        return self.gap_closed / self.hours


def team_resource_ranking(
    *, people: Iterable[Person], states: Iterable[SkillState], everyone_id: int | None
) -> list[TeamResource]:
    """Resources ranked by how much gap they close across ``people`` per hour of learning."""
    by_pk = {p.pk: p for p in people}
    gaps_by_skill: dict[int, list[SkillState]] = defaultdict(list)
    for state in states:
        if state.gap > 0 and state.person_id in by_pk:
            gaps_by_skill[state.skill_id].append(state)
    if not gaps_by_skill:
        return []
    audiences = {pid: _audience_ids(p, everyone_id) for pid, p in by_pk.items()}
    ranking: dict[int, TeamResource] = {}
    for link in _links_for(gaps_by_skill):
        resource_audiences = {a.pk for a in link.resource.audiences.all()}
        for state in gaps_by_skill[link.skill_id]:
            if state.target is None:  # never: a gap always has a target
                continue
            current = state.level or 0
            closed = max(0, min(link.level, state.target) - current)
            if not closed or not _fits(resource_audiences, audiences[state.person_id]):
                continue
            entry = ranking.setdefault(
                link.resource_id, TeamResource(link.resource, 0, set(), set())
            )
            entry.gap_closed += closed
            entry.members.add(state.person_id)
            entry.skills.add(link.skill_id)
    return sorted(
        ranking.values(),
        key=lambda r: (-r.gap_closed_per_hour, -len(r.members), r.resource.title),
    )
