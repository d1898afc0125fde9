"""Writes of readiness plans: the plan, its goals, partner teams, gap register, and the triage
of its concerns register. Every form (and any future API endpoint) goes through these.

Views check who may call them (``assessments.selectors.plans``); services validate the data
(``full_clean``) and run in a transaction.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from readiness.models import (
    Audience,
    Concern,
    ConcernStatus,
    GapRemedy,
    PlanGoal,
    PlanPartner,
    PlanStatus,
    ReadinessPlan,
    Skill,
    Team,
)

PLAN_FIELDS = ("name", "business_scenario", "owner", "start_date", "target_date", "status")


@transaction.atomic
def plan_create(
    *,
    name: str,
    business_scenario: str,
    owner: User,
    start_date: dt.date,
    target_date: dt.date,
    status: str,
) -> ReadinessPlan:
    """A new readiness plan."""
    plan = ReadinessPlan(
        name=name.strip(),
        business_scenario=business_scenario.strip(),
        owner=owner,
        start_date=start_date,
        target_date=target_date,
        status=status,
    )
    plan.full_clean()
    plan.save()
    _adopt_waiting_concerns(plan)
    return plan


def _adopt_waiting_concerns(plan: ReadinessPlan) -> None:
    """Concerns raised while no plan was active wait for the next one (the concern form
    promises so): an active plan takes them into its register."""
    if plan.status == PlanStatus.ACTIVE:
        Concern.objects.filter(plan=None).update(plan=plan)


@transaction.atomic
def plan_update(*, plan: ReadinessPlan, **changes: object) -> ReadinessPlan:
    """Change any of the plan's own fields (name, scenario, owner, dates, status)."""
    unknown = set(changes) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"Not a plan field: {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        setattr(plan, name, value.strip() if isinstance(value, str) else value)
    plan.full_clean()
    plan.save()
    _adopt_waiting_concerns(plan)
    return plan


def _goal_check(goal: PlanGoal) -> None:
    if goal.skill is not None and not goal.skill.is_active:
        raise ValidationError({"skill": "This skill is retired: choose an active skill."})
    duplicate = PlanGoal.objects.filter(
        plan=goal.plan, audience=goal.audience, skill=goal.skill, due_date=goal.due_date
    ).exclude(pk=goal.pk)
    if duplicate.exists():
        raise ValidationError("The plan already has this goal for this audience, skill and date.")
    goal.full_clean()


@transaction.atomic
def plan_goal_create(
    *,
    plan: ReadinessPlan,
    audience: Audience,
    skill: Skill | None,
    target_share: int,
    due_date: dt.date,
) -> PlanGoal:
    """ "``target_share`` % of ``audience`` at target on ``skill`` (or on all their required
    skills) by ``due_date``"."""
    goal = PlanGoal(
        plan=plan, audience=audience, skill=skill, target_share=target_share, due_date=due_date
    )
    _goal_check(goal)
    goal.save()
    return goal


@transaction.atomic
def plan_goal_update(
    *,
    goal: PlanGoal,
    audience: Audience,
    skill: Skill | None,
    target_share: int,
    due_date: dt.date,
) -> PlanGoal:
    goal.audience, goal.skill = audience, skill
    goal.target_share, goal.due_date = target_share, due_date
    _goal_check(goal)
    goal.save()
    return goal


@transaction.atomic
def plan_goal_delete(*, goal: PlanGoal) -> None:
    goal.delete()


@transaction.atomic
def plan_partner_create(
    *,
    plan: ReadinessPlan,
    name: str,
    team: Team | None,
    contribution: str,
    due_date: dt.date | None,
) -> PlanPartner:
    """A team (ours, or outside: a vendor, a university) and what it contributes by when."""
    partner = PlanPartner(
        plan=plan,
        name=name.strip() or (team.name if team else ""),
        team=team,
        contribution=contribution.strip(),
        due_date=due_date,
    )
    partner.full_clean()
    partner.save()
    return partner


@transaction.atomic
def plan_partner_update(
    *,
    partner: PlanPartner,
    name: str,
    team: Team | None,
    contribution: str,
    due_date: dt.date | None,
) -> PlanPartner:
    partner.name = name.strip() or (team.name if team else "")
    partner.team, partner.contribution, partner.due_date = team, contribution.strip(), due_date
    partner.full_clean()
    partner.save()
    return partner


@transaction.atomic
def plan_partner_delete(*, partner: PlanPartner) -> None:
    partner.delete()


@transaction.atomic
def gap_remedy_set(
    *,
    plan: ReadinessPlan,
    skill: Skill,
    remedy: str,
    deadline: dt.date,
    owner: User | None = None,
    notes: str = "",
) -> GapRemedy:
    """Record (or change) how ``plan`` closes the organization's gap on ``skill``: train,
    hire or partner, by ``deadline``. One remedy per plan and skill."""
    entry = GapRemedy.objects.select_for_update().filter(
        plan=plan, skill=skill
    ).first() or GapRemedy(plan=plan, skill=skill)
    entry.remedy, entry.deadline, entry.owner, entry.notes = remedy, deadline, owner, notes.strip()
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def gap_remedy_delete(*, remedy: GapRemedy) -> None:
    remedy.delete()


#: A concern marked addressed or closed owes its raiser an answer.
NEEDS_RESPONSE = (ConcernStatus.ADDRESSED, ConcernStatus.CLOSED)


@transaction.atomic
def concern_triage(
    *,
    concern: Concern,
    status: str,
    owner: User | None,
    addressable_by: str,
    response: str,
) -> Concern:
    """Triage a concern of the register: its status, who owns it, the area that can address
    it, and the response — which the person who raised it reads on ``/concerns/mine/``."""
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    concern.status, concern.owner = status, owner
    concern.addressable_by, concern.response = addressable_by, response.strip()
    if concern.status in NEEDS_RESPONSE and not concern.response:
        raise ValidationError(
            {
                "response": "Write the response the person who raised it will read before "
                "marking it addressed or closed."
            }
        )
    concern.full_clean()
    concern.save()
    return concern
