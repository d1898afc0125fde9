"""Reads of "My readiness" and of a person's page (``/people/<id>/``): the overview.

A page built after every change to the data (the budget of issue 18: five times the trivial
view): everything it shows comes from four statements, the person's states, the skills they
name, the pending cycle with the last submission, and the resources that fit their gaps. The
due rule runs on the states already read (``reassessment_of_states``), the audience rule of the
recommendations in SQL (``recommendations.fits_sql``). The three reads of this module are raw
SQL into light objects: through the ORM, building and compiling their querysets and the model
instances cost more Python than the rest of the page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple, TypeVar

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from assessments.models import OPEN_PLAN_STATUSES
from assessments.recommendations import (
    Candidate,
    candidates_of_links,
    fits_sql,
    person_audience_id,
    rank_key,
)
from assessments.selectors import (
    EMPTY_READINESS,
    Readiness,
    Reassessment,
    SkillState,
    person_skill_states,
    readiness_of_states,
)
from assessments.selectors.reassessment import _due_timestamp, reassessment_of_states
from assessments.selectors.scope import pending_cycle_and_last_submission
from catalog.models import Provider, TrainingResource
from readiness.models import Person
from readiness.sql import Fragment, any_of, fetch_prepared, param, values_list

M = TypeVar("M", bound=Model)

#: How many ranked resources the overview shows for each gap (the rest are counted).
RECOMMENDATIONS_PER_GAP = 3


class ShownCategory(NamedTuple):
    name: str
    order: int


class ShownSkill(NamedTuple):
    """What the overview shows of a skill (its rows and recommendation cards) and its cadence,
    read by ``_SKILLS_SQL``: not a model instance (forty of them, with their categories, cost
    a millisecond of ORM), nor the level descriptors and description it never shows."""

    pk: int
    name: str
    slug: str
    order: int
    reassessment_interval_days: int | None
    category: ShownCategory


@dataclass(frozen=True, slots=True)
class SkillRow:
    """A skill and where the person stands on it."""

    skill: ShownSkill
    state: SkillState


@dataclass(frozen=True, slots=True)
class GapRecommendations:
    row: SkillRow
    candidates: list[Candidate]
    more: int


@dataclass
class ReadinessOverview:
    """What "My readiness" (and a manager's read-only view of it) shows."""

    person: Person
    readiness: Readiness
    reassessment: Reassessment
    gaps: list[SkillRow]
    at_target: list[SkillRow]
    optional: list[SkillRow]
    recommendations: list[GapRecommendations]
    #: resource id → status of the person's open plan item for it (among the candidates)
    planned: dict[int, str] = field(default_factory=dict)
    #: when the worker measured the effectiveness the resources are ranked with (None: none)
    effectiveness_as_of: dt.datetime | None = None

    @property
    def awaiting_review(self) -> int:
        return sum(1 for row in (*self.gaps, *self.at_target) if row.state.awaiting_review)

    @property
    def calibration_flags(self) -> int:
        return sum(1 for row in (*self.gaps, *self.at_target) if row.state.calibration_flag)


_SKILLS_SQL = Fragment("""
SELECT s.id, s.name, s.slug, s."order", s.reassessment_interval_days, c.name, c."order"
  FROM readiness_skill s JOIN readiness_skillcategory c ON c.id = s.category_id
 WHERE {ids}
""")  # nosec B608 # module-constant SQL; values as parameters

#: The links of the active resources that fit the person (``recommendations.fits_sql``) to
#: their gap skills, with what the cards show and the ranking reads of each resource, its
#: provider and kept effectiveness (``services.effectiveness``), and the status of the
#: person's open plan item for it (NULL: none). Not the resource's summary nor the five JSON
#: lists of its upstream metadata.
_LINKS_SQL = Fragment("""
SELECT rs.skill_id, rs.level, r.id, r.title, r.url, r.kind, r.duration_minutes,
       p.id, p.name, p.preference, e.mean_gain, CAST(e.computed_at AS TEXT),
       (SELECT i.status FROM assessments_learningplanitem i
         WHERE i.person_id = {person} AND i.resource_id = r.id AND i.status IN ({open})
         ORDER BY i.id LIMIT 1)
  FROM catalog_resourceskill rs
  JOIN catalog_trainingresource r ON r.id = rs.resource_id
  JOIN catalog_provider p ON p.id = r.provider_id
  LEFT JOIN assessments_resourceeffectiveness e ON e.resource_id = r.id
 WHERE {skills} AND r.is_active AND {fits}
 ORDER BY r.id, rs.skill_id
""")  # nosec B608 # module-constant SQL; values as parameters


def _loaded(model: type[M], values: dict[str, object]) -> M:
    """An instance of ``model`` as ``only()`` builds it (``from_db``, which takes the values in
    the model's field order): the fields not in ``values`` are deferred, never a silent
    default."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(connection.alias, names, [values[name] for name in names])


def _framework_order(skill: ShownSkill) -> tuple:
    """The framework's order, as ``selectors.me._skill_sort_key`` (sorted here, in Python, not
    by the database's collation)."""
    return (skill.category.order, skill.category.name, skill.order, skill.name)


def _overview_skills(skill_ids: Iterable[int]) -> dict[int, ShownSkill]:
    ids = list(skill_ids)
    if not ids:
        return {}
    categories: dict[tuple[str, int], ShownCategory] = {}
    skills = {}
    for pk, name, slug, order, days, category, category_order in fetch_prepared(
        _SKILLS_SQL.fill(ids=any_of("s.id", ids))
    ):
        key = (category, category_order)
        shown = categories.setdefault(key, ShownCategory(category, category_order))
        skills[pk] = ShownSkill(pk, name, slug, order, days, shown)
    return skills


class _Links(NamedTuple):
    links: list[tuple[int, int, TrainingResource]]
    #: resource id → its kept mean gain and when the worker computed it
    kept: dict[int, tuple[float, dt.datetime]]
    #: resource id → status of the person's open plan item for it
    planned: dict[int, str]


def _fitting_links(*, person: Person, skill_ids: list[int]) -> _Links:
    """``_LINKS_SQL`` read into (skill id, level, resource) links, the resources built as
    ``only()`` would (``_loaded``), with their kept gains (and when each was computed) and
    the person's open plan items."""
    statement = _LINKS_SQL.fill(
        person=param(person.pk),
        open=values_list(list(OPEN_PLAN_STATUSES)),
        skills=any_of("rs.skill_id", skill_ids),
        fits=fits_sql(resource="r.id", audience_id=person_audience_id(person)),
    )
    resources: dict[int, TrainingResource] = {}
    providers: dict[int, Provider] = {}
    found = _Links([], {}, {})
    for row in fetch_prepared(statement):
        skill_id, level, resource_id, title, url, kind, minutes = row[:7]
        provider_id, provider_name, preference, gain, computed_at, status = row[7:]
        resource = resources.get(resource_id)
        if resource is None:
            resource = _loaded(
                TrainingResource,
                {
                    "id": resource_id,
                    "title": title,
                    "url": url,
                    "kind": kind,
                    "duration_minutes": minutes,
                    "provider_id": provider_id,
                },
            )
            provider = providers.get(provider_id)
            if provider is None:
                provider = _loaded(
                    Provider, {"id": provider_id, "name": provider_name, "preference": preference}
                )
                providers[provider_id] = provider
            resource.provider = provider
            resources[resource_id] = resource
        found.links.append((skill_id, level, resource))
        if status:
            found.planned[resource_id] = status
        if gain is not None:
            found.kept[resource_id] = (gain, _due_timestamp(computed_at))
    return found


def _overview_candidates(
    *, person: Person, states: Mapping[int, SkillState]
) -> tuple[dict[int, list[Candidate]], dt.datetime | None, dict[int, str]]:
    """``person_gap_candidates`` in one raw statement, and the open plan items among the
    candidates (resource id → status): the audience rule runs in SQL (no Everyone audience,
    no audiences prefetch), the plan item's status is a subquery of each link, only the
    columns the page shows are read, and no queryset is compiled. A test holds its candidates
    to ``person_gap_candidates``'."""
    gaps = [skill_id for skill_id, state in states.items() if state.gap > 0]
    if not gaps:
        return {}, None, {}
    found = _fitting_links(person=person, skill_ids=gaps)
    candidates = candidates_of_links(found.links, states.values())
    # The kept effectiveness of the candidates (as ``selectors.catalog.kept_gains_of``).
    kept = {
        c.resource.pk: found.kept[c.resource.pk]
        for ranked in candidates.values()
        for c in ranked
        if c.resource.pk in found.kept
    }
    gains = {pk: gain for pk, (gain, _) in kept.items()}
    ranked = {
        skill_id: sorted(listed, key=lambda c: rank_key(c, gains))
        for skill_id, listed in candidates.items()
    }
    return ranked, min((at for _, at in kept.values()), default=None), found.planned


def person_readiness_overview(*, person: Person, today: dt.date | None = None) -> ReadinessOverview:
    """Readiness, gaps (largest first), skills at target, optional skills the person rated,
    the next reassessment and, for every gap, the ranked resources that close it.

    Queries: states, skills, the pending cycle with the last submission, and when there are
    gaps the fitting resource links (with their kept effectiveness and the person's open plan
    item for each). The due rule runs on the states
    just read (``reassessment_of_states``), not as a statement of its own. ``person`` needs
    its role and team loaded (``readiness.selectors.person_get``).
    """
    today = today or timezone.localdate()
    states = person_skill_states(person=person)
    # Summed from the states just read: no second run of the states statement.
    readiness = readiness_of_states(states.values())[0].get(person.pk, EMPTY_READINESS)
    skills = _overview_skills(states)
    cycle, last_submitted = pending_cycle_and_last_submission(person=person, today=today)
    reassessment = reassessment_of_states(
        person_id=person.pk,
        states=states.values(),
        intervals={pk: skill.reassessment_interval_days for pk, skill in skills.items()},
        last_submitted=last_submitted,
        cycle=cycle,
        today=today,
    )
    rows = sorted(
        (SkillRow(skills[skill_id], state) for skill_id, state in states.items()),
        key=lambda row: _framework_order(row.skill),
    )
    gaps = sorted(
        (row for row in rows if row.state.gap > 0), key=lambda row: -row.state.gap
    )  # stable: equal gaps keep the framework's order
    candidates, effectiveness_as_of, planned = _overview_candidates(person=person, states=states)
    recommendations = [
        GapRecommendations(
            row=row,
            candidates=candidates.get(row.skill.pk, [])[:RECOMMENDATIONS_PER_GAP],
            more=max(0, len(candidates.get(row.skill.pk, [])) - RECOMMENDATIONS_PER_GAP),
        )
        for row in gaps
    ]
    return ReadinessOverview(
        person=person,
        readiness=readiness,
        reassessment=reassessment,
        gaps=gaps,
        at_target=[row for row in rows if row.state.required and row.state.gap == 0],
        optional=[row for row in rows if not row.state.required],
        recommendations=recommendations,
        planned=planned,
        effectiveness_as_of=effectiveness_as_of,
    )
