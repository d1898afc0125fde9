"""Creating the demo organization, its five logins, and the summary ``seed_demo`` prints."""

import time
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.db import connection, transaction

from assessments.models import AssessmentCycle, LearningPlanItem, RatingSource, SkillRating
from demo.builder import DemoBuilder
from demo.data import (
    DEFAULT_PASSWORD,
    DEFAULT_PEOPLE,
    DEMO_LOGINS,
    MIN_PEOPLE,
    DemoLogin,
)
from readiness.models import Concern, Person, Team
from readiness.permissions import CURATORS_GROUP, LEADERSHIP_GROUP


@dataclass
class DemoSummary:
    created: bool
    people: int
    teams: int
    cycles: int
    ratings: int
    self_ratings: int
    manager_ratings: int
    plan_items: int
    concerns: int
    seconds: float = 0.0
    logins: tuple[DemoLogin, ...] = DEMO_LOGINS


def demo_organization_exists() -> bool:
    """Whether ``seed_demo`` already ran here (the demo employee has a person record)."""
    return Person.objects.filter(user__username="employee").exists()


def demo_logins_ensure(*, password: str) -> dict[str, User]:
    """Create or reset the five demo logins: names, emails, flags, groups and password."""
    password_hash = make_password(password)
    groups = {
        name: Group.objects.get_or_create(name=name)[0]
        for name in (LEADERSHIP_GROUP, CURATORS_GROUP)
    }
    users = {}
    for login in DEMO_LOGINS:
        user, _ = User.objects.get_or_create(username=login.username)
        user.first_name, user.last_name = login.first_name, login.last_name
        user.email = f"{login.username}@example.com"
        user.password = password_hash
        user.is_active = True
        user.is_superuser = login.username == "admin"
        user.is_staff = login.username in ("admin", "curator")  # curators work in the admin
        user.save()
        users[login.username] = user
    users["lead"].groups.add(groups[LEADERSHIP_GROUP])
    users["curator"].groups.add(groups[CURATORS_GROUP])
    return users


def demo_organization_summary(*, created: bool, seconds: float = 0.0) -> DemoSummary:
    """Counts of what the database holds now (the demo plus anything else)."""
    ratings = SkillRating.objects.all()
    self_count = ratings.filter(source=RatingSource.SELF).count()
    manager_count = ratings.filter(source=RatingSource.MANAGER).count()
    return DemoSummary(
        created=created,
        people=Person.objects.count(),
        teams=Team.objects.count(),
        cycles=AssessmentCycle.objects.count(),
        ratings=self_count + manager_count,
        self_ratings=self_count,
        manager_ratings=manager_count,
        plan_items=LearningPlanItem.objects.count(),
        concerns=Concern.objects.count(),
        seconds=seconds,
    )


def demo_organization_create(
    *, people: int = DEFAULT_PEOPLE, password: str = DEFAULT_PASSWORD, seed: int = 1
) -> DemoSummary:
    """Build the demo organization once; later calls only reset the five logins.

    Needs the seeded skills framework and catalog (the 0002 data migrations).
    """
    if people < MIN_PEOPLE:
        raise ValueError(f"The demo organization needs at least {MIN_PEOPLE} people.")
    started = time.monotonic()
    with transaction.atomic():
        users = demo_logins_ensure(password=password)
        if demo_organization_exists():
            return demo_organization_summary(created=False, seconds=time.monotonic() - started)
        DemoBuilder(people=people, seed=seed, users=users, password=password).build()
    if connection.vendor == "postgresql":
        # Without statistics on the fresh rows the planner hash-joins every rating into each
        # reminder batch (bench: a sweep over 10,000 people 19.5 s before ANALYZE, 9.4 s after).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return demo_organization_summary(created=True, seconds=time.monotonic() - started)
