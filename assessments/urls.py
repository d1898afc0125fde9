"""URLs of the person side. Each area keeps its own ``urlpatterns`` beside its views."""

from assessments.views import cycles, dashboard, me, plans, teams

app_name = "assessments"

urlpatterns = [
    *me.urlpatterns,
    *teams.urlpatterns,
    *cycles.urlpatterns,
    *dashboard.urlpatterns,
    *plans.urlpatterns,
]
