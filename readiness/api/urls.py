"""The readiness app's API routes (under /api/v1/, ``api`` namespace: ``readiness.api.site``):
the skills framework, the organization, concerns, HR upsert, tokens and webhooks."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from readiness.api import hr, views
from readiness.webhooks import api as webhooks_api

router = SimpleRouter()
# The skills framework
router.register("audiences", views.AudienceViewSet, basename="audience")
router.register("skill-categories", views.SkillCategoryViewSet, basename="skill-category")
router.register("skills", views.SkillViewSet, basename="skill")
router.register("roles", views.RoleViewSet, basename="role")
router.register("role-requirements", views.RoleRequirementViewSet, basename="role-requirement")
router.register(
    "audience-requirements",
    views.AudienceRequirementViewSet,
    basename="audience-requirement",
)
# The organization
router.register("teams", views.TeamViewSet, basename="team")
router.register("people", views.PersonViewSet, basename="person")
router.register("concerns", views.ConcernViewSet, basename="concern")
# Access
router.register("tokens", views.ApiTokenViewSet, basename="token")
router.register("service-tokens", views.ServiceTokenViewSet, basename="service-token")
router.register("webhooks", webhooks_api.WebhookEndpointViewSet, basename="webhook")

urlpatterns = [
    path("hr/upsert/", hr.HrUpsertView.as_view(), name="hr-upsert"),
    path("hr/upsert-jobs/", hr.HrUpsertJobListView.as_view(), name="hr-upsert-job-list"),
    path(
        "hr/upsert-jobs/<int:pk>/", hr.HrUpsertJobDetailView.as_view(), name="hr-upsert-job-detail"
    ),
    *router.urls,
]
