"""Writes of the organization: concerns about the generative-AI rollout.

Every form and API endpoint that raises a concern goes through ``concern_raise``.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from readiness.models import Concern, ConcernStatus, Person
from readiness.selectors import readiness_plan_active


@transaction.atomic
def concern_raise(
    *,
    user: User,
    category: str,
    text: str,
    impact: str = "",
    addressable_by: str = "",
    anonymous_to_manager: bool = False,
) -> Concern:
    """Record a concern raised by ``user`` in the register of the active readiness plan (none
    when no plan is active), with the team they belong to.

    ``anonymous_to_manager`` hides the name from the person's managers; leadership, who run
    the register, still see who raised it so that they can follow up.
    """
    person = Person.objects.filter(user=user).only("team_id").first()
    concern = Concern(
        plan=readiness_plan_active(),
        raised_by=user,
        team_id=person.team_id if person else None,
        anonymous_to_manager=anonymous_to_manager,
        category=category,
        text=text.strip(),
        impact=impact.strip(),
        addressable_by=addressable_by,
        status=ConcernStatus.OPEN,
    )
    concern.full_clean()
    concern.save()
    return concern
