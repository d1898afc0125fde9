"""The project's root URLconf: it only includes each app's URLconf (pages) and API routes.

The readiness app's pages are in ``readiness.app_urls`` (this module is the project's). The
API routes are tried in the order listed (``readiness.api.site``).
"""

from django.contrib import admin
from django.urls import include, path

from readiness.api.site import api_urls

urlpatterns = [
    path("", include("readiness.app_urls")),
    path("admin/", admin.site.urls),
    path(
        "api/", include(api_urls("assessments.api.urls", "readiness.api.urls", "catalog.api.urls"))
    ),
    path("", include("catalog.urls")),
    path("", include("assessments.urls")),
    path("", include("audit.urls")),
]
