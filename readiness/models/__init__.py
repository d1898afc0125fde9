"""The organization and its skills framework, by area: ``framework`` (levels, audiences, skills,
roles and requirements), ``org`` (teams, people), ``plans`` (readiness plans, concerns, gap
remedies), ``tokens`` (API tokens), ``versions`` (the data version's rows). Django finds an
app's models in ``<app>.models``: the classes are imported here for that (and for
``from readiness.models import …``)."""

# The HR jobs', SCIM's and webhooks' models live in their own areas; imported here so that the
# app registers them.
from readiness.hr.models import HrUpsertJob, HrUpsertJobStatus
from readiness.models.framework import (
    LEVEL_MAX,
    LEVEL_MEANINGS,
    LEVEL_MIN,
    Audience,
    AudienceRequirement,
    Level,
    RequirementImportance,
    Role,
    RoleRequirement,
    Skill,
    SkillCategory,
    level_check,
)
from readiness.models.org import Person, Team
from readiness.models.plans import (
    Concern,
    ConcernArea,
    ConcernCategory,
    ConcernStatus,
    GapRemedy,
    GapRemedyKind,
    PlanGoal,
    PlanPartner,
    PlanStatus,
    ReadinessPlan,
)
from readiness.models.tokens import ApiToken
from readiness.models.versions import DataChange, PersonChange
from readiness.scim.models import ScimGroup
from readiness.webhooks.models import WebhookDelivery, WebhookEndpoint

__all__ = [
    "LEVEL_MAX",
    "LEVEL_MEANINGS",
    "LEVEL_MIN",
    "ApiToken",
    "Audience",
    "AudienceRequirement",
    "Concern",
    "ConcernArea",
    "ConcernCategory",
    "ConcernStatus",
    "DataChange",
    "GapRemedy",
    "GapRemedyKind",
    "HrUpsertJob",
    "HrUpsertJobStatus",
    "Level",
    "Person",
    "PersonChange",
    "PlanGoal",
    "PlanPartner",
    "PlanStatus",
    "ReadinessPlan",
    "RequirementImportance",
    "Role",
    "RoleRequirement",
    "Skill",
    "SkillCategory",
    "ScimGroup",
    "Team",
    "WebhookDelivery",
    "WebhookEndpoint",
    "level_check",
]
