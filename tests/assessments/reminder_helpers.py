"""A small organization for the reminder tests: a department with a sub-team, managers, people
with one required skill each, self-assessed at a known moment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from readiness.models import AudienceRequirement, Person, RoleRequirement, Skill, Team
from tests.factories import (
    PersonFactory,
    RoleFactory,
    RoleRequirementFactory,
    SkillFactory,
    SkillRatingFactory,
    TeamFactory,
    UserFactory,
)

PARIS = ZoneInfo("Europe/Paris")


def at(day: dt.date, hour: int = 8, minute: int = 0) -> dt.datetime:
    """``day`` at ``hour`` in the organization's time zone (Europe/Paris in the tests)."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


def clear_framework() -> None:
    """The seeded framework must not leak targets into hand-built cases."""
    AudienceRequirement.objects.all().delete()
    RoleRequirement.objects.all().delete()


@dataclass
class Org:
    department: Team
    team: Team
    skill: Skill
    manager: object
    department_head: object


def build_org() -> Org:
    department = TeamFactory(name="Engineering")
    team = TeamFactory(name="Platform", parent=department)
    manager = UserFactory(username="manager", first_name="Maya", last_name="Manager")
    head = UserFactory(username="head", first_name="Hugo", last_name="Head")
    team.managers.add(manager)
    department.managers.add(head)
    skill = SkillFactory(name="Reminder test skill")
    return Org(department=department, team=team, skill=skill, manager=manager, department_head=head)


def add_person(
    org: Org,
    username: str,
    *,
    assessed_at: dt.datetime | None,
    team: Team | None = None,
    skill: Skill | None = None,
    **extra,
) -> Person:
    role = RoleFactory()
    RoleRequirementFactory(role=role, skill=skill or org.skill, target_level=2)
    person = PersonFactory(
        user=UserFactory(username=username, first_name=username.title(), last_name="Tester"),
        team=team or org.team,
        role=role,
        **extra,
    )
    if assessed_at is not None:
        SkillRatingFactory(person=person, skill=skill or org.skill, level=2, created_at=assessed_at)
    return person


def outbox_summary(start: int = 0) -> list[tuple[str, str]]:
    """(recipient, subject) of the messages sent since index ``start``."""
    return [(message.to[0], message.subject) for message in mail.outbox[start:]]


class CrashingBackend(EmailBackend):
    """The locmem backend that accepts ``limit`` messages in all, then fails as a worker that
    dies mid-batch would (a RuntimeError: not a mail-server error the task retries)."""

    limit = 0

    def send_messages(self, messages):  # noqa: ANN001, ANN201
        if len(mail.outbox) >= CrashingBackend.limit:
            raise RuntimeError("worker crashed mid-batch")
        return super().send_messages(messages)
