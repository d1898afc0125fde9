"""URLs of the person side. Each area keeps its own ``urlpatterns`` beside its views."""

from assessments.learning_records import views as learning_records
from assessments.views import cycles, dashboard, me, plans, team_gaps, team_io, team_review, teams

app_name = "assessments"

urlpatterns = [
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
