"""The shared hand-built organizations of the tests, one module per kind, each built with the
factory_boy factories of ``tests.factories``; ``tests/conftest.py`` serves them as fixtures:

    employee.py    ``employee_org`` / ``make_employee_org``: the person-side pages
    team.py        ``team_org`` / ``make_team_org``: the manager-side pages (any size)
    reminder.py    ``reminder_org``: a department, a sub-team, people due at known moments
    leadership.py  ``leadership_org``: the dashboard's organization, every figure worked out
    plans.py       ``plan_org``: a readiness plan with its goal, partner, remedy and concern
    security.py    ``security_org``: one user per persona and one object behind every URL

The helpers every kind shares are here."""

from django.contrib.auth.models import Group

from readiness.models import AudienceRequirement, RoleRequirement, Skill
from readiness.permissions import LEADERSHIP_GROUP
from tests.factories import UserFactory


def clear_framework(*, skills: bool = False) -> None:
    """The seeded framework must not leak targets into hand-built cases; with ``skills``, its
    skills are retired too, so they add no columns to a hand-built team's pages."""
    AudienceRequirement.objects.all().delete()
    RoleRequirement.objects.all().delete()
    if skills:
        Skill.objects.update(is_active=False)


def leadership_user(**kwargs):  # noqa: ANN003, ANN201
    """A user of the leadership group (``kwargs`` go to ``UserFactory``)."""
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get_or_create(name=LEADERSHIP_GROUP)[0])
    return user
