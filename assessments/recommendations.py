"""Mapping gaps to learning (DESIGN.md): candidates per gap, a person's smallest plan, and the
resources that close the most gap per hour across a team.

Reads only; one query for the candidates of any set of gaps. Ranking happens in Python over
the candidates (bounded by the catalog's links to the gap skills, not by the organization).
"""

from __future__ import annotations

import functools
import itertools
import operator
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

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


def fits_sql(*, resource: str, audience_id: int | None) -> Fragment:
    """The audience rule, the one place it is written: a resource fits a person when it names
    no audience, Everyone (the one audience marked so) or theirs (``person_audience_id``;
    None: no role). An SQL condition on the resource whose id is the expression ``resource``,
    so that every statement reading candidates returns only the links that fit (the overview's
    raw statement, ``_links_for``'s queryset)."""
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
    """The audience of ``person``'s role (None: no role): the one ``fits_sql`` is given."""
    if person.role_id is not None and person.role is not None:
        return person.role.audience_id
    return None


def candidates_of_links(
    links: Iterable[tuple[int, int, TrainingResource]], states: Iterable[SkillState]
) -> dict[int, list[Candidate]]:
    """The level rule, the one place it is written: for each gap of ``states``, the candidates
    among ``links`` ((skill id, level, resource) of active resources that fit already:
    ``fits_sql``) are those building the skill above the current level; unranked."""
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


#: The link's resource, as ``fits_sql`` reads it inside ``_links_for``'s queryset.
_LINK_RESOURCE = '"catalog_resourceskill"."resource_id"'


def _links_for(
    skill_ids: Iterable[int], audience_ids: Iterable[int | None]
) -> list[tuple[ResourceSkill, set[int | None]]]:
    """Every active resource's link to one of ``skill_ids`` that fits one of
    ``audience_ids`` (``fits_sql``, one condition per audience: a team has a few), with its
    provider and its measured effectiveness as the worker keeps it (``resource.effectiveness``,
    absent when none), and the audiences among ``audience_ids`` it fits. One query."""
    audiences = list(dict.fromkeys(audience_ids))
    fits = {
        f"fits_{index}": RawSQL(  # nosec B611 # a module-constant fragment; values as parameters
            *fits_sql(resource=_LINK_RESOURCE, audience_id=audience).execute_args(),
            output_field=BooleanField(),
        )
        for index, audience in enumerate(audiences)
    }
    links = (
        ResourceSkill.objects.filter(skill_id__in=set(skill_ids), resource__is_active=True)
        .annotate(**fits)
        .filter(functools.reduce(operator.or_, (Q(**{name: True}) for name in fits)))
        .select_related("resource__provider", "resource__effectiveness")
        .order_by("resource_id", "skill_id")
    )
    return [
        (
            link,
            {
                audience
                for name, audience in zip(fits, audiences, strict=True)
                if getattr(link, name)
            },
        )
        for link in links
    ]


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
    effectiveness: Mapping[int, float] | None = None,
) -> dict[int, list[Candidate]]:
    """For each of ``person``'s gaps (skill id), the ranked candidate resources. ``person``
    needs its role loaded (``person_audience_id``)."""
    effectiveness = effectiveness or {}
    states = list(states)
    gaps = {s.skill_id for s in states if s.gap > 0}
    if not gaps:
        return {}
    links = _links_for(gaps, [person_audience_id(person)])
    candidates = candidates_of_links(
        ((link.skill_id, link.level, link.resource) for link, _fits in links), states
    )
    return {
        skill_id: sorted(listed, key=lambda c: rank_key(c, effectiveness))
        for skill_id, listed in candidates.items()
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
    *, people: Iterable[Person], states: Iterable[SkillState]
) -> list[TeamResource]:
    """Resources ranked by how much gap they close across ``people`` (their roles loaded) per
    hour of learning: each member's candidates (the same rules as theirs alone), added up."""
    audience_of = {p.pk: person_audience_id(p) for p in people}
    states_of: dict[int, list[SkillState]] = defaultdict(list)
    for state in states:
        if state.gap > 0 and state.person_id in audience_of:
            states_of[state.person_id].append(state)
    if not states_of:
        return []
    links = _links_for(
        {s.skill_id for listed in states_of.values() for s in listed},
        {audience_of[person_id] for person_id in states_of},
    )
    # The links fitting each audience, sorted out once (not again for every member).
    fitting: dict[int | None, list] = {audience: [] for audience in set(audience_of.values())}
    for link, fits in links:
        for audience, listed in fitting.items():
            if audience in fits:
                listed.append((link.skill_id, link.level, link.resource))
    ranking: dict[int, TeamResource] = {}
    for person_id, person_states in states_of.items():
        for listed in candidates_of_links(fitting[audience_of[person_id]], person_states).values():
            for candidate in listed:
                resource = candidate.resource
                entry = ranking.setdefault(resource.pk, TeamResource(resource, 0, set(), set()))
                entry.gap_closed += candidate.gap_closed
                entry.members.add(person_id)
                entry.skills.add(candidate.skill_id)
    return sorted(
        ranking.values(),
        key=lambda r: (-r.gap_closed_per_hour, -len(r.members), r.resource.title),
    )
