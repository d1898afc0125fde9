"""URLs of the organization app (plans, concerns)."""

from django.urls import path

from readiness import profile_views, views
from readiness.webhooks import views as webhook_views

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
    path("integrations/webhooks/", webhook_views.webhooks_page, name="webhooks"),
    path("integrations/webhooks/<int:pk>/", webhook_views.webhook_detail, name="webhook-detail"),
    path("integrations/webhooks/<int:pk>/test/", webhook_views.webhook_test_view,
         name="webhook-test"),
    path("integrations/webhooks/<int:pk>/active/", webhook_views.webhook_active_view,
         name="webhook-active"),
    path("integrations/webhooks/<int:pk>/delete/", webhook_views.webhook_delete_view,
         name="webhook-delete"),
]
