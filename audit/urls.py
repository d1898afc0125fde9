from django.urls import path

from audit.views import audit_view

app_name = "audit"

urlpatterns = [
    path("audit/", audit_view, name="list"),
]
