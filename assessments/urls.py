"""The person side's pages: the app's one URLconf (the root URLconf only includes it). The
views live in ``assessments.views.<area>`` and ``assessments.learning_records.views``.

The home page keeps its project-wide name ("home"); the person side's pages are in the
``assessments`` namespace.
"""

from django.urls import include, path

from assessments.learning_records import views as learning_records
from assessments.learning_records.badges import views as badges
from assessments.views import (
    certifications,
    cycles,
    dashboard,
    me,
    me_plan,
    plan_parts,
    plans,
    team_gaps,
    team_io,
    team_review,
    teams,
)
from assessments.views.home import HomeView

pages = [
    # My readiness, assessment, plan and history; a person's page
    path("me/", me.MyReadinessView.as_view(), name="my-readiness"),
    path("me/assessment/", me.MyAssessmentView.as_view(), name="my-assessment"),
    path("me/assessment/confirm/", me.my_assessment_confirm, name="my-assessment-confirm"),
    path("me/plan/", me_plan.MyPlanView.as_view(), name="my-plan"),
    path("me/plan/add/", me_plan.my_plan_add, name="my-plan-add"),
    path("me/plan/suggest/", me_plan.my_plan_suggest, name="my-plan-suggest"),
    path(
        "me/plan/<int:pk>/<slug:action>/", me_plan.my_plan_item_action, name="my-plan-item-action"
    ),
    path("me/history/", me.MyHistoryView.as_view(), name="my-history"),
    path("people/<int:pk>/", me.PersonDetailView.as_view(), name="person-detail"),
    path("people/<int:pk>/history/", me.PersonHistoryView.as_view(), name="person-history"),
    # Teams: the list, the skill map and its edit
    path("teams/", teams.TeamListView.as_view(), name="team-list"),
    path("teams/<int:pk>/", teams.TeamDetailView.as_view(), name="team-detail"),
    path("teams/<int:pk>/edit/", teams.TeamEditView.as_view(), name="team-edit"),
    # The review queue
    path("teams/<int:pk>/review/", team_review.TeamReviewView.as_view(), name="team-review"),
    # The team's gaps
    path(
        "teams/<int:pk>/certifications/",
        certifications.TeamCertificationsView.as_view(),
        name="team-certifications",
    ),
    path("teams/<int:pk>/gaps/", team_gaps.TeamGapsView.as_view(), name="team-gaps"),
    # The team map's export and the ratings import
    path("teams/<int:pk>/export/", team_io.TeamExportView.as_view(), name="team-export"),
    path("teams/<int:pk>/import/", team_io.TeamImportView.as_view(), name="team-import"),
    # Assessment cycles
    path("cycles/", cycles.CycleListView.as_view(), name="cycle-list"),
    path("cycles/new/", cycles.CycleCreateView.as_view(), name="cycle-create"),
    path("cycles/<int:pk>/", cycles.CycleDetailView.as_view(), name="cycle-detail"),
    path("cycles/<int:pk>/open/", cycles.cycle_open_view, name="cycle-open"),
    path("cycles/<int:pk>/close/", cycles.CycleCloseView.as_view(), name="cycle-close"),
    # The dashboard
    path("dashboard/", dashboard.DashboardView.as_view(), name="dashboard"),
    path(
        "dashboard/certifications/",
        certifications.DashboardCertificationsView.as_view(),
        name="dashboard-certifications",
    ),
    path("dashboard/export.xlsx", dashboard.dashboard_export_view, name="dashboard-export"),
    # Readiness plans
    path("plans/", plans.PlanListView.as_view(), name="plan-list"),
    path("plans/new/", plans.PlanCreateView.as_view(), name="plan-create"),
    path("plans/<int:pk>/", plans.PlanDetailView.as_view(), name="plan-detail"),
    path("plans/<int:pk>/edit/", plan_parts.PlanEditView.as_view(), name="plan-edit"),
    path("plans/<int:pk>/report/", plans.PlanReportView.as_view(), name="plan-report"),
    path("plans/<int:pk>/goals/new/", plan_parts.GoalCreateView.as_view(), name="plan-goal-create"),
    path(
        "plans/<int:pk>/goals/<int:goal_pk>/edit/",
        plan_parts.GoalEditView.as_view(),
        name="plan-goal-edit",
    ),
    path(
        "plans/<int:pk>/goals/<int:goal_pk>/delete/",
        plan_parts.goal_delete_view,
        name="plan-goal-delete",
    ),
    path(
        "plans/<int:pk>/partners/new/",
        plan_parts.PartnerCreateView.as_view(),
        name="plan-partner-create",
    ),
    path(
        "plans/<int:pk>/partners/<int:partner_pk>/edit/",
        plan_parts.PartnerEditView.as_view(),
        name="plan-partner-edit",
    ),
    path(
        "plans/<int:pk>/partners/<int:partner_pk>/delete/",
        plan_parts.partner_delete_view,
        name="plan-partner-delete",
    ),
    path(
        "plans/<int:pk>/gaps/<int:skill_pk>/remedy/",
        plan_parts.RemedyEditView.as_view(),
        name="plan-remedy-edit",
    ),
    path(
        "plans/<int:pk>/gaps/<int:skill_pk>/remedy/delete/",
        plan_parts.remedy_delete_view,
        name="plan-remedy-delete",
    ),
    path(
        "plans/<int:pk>/concerns/<int:concern_pk>/triage/",
        plan_parts.ConcernTriageView.as_view(),
        name="plan-concern-triage",
    ),
    # Verified learning and certifications
    path(
        "me/learning/",
        learning_records.MyVerifiedLearningView.as_view(),
        name="my-verified-learning",
    ),
    path("me/learning/sync/", learning_records.my_transcript_sync, name="my-transcript-sync"),
    path("me/learning/unlink/", learning_records.my_transcript_unlink, name="my-transcript-unlink"),
    path(
        "me/learning/certifications/add/",
        learning_records.MyCertificationAddView.as_view(),
        name="my-certification-add",
    ),
    path("me/learning/badges/", badges.MyBadgeUploadView.as_view(), name="my-badge-upload"),
    # Open Badges waiting for a curator's rule (in the catalog's curation menu)
    path("curate/badges/", badges.BadgeQueueView.as_view(), name="badge-queue"),
    path(
        "people/<int:pk>/certifications/<int:cert_pk>/verify/",
        learning_records.person_certification_verify_view,
        name="person-certification-verify",
    ),
]

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("", include((pages, "assessments"))),
]
