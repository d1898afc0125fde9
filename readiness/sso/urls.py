"""Single sign-on URLs (under /accounts/sso/)."""

from django.urls import path

from readiness.sso import views

app_name = "sso"

urlpatterns = [
    path("login/", views.sso_start, name="start"),
    path("callback/", views.sso_callback, name="callback"),
]
