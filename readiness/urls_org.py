"""URLs of the organization app (plans, concerns)."""

from django.urls import path

from readiness import profile_views, views

app_name = "readiness"

urlpatterns: list = [
    path("concerns/new/", views.ConcernCreateView.as_view(), name="concern-create"),
    path("concerns/mine/", views.ConcernMineView.as_view(), name="concern-mine"),
    path("profile/tokens/", profile_views.tokens_page, name="tokens"),
    path("profile/tokens/<str:token_key>/revoke/", profile_views.token_revoke_view,
         name="token-revoke"),
    path("profile/tokens/service/", profile_views.service_token_create_view,
         name="service-token-create"),
    path("profile/tokens/service/<str:token_key>/revoke/",
         profile_views.service_token_revoke_view, name="service-token-revoke"),
]
