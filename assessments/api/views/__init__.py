"""API views of the person side: effective levels and gaps, readiness, ratings, learning plans
and assessment cycles, one module per resource.

Reads call the rule functions of ``assessments.selectors`` and return exactly what they
compute; writes go through ``assessments.services.me`` (the same functions as the forms), whose
refusals become 400 responses with field errors.

``assessments.api.urls`` routes to the names re-exported here.
"""

from assessments.api.views.certifications import TeamCertificationsView
from assessments.api.views.common import _own_person
from assessments.api.views.cycles import AssessmentCycleViewSet
from assessments.api.views.plan_items import PlanItemViewSet
from assessments.api.views.ratings import SkillRatingViewSet
from assessments.api.views.readiness import (
    AudienceReadinessListView,
    AudienceReadinessView,
    MeView,
    PersonReadinessView,
    TeamReadinessListView,
    TeamReadinessView,
)
from assessments.api.views.skills import MySkillsView, PersonSkillsView
from assessments.api.views.teams import TeamGapsView, TeamSkillsView

__all__ = [
    "AssessmentCycleViewSet",
    "AudienceReadinessListView",
    "AudienceReadinessView",
    "MeView",
    "MySkillsView",
    "PersonReadinessView",
    "PersonSkillsView",
    "PlanItemViewSet",
    "SkillRatingViewSet",
    "TeamCertificationsView",
    "TeamGapsView",
    "TeamReadinessListView",
    "TeamReadinessView",
    "TeamSkillsView",
    "_own_person",  # assessments.api.me
]
