from django.contrib import admin
from django.urls import include, path

from assessments.views.home import HomeView
from readiness.sso import views as sso_views

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("accounts/login/", sso_views.PasswordLoginView.as_view(), name="login"),
    path("accounts/logout/", sso_views.SsoLogoutView.as_view(), name="logout"),
    path("accounts/sso/", include("readiness.sso.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("readiness.api_urls")),
    path("scim/v2/", include("readiness.scim.urls")),
    path("", include("readiness.urls_org")),
    path("", include("catalog.urls")),
    path("", include("assessments.urls")),
    path("", include("audit.urls")),
]
