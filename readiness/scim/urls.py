from django.urls import path, re_path

from readiness.scim import views

app_name = "scim"

urlpatterns = [
    path("", views.ServiceProviderConfigView.as_view(), name="root"),
    path("ServiceProviderConfig", views.ServiceProviderConfigView.as_view(),
         name="service-provider-config"),
    path("ResourceTypes", views.ResourceTypesView.as_view(), name="resource-types"),
    re_path(r"^ResourceTypes/(?P<name>[^/]+)$", views.ResourceTypesView.as_view(),
            name="resource-type"),
    path("Schemas", views.SchemasView.as_view(), name="schemas"),
    re_path(r"^Schemas/(?P<name>[^/]+)$", views.SchemasView.as_view(), name="schema"),
    path("Users", views.UsersView.as_view(), name="users"),
    path(".search", views.SearchView.as_view(), name="search"),
    path("Users/.search", views.SearchView.as_view(), name="users-search"),
    path("Users/<str:pk>", views.UserView.as_view(), name="user"),
    re_path(r"^.*$", views.NotFoundView.as_view(), name="not-found"),
]
