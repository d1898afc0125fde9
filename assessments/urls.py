"""URLs of the person side. Each area keeps its own ``urlpatterns`` beside its views.

The home page keeps its project-wide name ("home"); the person side's pages are in the
``assessments`` namespace.
"""

from django.urls import include, path

from assessments.learning_records import views as learning_records
from assessments.views import cycles, dashboard, me, plans, team_gaps, team_io, team_review, teams
from assessments.views.home import HomeView

pages = [
    *me.urlpatterns,
    *teams.urlpatterns,
    *team_review.urlpatterns,
    *team_gaps.urlpatterns,
    *team_io.urlpatterns,
    *cycles.urlpatterns,
    *dashboard.urlpatterns,
    *plans.urlpatterns,
    *learning_records.urlpatterns,
]

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("", include((pages, "assessments"))),
]
