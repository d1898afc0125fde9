"""A small hand-built organization for the dashboard and plan tests, whose every figure is
worked out by hand in ``EXPECTED`` (the tests compare the pages with these numbers).

    Engineering (department)            Sales (department)
      └─ Platform: 6 developers           3 analysts (fewer than 5: hidden)
         (Tech audience)                  (Users audience)

Developers need Prompting ≥ 2 and RAG ≥ 2; analysts need Prompting ≥ 1. Today is 1 Jun 2026.

    person  Prompting                 RAG            ready  within cadence
    dev1    2 (self, mgr 2)           2              yes    yes
    dev2    3 (self, mgr 3)           1              no     yes
    dev3    self 1, mgr 3 (newer)     —              no     no (RAG never assessed)
    dev4    —                         —              no     no
    dev5    2 (self+mgr, 200 d ago)   2 (200 d ago)  yes    no (past the 90-day cadence)
    dev6    0 (self, mgr 0)           4              no     yes
    ana1    1                                        yes    yes
    ana2    0                                        no     yes
    ana3    —                                        no     no
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from assessments.models import SkillRating
from readiness.models import Person, RoleRequirement, Skill, Team
from tests.factories import (
    AudienceFactory,
    PersonFactory,
    RoleFactory,
    SkillFactory,
    TeamFactory,
    UserFactory,
)
from tests.orgs import clear_framework

PARIS = ZoneInfo("Europe/Paris")
TODAY = dt.date(2026, 6, 1)
NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=PARIS)
RECENT = dt.datetime(2026, 5, 20, 9, 0, tzinfo=PARIS)
OLD = RECENT - dt.timedelta(days=200)

#: Every figure of the dashboard for this organization, worked out by hand.
EXPECTED = {
    # Tech: 12 required pairs, 7 at target (dev1 2, dev2 1, dev3 1, dev5 2, dev6 1);
    # fully ready dev1 and dev5; not assessed dev3 RAG, dev4 both; within cadence dev1,2,6.
    "tech": {"people": 6, "readiness": 58, "ready": 33, "not_assessed": 3, "compliance": 50},
    # Everyone: 15 pairs, 8 at target; 3 fully ready of 9; 5 within cadence of 9.
    "all": {"people": 9, "readiness": 53, "ready": 33, "not_assessed": 4, "compliance": 56},
    # Heatmap: Tech × Prompting 4/6, Tech × RAG 3/6, all × Prompting 5/9, all × RAG 3/6.
    "heat": {
        ("tech", "prompting"): 67,
        ("tech", "rag"): 50,
        ("all", "prompting"): 56,
        ("all", "rag"): 50,
    },
    # Calibration: dev1, dev2, dev3, dev5, dev6 rated by both on Prompting; dev3 differs by 2.
    "calibration": {"people": 5, "compared": 5, "flagged": 1, "percent": 20},
}


@dataclass
class LeadershipOrg:
    engineering: Team
    platform: Team
    sales: Team
    prompting: Skill
    rag: Skill
    manager: object
    sales_manager: object
    devs: list[Person] = field(default_factory=list)
    analysts: list[Person] = field(default_factory=list)


def build_leadership_org() -> LeadershipOrg:
    """The organization drawn above, the seeded framework cleared first."""
    clear_framework()
    engineering = TeamFactory(name="Engineering")
    platform = TeamFactory(name="Platform", parent=engineering)
    sales = TeamFactory(name="Sales")
    manager, sales_manager = UserFactory(username="platform-mgr"), UserFactory()
    platform.managers.add(manager)
    sales.managers.add(sales_manager)
    tech, users = AudienceFactory(name="Tech"), AudienceFactory(name="Users")
    prompting, rag = SkillFactory(name="Prompting"), SkillFactory(name="RAG")
    developer, analyst = (
        RoleFactory(audience=tech, name="Platform developer"),
        RoleFactory(audience=users, name="Sales analyst"),
    )
    RoleRequirement.objects.bulk_create(
        [
            RoleRequirement(role=developer, skill=prompting, target_level=2),
            RoleRequirement(role=developer, skill=rag, target_level=2),
            RoleRequirement(role=analyst, skill=prompting, target_level=1),
        ]
    )
    org = LeadershipOrg(engineering, platform, sales, prompting, rag, manager, sales_manager)
    ratings: list[SkillRating] = []

    def rate(
        person: Person, skill: Skill, level: int, *, at: dt.datetime = RECENT, source: str = "self"
    ) -> None:
        ratings.append(
            SkillRating(
                person=person,
                skill=skill,
                level=level,
                source=source,
                created_at=at,
                rated_by=person.user,
            )
        )

    for index in range(6):
        org.devs.append(
            PersonFactory(team=platform, role=developer, user__username=f"dev{index + 1}")
        )
    dev1, dev2, dev3, dev4, dev5, dev6 = org.devs
    day = dt.timedelta(days=1)
    for person, level, manager_level, at in (
        (dev1, 2, 2, RECENT),
        (dev2, 3, 3, RECENT),
        (dev3, 1, 3, RECENT),
        (dev5, 2, 2, OLD),
        (dev6, 0, 0, RECENT),
    ):
        rate(person, prompting, level, at=at)
        rate(person, prompting, manager_level, at=at + day, source="manager")
    for person, level, at in (
        (dev1, 2, RECENT),
        (dev2, 1, RECENT),
        (dev5, 2, OLD),
        (dev6, 4, RECENT),
    ):
        rate(person, rag, level, at=at)
    for index in range(3):
        org.analysts.append(
            PersonFactory(team=sales, role=analyst, user__username=f"ana{index + 1}")
        )
    rate(org.analysts[0], prompting, 1)
    rate(org.analysts[1], prompting, 0)
    SkillRating.objects.bulk_create(ratings)
    return org
