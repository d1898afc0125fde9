"""The person side's API routes (under /api/v1/, ``api`` namespace: ``readiness.api.site``).

The root URLconf tries these before ``readiness.api.urls``: "teams/readiness/" is not team
"readiness", nor "audiences/readiness/" audience "readiness".
"""

from django.urls import path
from rest_framework.routers import SimpleRouter

from assessments.api import badges as badges_api
from assessments.api import me as me_api
from assessments.api import plans as plans_api
from assessments.api import views

router = SimpleRouter()
router.register("plans", plans_api.ReadinessPlanViewSet, basename="plan")
router.register("ratings", views.SkillRatingViewSet, basename="rating")
router.register("plan-items", views.PlanItemViewSet, basename="plan-item")
router.register("cycles", views.AssessmentCycleViewSet, basename="cycle")
router.register("me/badges", badges_api.MyBadgeViewSet, basename="me-badge")
router.register("badge-rules", badges_api.BadgeRuleViewSet, basename="badge-rule")

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("me/skills/", views.MySkillsView.as_view(), name="me-skills"),
    path("me/confirm/", me_api.MyConfirmView.as_view(), name="me-confirm"),
    path("me/recommendations/", me_api.MyRecommendationsView.as_view(), name="me-recommendations"),
    path("me/plan-suggestion/", me_api.MyPlanSuggestionView.as_view(), name="me-plan-suggestion"),
    path("badges/waiting/", badges_api.BadgesWaitingView.as_view(), name="badges-waiting"),
    path("people/<int:person_id>/skills/", views.PersonSkillsView.as_view(), name="person-skills"),
    path(
        "people/<int:person_id>/readiness/",
        views.PersonReadinessView.as_view(),
        name="person-readiness",
    ),
    path("teams/readiness/", views.TeamReadinessListView.as_view(), name="team-readiness-list"),
    path(
        "teams/<int:team_id>/readiness/", views.TeamReadinessView.as_view(), name="team-readiness"
    ),
    path("teams/<int:team_id>/skills/", views.TeamSkillsView.as_view(), name="team-skills"),
    path("teams/<int:team_id>/gaps/", views.TeamGapsView.as_view(), name="team-gaps"),
    path(
        "teams/<int:team_id>/certifications/",
        views.TeamCertificationsView.as_view(),
        name="team-certifications",
    ),
    path(
        "audiences/readiness/",
        views.AudienceReadinessListView.as_view(),
        name="audience-readiness-list",
    ),
    path(
        "audiences/<int:audience_id>/readiness/",
        views.AudienceReadinessView.as_view(),
        name="audience-readiness",
    ),
    *router.urls,
]
