"""What the dashboard's certification coverage shows: one block per audience and one for
everyone in scope, each hidden as ``readiness.privacy_floor.parts_hidden`` decides."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from assessments.selectors.certifications import AudienceCoverage, CoverageFigures
from readiness.privacy_floor import TOTAL, aggregate_hidden, parts_hidden

NO_ROLE = "No role"
EVERYONE = "Everyone in scope"


@dataclass(frozen=True, slots=True)
class CoverageGroup:
    key: str
    label: str
    people: int
    figures: list[CoverageFigures]
    hidden: bool
    #: Hidden because the group itself is below the floor (else: it would reveal a smaller one).
    small: bool


def _total(figures: list[list[CoverageFigures]]) -> list[CoverageFigures]:
    """A person's role has one audience: the groups' holders add up to everyone's."""
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for group in figures:
        for row in group:
            acc = sums[row.name]
            acc[0] += row.held
            acc[1] += row.expiring
            acc[2] += row.lapsed
    return [CoverageFigures(name, *acc) for name, acc in sorted(sums.items())]


def audience_coverage_rows(coverage: AudienceCoverage, *, leadership: bool) -> list[CoverageGroup]:
    """Everyone in scope first, then each audience, then people with no role (when any).
    Leadership reads figures under the privacy floor (with complementary suppression over the
    audiences and their total); a manager's scope is people they see one by one anyway."""
    keys: list[tuple[str, str, int | None]] = [
        (f"audience-{a.pk}", a.name, a.pk) for a in coverage.audiences
    ]
    if coverage.people.get(None):
        keys.append(("no-role", NO_ROLE, None))
    parts = {key: coverage.people.get(pk, 0) for key, _, pk in keys}
    total = coverage.total_people
    hidden = parts_hidden(total=total, parts=parts) if leadership else set()
    groups = [
        CoverageGroup(
            "everyone",
            EVERYONE,
            total,
            _total(list(coverage.figures.values())),
            TOTAL in hidden,
            leadership and aggregate_hidden(total),
        )
    ]
    groups += [
        CoverageGroup(
            key,
            label,
            parts[key],
            coverage.figures.get(pk, []),
            key in hidden,
            leadership and aggregate_hidden(parts[key]),
        )
        for key, label, pk in keys
    ]
    return groups
