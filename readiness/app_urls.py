"""The readiness app's one URLconf (pages). ``readiness`` is both the project package and an
app: ``readiness/urls.py`` is the project's root URLconf (it only includes), and this module
is the app's, as ``<app>/urls.py`` is for the other apps.

Signing in and out keep their project-wide names ("login", "logout", Django's auth views'
names); the app's own pages are in the ``readiness`` namespace. SSO and SCIM keep their
URLconfs beside their views.
"""

from django.urls import include, path

from readiness.sso import views as sso_views
from readiness.views import concerns, tokens
from readiness.webhooks import views as webhook_views

pages = [
    path("concerns/new/", concerns.ConcernCreateView.as_view(), name="concern-create"),
    path("concerns/mine/", concerns.ConcernMineView.as_view(), name="concern-mine"),
    path("profile/tokens/", tokens.tokens_page, name="tokens"),
    path("profile/tokens/<str:token_key>/revoke/", tokens.token_revoke_view, name="token-revoke"),
    path("profile/tokens/service/", tokens.service_token_create_view, name="service-token-create"),
    path(
        "profile/tokens/service/<str:token_key>/revoke/",
        tokens.service_token_revoke_view,
        name="service-token-revoke",
    ),
    path("integrations/webhooks/", webhook_views.webhooks_page, name="webhooks"),
    path("integrations/webhooks/<int:pk>/", webhook_views.webhook_detail, name="webhook-detail"),
    path(
        "integrations/webhooks/<int:pk>/test/", webhook_views.webhook_test_view, name="webhook-test"
    ),
    path(
        "integrations/webhooks/<int:pk>/active/",
        webhook_views.webhook_active_view,
        name="webhook-active",
    ),
    path(
        "integrations/webhooks/<int:pk>/delete/",
        webhook_views.webhook_delete_view,
        name="webhook-delete",
    ),
]

urlpatterns = [
    path("accounts/login/", sso_views.PasswordLoginView.as_view(), name="login"),
    path("accounts/logout/", sso_views.SsoLogoutView.as_view(), name="logout"),
    path("accounts/sso/", include("readiness.sso.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("scim/v2/", include("readiness.scim.urls")),
    path("", include((pages, "readiness"))),
]
