"""One small organization for the security tests: two teams, a person of each persona, and one
object of every kind a URL can point at, owned by the "home" side (team A) so that the
"other" personas (team B) must not reach it."""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import Group

from catalog.models import Certification, ImportRun, SkillMappingRule
from readiness.hr.models import HrUpsertJob
from readiness.models import ApiToken, AudienceRequirement, GapRemedy, PlanGoal, PlanPartner
from readiness.permissions import CURATORS_GROUP, LEADERSHIP_GROUP
from readiness.webhooks.models import WebhookEndpoint
from tests.factories import (
    AssessmentCycleFactory,
    AudienceFactory,
    ConcernFactory,
    LearningPlanItemFactory,
    PersonFactory,
    ProviderFactory,
    ReadinessPlanFactory,
    ResourceSkillFactory,
    RoleFactory,
    RoleRequirementFactory,
    SkillFactory,
    SkillRatingFactory,
    TeamFactory,
    TrainingResourceFactory,
    UserFactory,
)

PERSONAS = (
    "anonymous",
    "employee",
    "employee_other",
    "manager",
    "manager_other",
    "curator",
    "leadership",
    "admin",
)


@dataclass
class SecurityOrg:
    users: dict[str, Any] = field(default_factory=dict)
    kwargs: dict[str, Any] = field(default_factory=dict)


def build_security_org() -> SecurityOrg:
    """The organization above; ``kwargs`` fills the URLs' keywords (see ``matrix_support``)."""
    org = SecurityOrg()
    audience = AudienceFactory(slug="sec-audience", name="Security audience")
    role = RoleFactory(audience=audience)
    skill = SkillFactory()
    RoleRequirementFactory(role=role, skill=skill, target_level=2)
    team_a, team_b, team_c = (
        TeamFactory(name="Home team"),
        TeamFactory(name="Other team"),
        TeamFactory(),
    )
    employee = PersonFactory(user__username="sec-employee", team=team_a, role=role)
    employee_other = PersonFactory(user__username="sec-employee-other", team=team_b, role=role)
    manager = UserFactory(username="sec-manager")
    PersonFactory(user=manager, team=team_a, role=role)
    team_a.managers.add(manager)
    manager_other = UserFactory(username="sec-manager-other")
    PersonFactory(user=manager_other, team=team_b, role=role)
    team_b.managers.add(manager_other)
    curator = PersonFactory(user__username="sec-curator", team=team_c, role=role).user
    curator.groups.add(Group.objects.get_or_create(name=CURATORS_GROUP)[0])
    leadership = PersonFactory(user__username="sec-leadership", team=team_c, role=role).user
    leadership.groups.add(Group.objects.get_or_create(name=LEADERSHIP_GROUP)[0])
    admin = UserFactory(username="sec-admin", is_staff=True, is_superuser=True)
    org.users = {
        "anonymous": None,
        "employee": employee.user,
        "employee_other": employee_other.user,
        "manager": manager,
        "manager_other": manager_other,
        "curator": curator,
        "leadership": leadership,
        "admin": admin,
    }
    rating = SkillRatingFactory(person=employee, skill=skill, level=1)
    resource = TrainingResourceFactory(provider=ProviderFactory(slug="sec-provider"))
    resource.audiences.add(audience)
    ResourceSkillFactory(resource=resource, skill=skill, level=2)
    rule = SkillMappingRule.objects.create(skill=skill, field="keyword", value="copilot")
    certification = Certification.objects.create(
        name="Sec certification", provider=resource.provider
    )
    run = ImportRun.objects.create(source="catalog", requested_by=curator, status="succeeded")
    item = LearningPlanItemFactory(person=employee, resource=resource, status="planned")
    cycle = AssessmentCycleFactory()
    plan = ReadinessPlanFactory(owner=leadership)
    goal = PlanGoal.objects.create(
        plan=plan, audience=audience, target_share=80, due_date=plan.target_date
    )
    partner = PlanPartner.objects.create(plan=plan, name="HR", contribution="Training days")
    GapRemedy.objects.create(plan=plan, skill=skill, remedy="train", deadline=plan.target_date)
    # On an audience nobody is in: it exists for the URLs to reach, and changes no one's target.
    audience_requirement = AudienceRequirement.objects.create(
        audience=AudienceFactory(slug="sec-nobody", name="Nobody's audience"),
        skill=skill,
        target_level=1,
    )
    concern = ConcernFactory(plan=plan, raised_by=employee.user, team=team_a)
    token, _secret = ApiToken.objects.create(user=employee.user, name="Employee laptop")
    service, _secret = ApiToken.objects.create(
        user=UserFactory(username="sec-service"), name="HR sync", is_service=True
    )
    hr_job = HrUpsertJob.objects.create(payload={"teams": [], "people": []})
    webhook = WebhookEndpoint.objects.create(
        url="https://hooks.example.com/readiness", events=["rating.recorded"], secret="whsec_x"
    )
    # URL keyword → value, by URL name first, then by keyword alone.
    org.kwargs = {
        "team": team_a.pk,
        "person": employee.pk,
        "resource": resource.pk,
        "rule": rule.pk,
        "import": run.pk,
        "item": item.pk,
        "cycle": cycle.pk,
        "plan": plan.pk,
        "goal": goal.pk,
        "partner": partner.pk,
        "skill": skill.pk,
        "concern": concern.pk,
        "token": token.token_key,
        "service_token": service.token_key,
        "audience": audience.pk,
        "role": role.pk,
        "category": skill.category_id,
        "provider": resource.provider_id,
        "rating": rating.pk,
        "role_requirement": role.requirements.first().pk,
        "audience_requirement": audience_requirement.pk,
        "webhook": webhook.pk,
        "hr_job": hr_job.pk,
        "certification": certification.pk,
    }
    return org
