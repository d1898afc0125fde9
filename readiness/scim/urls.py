from django.urls import path, re_path

from readiness.scim import group_views, views

app_name = "scim"

urlpatterns = [
    path("", views.ServiceProviderConfigView.as_view(), name="root"),
    path(
        "ServiceProviderConfig",
        views.ServiceProviderConfigView.as_view(),
        name="service-provider-config",
    ),
    path("ResourceTypes", views.ResourceTypesView.as_view(), name="resource-types"),
    re_path(
        r"^ResourceTypes/(?P<name>[^/]+)$", views.ResourceTypesView.as_view(), name="resource-type"
    ),
    path("Schemas", views.SchemasView.as_view(), name="schemas"),
    re_path(r"^Schemas/(?P<name>[^/]+)$", views.SchemasView.as_view(), name="schema"),
    path("Users", views.UsersView.as_view(), name="users"),
    path(".search", group_views.RootSearchView.as_view(), name="search"),
    path("Users/.search", views.SearchView.as_view(), name="users-search"),
    path("Users/<str:pk>", views.UserView.as_view(), name="user"),
    path("Groups", group_views.GroupsView.as_view(), name="groups"),
    path("Groups/.search", group_views.GroupsSearchView.as_view(), name="groups-search"),
    path("Groups/<str:pk>", group_views.GroupView.as_view(), name="group"),
    re_path(r"^.*$", views.NotFoundView.as_view(), name="not-found"),
]
