"""Every list keeps a constant number of queries per page, whatever it lists.

Each case grows what the list shows from 2 to 12 rows and pins the count at both sizes. Every
request is token-authenticated, which costs 2 queries: the token (with its user) and the
user's other tokens (knox removes expired ones). "groups" is what the requester is
(leadership, curator…), read once per request by readiness.permissions; "managed" is the
paths of the teams they manage (readiness.selectors.managed_paths).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.utils import timezone

from assessments.learning_records.models import BadgeAward, BadgeRule
from catalog.models import ImportRun, SkillMappingRule
from readiness.hr.models import HrUpsertJob
from readiness.tokens import service_token_create, token_create
from readiness.webhooks.models import WebhookDelivery, WebhookEndpoint
from readiness.webhooks.services import webhook_endpoint_create
from tests.factories import (
    AssessmentCycleFactory,
    AudienceFactory,
    AudienceRequirementFactory,
    ConcernFactory,
    LearningPlanItemFactory,
    PersonFactory,
    ProviderFactory,
    ReadinessPlanFactory,
    ResourceSkillFactory,
    RoleFactory,
    RoleRequirementFactory,
    SkillCategoryFactory,
    SkillFactory,
    SkillRatingFactory,
    TeamFactory,
    TrainingResourceFactory,
)

pytestmark = pytest.mark.django_db


@dataclass
class Case:
    persona: str
    path: Callable
    grow: Callable
    queries: int


def _webhook(org):
    """The one endpoint whose deliveries the case lists (made on first use)."""
    return (
        WebhookEndpoint.objects.first()
        or webhook_endpoint_create(url="https://hooks.example.com/", events=["person.due"])[0]
    )


def _certifications(org, n):
    from catalog.certifications.models import Certification, CertificationSkill

    for _ in range(n):
        certification = Certification.objects.create(
            name=f"Cert {Certification.objects.count()}", provider=ProviderFactory()
        )
        CertificationSkill.objects.create(certification=certification, skill=org.skill_a, level=2)


def _people(org, n):
    for i in range(n):
        person = PersonFactory(team=org.platform, role=org.role)
        # Who rated: an account with a person record, one without (both shown by Person id).
        rater = (org.manager, org.lead)[i % 2]
        SkillRatingFactory(person=person, skill=org.skill_a, level=1, rated_by=rater)


def _skills(org, n):
    for _ in range(n):
        RoleRequirementFactory(role=org.role, skill=SkillFactory(category=org.skill_a.category))


def _teams(org, n):
    for _ in range(n):
        team = TeamFactory(parent=org.platform)
        PersonFactory(team=team, role=org.role)


def _resources(org, n):
    for _ in range(n):
        resource = TrainingResourceFactory()
        resource.audiences.add(org.audience)
        ResourceSkillFactory(resource=resource, skill=org.skill_a)
        ResourceSkillFactory(resource=resource, skill=org.skill_b)


def _roles(org, n):
    for _ in range(n):
        role = RoleFactory(audience=org.audience)
        RoleRequirementFactory(role=role, skill=org.skill_a)
        RoleRequirementFactory(role=role, skill=org.skill_b)


def _cycles(org, n):
    for _ in range(n):
        cycle = AssessmentCycleFactory()
        cycle.audiences.add(org.audience)
        cycle.teams.add(org.platform)


def _rules(org, n):
    for i in range(n):
        SkillMappingRule.objects.create(
            skill=SkillFactory(category=org.skill_a.category),
            field="product",
            value=f"api-rule-{i}-{n}",
            level_rule="difficulty",
        )


def _imports(org, n):
    for i in range(n):
        requester = (org.curator, org.manager)[i % 2]  # without and with a person record
        ImportRun.objects.create(source="file", file_name="catalog.json", requested_by=requester)


def _plans(org, n):
    for i in range(n):
        ReadinessPlanFactory(owner=(org.lead, org.manager)[i % 2])


def _badges(org, n):
    """n badges of the employee, of n classes: half waiting, half mapped by a rule."""
    start = BadgeAward.objects.count()
    for i in range(start, start + n):
        rule = None
        if i % 2:
            rule = BadgeRule.objects.create(
                issuer_id="https://issuer.example/issuer",
                badge_class_id=f"https://issuer.example/badges/{i}",
                badge_name=f"Badge {i}",
                resource=TrainingResourceFactory(),
            )
        BadgeAward.objects.create(
            person=org.employee,
            spec_version="2.0",
            assertion_id=f"https://issuer.example/assertions/{i}",
            issuer_id="https://issuer.example/issuer",
            issuer_name="Example Academy",
            badge_class_id=f"https://issuer.example/badges/{i}",
            name=f"Badge {i}",
            issued_on=dt.date(2026, 11, 2),
            verification="hosted",
            verified_at=timezone.now(),
            status="mapped" if rule else "waiting",
            rule=rule,
        )


def _badge_rules(org, n):
    """n more rules, each having mapped one badge."""
    _badges(org, 2 * n)
    BadgeAward.objects.filter(status="waiting").update(status="mapped")  # rules made elsewhere
    start = BadgeRule.objects.count()
    for i in range(start, start + n):
        BadgeRule.objects.create(
            issuer_id="https://other.example/issuer",
            badge_class_id=f"https://other.example/badges/{i}",
            resource=TrainingResourceFactory(),
        )


CASES = {
    # token(2), count, page
    "audiences": Case(
        "employee",
        lambda o: "/api/v1/audiences/",
        lambda o, n: [AudienceFactory() for _ in range(n)],
        4,
    ),
    "skill-categories": Case(
        "employee",
        lambda o: "/api/v1/skill-categories/",
        lambda o, n: [SkillCategoryFactory() for _ in range(n)],
        4,
    ),
    # token(2), count, page (with its category): reading the framework needs no group
    "skills": Case(
        "employee", lambda o: "/api/v1/skills/", lambda o, n: [SkillFactory() for _ in range(n)], 4
    ),
    # token(2), count, page, requirements of the page's roles
    "roles": Case("employee", lambda o: "/api/v1/roles/", _roles, 5),
    "role-requirements": Case(
        "employee", lambda o: "/api/v1/role-requirements/", lambda o, n: _skills(o, n), 4
    ),
    "audience-requirements": Case(
        "employee",
        lambda o: "/api/v1/audience-requirements/",
        lambda o, n: [AudienceRequirementFactory(audience=o.audience) for _ in range(n)],
        4,
    ),
    # token(2) + groups, managed, count, page, managers of the page's teams
    "teams": Case("manager", lambda o: "/api/v1/teams/", _teams, 7),
    # token(2) + groups, count, page, managers
    "teams as leadership": Case("lead", lambda o: "/api/v1/teams/", _teams, 6),
    # token(2) + groups, managed, count, page (with user, team, role)
    "people": Case("manager", lambda o: "/api/v1/people/", _people, 6),
    # token(2) + groups, count, page (with user, team, role): leadership reads people one by
    # one only in the teams they manage, decided inside the statement (no managed paths)
    "people as leadership": Case(
        "lead",
        lambda o: "/api/v1/people/",
        lambda o, n: (o.platform.managers.add(o.lead), _people(o, n)),
        5,
    ),
    # token(2) + groups, count, page, goals, partners
    "plans": Case("lead", lambda o: "/api/v1/plans/", _plans, 7),
    # token(2) + groups, count, page
    "concerns": Case(
        "lead",
        lambda o: "/api/v1/concerns/",
        lambda o, n: [ConcernFactory(raised_by=o.employee.user) for _ in range(n)],
        5,
    ),
    "my concerns": Case(
        "employee",
        lambda o: "/api/v1/concerns/",
        lambda o, n: [ConcernFactory(raised_by=o.employee.user) for _ in range(n)],
        5,
    ),
    # token(2), count, page
    "providers": Case(
        "employee",
        lambda o: "/api/v1/providers/",
        lambda o, n: [ProviderFactory() for _ in range(n)],
        4,
    ),
    # token(2), count, page (with provider), skill links
    "certifications": Case("employee", lambda o: "/api/v1/certifications/", _certifications, 5),
    # token(2) + groups, count, page (with provider), audiences, skill links
    "resources": Case("employee", lambda o: "/api/v1/resources/", _resources, 7),
    # token(2) + groups, managed, count, page (ratings / items of the people one may read)
    "ratings": Case("manager", lambda o: "/api/v1/ratings/", _people, 6),
    "plan-items": Case(
        "employee",
        lambda o: "/api/v1/plan-items/",
        lambda o, n: [
            LearningPlanItemFactory(person=o.employee, assigned_by=(o.manager, o.admin)[i % 2])
            for i in range(n)
        ],
        6,
    ),
    # token(2) + groups, count, page, audiences, teams
    "cycles": Case("lead", lambda o: "/api/v1/cycles/", _cycles, 7),
    # token(2) + groups, count, page (with skill and category)
    "mapping rules": Case("curator", lambda o: "/api/v1/mapping-rules/", _rules, 5),
    # token(2) + groups, count, page (with provider)
    "unmapped resources": Case(
        "curator",
        lambda o: "/api/v1/unmapped-resources/",
        lambda o, n: [TrainingResourceFactory(source="learn_catalog") for _ in range(n)],
        5,
    ),
    # token(2) + groups, count, page (with requester)
    "my badges": Case("employee", lambda o: "/api/v1/me/badges/", _badges, 5),
    "badges waiting": Case(
        "curator", lambda o: "/api/v1/badges/waiting/", lambda o, n: _badges(o, 2 * n), 4
    ),
    "badge rules": Case("curator", lambda o: "/api/v1/badge-rules/", _badge_rules, 5),
    "import runs": Case("curator", lambda o: "/api/v1/import-runs/", _imports, 5),
    # token(2), count, page (with user)
    "tokens": Case(
        "employee",
        lambda o: "/api/v1/tokens/",
        lambda o, n: [token_create(user=o.employee.user, name=f"t{i}") for i in range(min(n, 6))],
        4,
    ),
    # token(2), count, page (with user, creator): is_admin reads no group
    "service-tokens": Case(
        "admin",
        lambda o: "/api/v1/service-tokens/",
        lambda o, n: [
            service_token_create(admin=o.admin, account=f"svc{i}", name="x") for i in range(n)
        ],
        4,
    ),
    # token(2), count, page (with the delivery counts): is_admin reads no group
    "webhooks": Case(
        "admin",
        lambda o: "/api/v1/webhooks/",
        lambda o, n: [
            webhook_endpoint_create(url=f"https://h{i}.example.com/", events=["person.due"])
            for i in range(n)
        ],
        4,
    ),
    # token(2), the endpoint (with its counts), count, page
    "webhook deliveries": Case(
        "admin",
        lambda o: f"/api/v1/webhooks/{getattr(o, 'webhook', None) or _webhook(o).pk}/deliveries/",
        lambda o, n: [
            WebhookDelivery.objects.create(
                endpoint=_webhook(o),
                event_id=f"evt_{WebhookDelivery.objects.count()}",
                event_type="person.due",
                body="{}",
            )
            for _ in range(n)
        ],
        5,
    ),
    # token(2), count, page (with each sender and their person record)
    "HR upsert jobs": Case(
        "admin",
        lambda o: "/api/v1/hr/upsert-jobs/",
        lambda o, n: [
            HrUpsertJob.objects.create(created_by=(o.admin, o.manager, o.employee.user)[i % 3])
            for i in range(n)
        ],
        4,
    ),
    # token(2), person, states, skills
    "my skills": Case("employee", lambda o: "/api/v1/me/skills/", _skills, 5),
    # token(2) + groups, managed, person, states, skills
    "a person's skills": Case(
        "manager", lambda o: f"/api/v1/people/{o.employee.pk}/skills/", _skills, 7
    ),
    # token(2) + groups, managed, team, count, page of members, states, readiness, skills
    "team skill map": Case(
        "manager",
        lambda o: f"/api/v1/teams/{o.platform.pk}/skills/",
        lambda o, n: (_people(o, n), _skills(o, n)),
        10,
    ),
    # token(2) + groups, managed, team, per-skill figures (skill_readiness), skills
    "team gaps": Case(
        "manager",
        lambda o: f"/api/v1/teams/{o.platform.pk}/gaps/",
        lambda o, n: (_people(o, n), _skills(o, n)),
        7,
    ),
    # token(2) + groups, count, page of teams, per-team figures, sub-tree teams, managed
    "teams readiness": Case("lead", lambda o: "/api/v1/teams/readiness/", _teams, 8),
    # token(2) + groups, count, page of audiences, per-audience figures, everyone figures
    "audiences readiness": Case(
        "lead",
        lambda o: "/api/v1/audiences/readiness/",
        lambda o, n: [AudienceFactory() for _ in range(n)],
        7,
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_list_queries_are_constant(api, org, django_assert_num_queries, name):
    case = CASES[name]
    for size in (2, 10):  # 2 rows, then 12
        case.grow(org, size)
        client = api(case.persona)
        path = case.path(org)
        with django_assert_num_queries(case.queries):
            response = client.get(path)
        assert response.status_code == 200, response.content
        assert response.json()["count"] >= size


def test_cases_cover_every_list_of_the_schema(api):
    schema = api("admin").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    lists = {
        path
        for path, operations in schema["paths"].items()
        if "get" in operations and operations["get"]["operationId"].endswith("_list")
    }
    covered = set()
    for path in lists:
        template = path.replace("{person_id}", "P").replace("{team_id}", "T")
        template = template.replace("webhooks/{id}/", "webhooks/W/")
        for case in CASES.values():
            sample = case.path(
                type(
                    "O",
                    (),
                    {
                        "employee": type("E", (), {"pk": "P"}),
                        "platform": type("T", (), {"pk": "T"}),
                        "webhook": "W",
                    },
                )
            )
            if sample == template:
                covered.add(path)
    assert lists == covered
