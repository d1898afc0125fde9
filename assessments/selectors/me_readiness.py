"""Reads of "My readiness" and of a person's page (``/people/<id>/``): the overview.

A page built after every change to the data (the budget of issue 18: five times the trivial
view): everything it shows comes from the person's states read once, the skills they name, the
pending cycle with the last submission, and one statement of the resources that fit their gaps.
The due rule runs on the states already read (``reassessment_of_states``), the audience rule of
the recommendations in SQL (``recommendations.fitting_links``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from assessments.models import (
    OPEN_PLAN_STATUSES,
    LearningPlanItem,
)
from assessments.recommendations import (
    Candidate,
    candidates_of_links,
    fitting_links,
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
from assessments.selectors.catalog import kept_gains_of
from assessments.selectors.me import _skill_sort_key
from assessments.selectors.reassessment import reassessment_of_states
from assessments.selectors.scope import pending_cycle_and_last_submission
from readiness.models import Person, Skill

#: How many ranked resources the overview shows for each gap (the rest are counted).
RECOMMENDATIONS_PER_GAP = 3


@dataclass(frozen=True, slots=True)
class SkillRow:
    """A skill and where the person stands on it."""

    skill: Skill
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


#: What the overview shows of a skill (its rows and recommendation cards) and its cadence: the
#: level descriptors and the description are not read.
_SKILL_COLUMNS = (
    "name",
    "slug",
    "order",
    "reassessment_interval_days",
    "category__name",
    "category__order",
)
#: What the overview's recommendation cards show of a resource and what the ranking reads
#: (``rank_key``, ``kept_gains_of``): not its summary nor the five JSON lists of its upstream
#: metadata, decoded for every link otherwise.
_RESOURCE_COLUMNS = (
    "skill_id",
    "resource_id",
    "level",
    "resource__title",
    "resource__url",
    "resource__kind",
    "resource__duration_minutes",
    "resource__provider__name",
    "resource__provider__preference",
    "resource__effectiveness__mean_gain",
    "resource__effectiveness__computed_at",
)


def _overview_skills(skill_ids: Iterable[int]) -> dict[int, Skill]:
    return Skill.objects.select_related("category").only(*_SKILL_COLUMNS).in_bulk(list(skill_ids))


def _overview_candidates(
    *, person: Person, states: Mapping[int, SkillState]
) -> tuple[dict[int, list[Candidate]], dt.datetime | None, dict[int, str]]:
    """``_gap_candidates`` in one statement, and the open plan items among the candidates
    (resource id → status): the audience rule runs in SQL (``fitting_links``: no Everyone
    audience, no audiences prefetch), the plan item's status is a subquery of each link, only
    the columns the page shows are read. A test holds its candidates to
    ``person_gap_candidates``'."""
    if not any(state.gap > 0 for state in states.values()):
        return {}, None, {}
    gaps = [skill_id for skill_id, state in states.items() if state.gap > 0]
    open_item = LearningPlanItem.objects.filter(
        person_id=person.pk, resource_id=OuterRef("resource_id"), status__in=OPEN_PLAN_STATUSES
    ).values("status")[:1]
    links = list(
        fitting_links(skill_ids=gaps, audience_id=person_audience_id(person))
        .annotate(plan_status=Subquery(open_item))
        .only(*_RESOURCE_COLUMNS)
    )
    planned = {link.resource_id: link.plan_status for link in links if link.plan_status}
    candidates = candidates_of_links(links, states.values())
    kept = kept_gains_of(c.resource for ranked in candidates.values() for c in ranked)
    ranked = {
        skill_id: sorted(found, key=lambda c: rank_key(c, kept.gains))
        for skill_id, found in candidates.items()
    }
    return ranked, (kept.as_of if kept.gains else None), planned


def person_readiness_overview(*, person: Person, today: dt.date | None = None) -> ReadinessOverview:
    """Readiness, gaps (largest first), skills at target, optional skills the person rated,
    the next reassessment and, for every gap, the ranked resources that close it.

    Queries: states, skills, the pending cycle with the last submission (+1 when no cycle is
    pending), and when there are gaps the fitting resource links (with their kept
    effectiveness and the person's open plan item for each). The due rule runs on the states
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
        key=lambda row: _skill_sort_key(row.skill),
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
