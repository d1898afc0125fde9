"""Who changed what and when (django-simple-history).

The tracked models live in other apps; their history tables live here, so the audit adds no
field and no migration to them. Skill ratings need no history: they are append-only, each row
already says who rated and when. The Django admin's own change log (LogEntry) is kept too and
shown on the audit page.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Model
from simple_history import register

from assessments.learning_records.models import BadgeAward, BadgeRule
from catalog.certifications.models import Certification, CertificationSkill
from catalog.models import ResourceSkill, SkillMappingRule, TrainingResource
from readiness.models import AudienceRequirement, PlanGoal, ReadinessPlan, RoleRequirement, Skill

TRACKED: list[type[Model]] = [
    RoleRequirement,
    AudienceRequirement,
    Skill,
    ReadinessPlan,
    PlanGoal,
    TrainingResource,
    ResourceSkill,
    SkillMappingRule,
    BadgeRule,
    BadgeAward,
    Certification,
    CertificationSkill,
]
for _model in TRACKED:
    register(_model, app="audit")
# Permissions: group membership and rights, staff and superuser flags. Never the password.
register(Group, app="audit", m2m_fields=["permissions"])
register(
    get_user_model(),
    app="audit",
    excluded_fields=["password", "last_login"],
    m2m_fields=["groups", "user_permissions"],
)
