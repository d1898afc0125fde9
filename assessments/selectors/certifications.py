"""Certification coverage: who holds which certification, and how many of those expire soon,
over a team's members or per audience. Reads only; who may see what is the views' check, and
which figures the privacy floor hides is ``readiness.privacy_floor``'s decision.

A certification is "held" while it has not expired (no expiry: held for good), "expiring"
when it is held and expires within ``CERTIFICATION_COVERAGE_DAYS``, "lapsed" once expired.
Certifications are keyed by the name the person's record carries (a curated entry's name when
it matched one), so certifications outside the curated catalog are counted too.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from assessments.learning_records.models import PersonCertification
from assessments.selectors.teams import team_tree_figures
from readiness.models import Audience, Person, Team
from readiness.privacy_floor import aggregate_hidden


def coverage_horizon(now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """(now, the end of the "expiring" window)."""
    now = now or timezone.now()
    return now, now + dt.timedelta(days=settings.CERTIFICATION_COVERAGE_DAYS)


@dataclass(frozen=True, slots=True)
class CoverageFigures:
    """One certification over one group: people holding it, of whom expiring soon; lapsed."""

    name: str
    held: int
    expiring: int
    lapsed: int


@dataclass
class MemberCertifications:
    """One member and their certifications (each with ``status``), soonest expiry first."""

    person: Person
    certifications: list[PersonCertification] = field(default_factory=list)


def _figures_by_name(
    rows: QuerySet[PersonCertification], now: dt.datetime, horizon: dt.datetime, by: str | None
) -> dict[Any, list[CoverageFigures]]:
    """Per group (``by``: a field path of the person, or None for one group) and name, the
    distinct holders, expiring and lapsed people, in one grouped query."""
    held = Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    grouped = rows.annotate(group=F(by)).values("group", "name") if by else rows.values("name")
    figures: dict[Any, list[CoverageFigures]] = defaultdict(list)
    for row in grouped.annotate(
        held=Count("person", filter=held, distinct=True),
        expiring=Count(
            "person", filter=Q(expires_at__gt=now, expires_at__lte=horizon), distinct=True
        ),
        lapsed=Count("person", filter=Q(expires_at__lte=now), distinct=True),
    ).order_by("name"):
        figures[row.get("group")].append(
            CoverageFigures(row["name"], row["held"], row["expiring"], row["lapsed"])
        )
    return figures


def team_certification_members(
    *, members: list[Person], now: dt.datetime | None = None
) -> list[MemberCertifications]:
    """Each member with their certifications (one query for all of them), members in the
    order given; each certification's ``status`` as on a person's own page."""
    now = now or timezone.now()
    by_person = {person.pk: MemberCertifications(person) for person in members}
    for row in (
        PersonCertification.objects.filter(person_id__in=list(by_person))
        .select_related("certification")
        .order_by(F("expires_at").asc(nulls_last=True), "name")
    ):
        row.status = row.status_on(now, expiring_days=settings.CERTIFICATION_COVERAGE_DAYS)
        by_person[row.person_id].certifications.append(row)
    return list(by_person.values())


def team_certification_figures(
    *, members: list[Person], now: dt.datetime | None = None
) -> list[CoverageFigures]:
    """Per certification, over the team's members: holders, expiring soon, lapsed (one
    query)."""
    now, horizon = coverage_horizon(now)
    rows = PersonCertification.objects.filter(person_id__in=[p.pk for p in members])
    return _figures_by_name(rows, now, horizon, by=None).get(None, [])


@dataclass(frozen=True, slots=True)
class TeamCoverage:
    """A team's coverage figures over its direct members, or ``hidden`` (figures empty)."""

    members: int
    hidden: bool
    figures: list[CoverageFigures]


def team_certification_coverage(
    *, user: User, team: Team, members: list[Person], shows_members: bool
) -> TeamCoverage:
    """What ``user`` reads of the team's coverage (the page and the API). Whoever sees the
    members sees the figures; leadership outside the team reads them unless the team's own
    figure is hidden on its page (``team_tree_figures``: the floor with complementary
    suppression), and never over fewer members than the floor."""
    hidden = not shows_members and (
        team_tree_figures(user=user).direct_of(team.pk) is None or aggregate_hidden(len(members))
    )
    figures = [] if hidden else team_certification_figures(members=members)
    return TeamCoverage(members=len(members), hidden=hidden, figures=figures)


@dataclass
class AudienceCoverage:
    """Coverage per audience of the people's roles (``None``: people with no role)."""

    audiences: list[Audience]
    people: dict[int | None, int]
    figures: dict[int | None, list[CoverageFigures]]

    @property
    def total_people(self) -> int:
        return sum(self.people.values())


def audience_certification_coverage(
    *, people: QuerySet[Person], now: dt.datetime | None = None
) -> AudienceCoverage:
    """Per audience of the people's roles (Everyone excluded: it is everyone), how many
    people it holds and its coverage figures: three queries whatever the numbers."""
    now, horizon = coverage_horizon(now)
    counts: dict[int | None, int] = dict(
        people.order_by()
        .values_list("role__audience")
        .annotate(n=Count("pk"))
        .values_list("role__audience", "n")
    )
    rows = PersonCertification.objects.filter(person__in=people)
    figures = _figures_by_name(rows, now, horizon, by="person__role__audience")
    audiences = list(Audience.objects.filter(is_everyone=False).order_by("order", "name"))
    return AudienceCoverage(audiences=audiences, people=counts, figures=figures)
