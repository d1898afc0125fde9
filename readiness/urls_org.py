"""URLs of the organization app (plans, concerns); filled in by their issues."""

app_name = "readiness"

urlpatterns: list = []
