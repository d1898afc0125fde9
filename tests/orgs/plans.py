"""A readiness plan with one object of every kind its pages reach, and one user per persona:
the plan pages' access tests (GET and POST)."""

from readiness.models import Concern, GapRemedy, PlanGoal, PlanPartner
from tests.factories import (
    AudienceFactory,
    PersonFactory,
    ReadinessPlanFactory,
    SkillFactory,
    TeamFactory,
    UserFactory,
)
from tests.orgs import clear_framework, leadership_user
from tests.orgs.leadership import TODAY


def build_plan_org() -> dict:
    """A plan owned by a lead, with a goal, a partner, a gap remedy and a concern raised by an
    employee of a managed team; ``users`` holds one user per persona of the plan pages."""
    clear_framework()
    owner = leadership_user(username="owner")
    plan = ReadinessPlanFactory(owner=owner, start_date=TODAY, target_date=TODAY)
    skill = SkillFactory()
    goal = PlanGoal.objects.create(
        plan=plan, audience=AudienceFactory(), skill=skill, target_share=50, due_date=TODAY
    )
    partner = PlanPartner.objects.create(plan=plan, name="Vendor", contribution="Courses")
    GapRemedy.objects.create(plan=plan, skill=skill, remedy="train", deadline=TODAY)
    team = TeamFactory()
    manager = UserFactory(username="manager")
    team.managers.add(manager)
    employee = PersonFactory(team=team, user__username="employee")
    concern = Concern.objects.create(
        plan=plan, category="ethics", text="Who checks?", raised_by=employee.user, team=team
    )
    return {
        "plan": plan,
        "goal": goal,
        "partner": partner,
        "skill": skill,
        "concern": concern,
        "users": {
            "owner": owner,
            "admin": UserFactory(username="admin", is_superuser=True, is_staff=True),
            "leadership": leadership_user(username="leader"),
            "manager": manager,
            "employee": employee.user,
        },
    }
