"""URLs of the training catalog: browsing for everyone, curation and import for curators."""

from django.urls import path

from catalog.certifications import views as certifications
from catalog.views import browse, curate, imports

app_name = "catalog"

urlpatterns = [
    path("catalog/", browse.CatalogListView.as_view(), name="list"),
    path("catalog/<int:pk>/", browse.ResourceDetailView.as_view(), name="detail"),
    path("catalog/curate/", curate.CurateHomeView.as_view(), name="curate"),
    path("catalog/curate/new/", curate.ResourceEditView.as_view(), name="resource-create"),
    path("catalog/curate/<int:pk>/edit/", curate.ResourceEditView.as_view(), name="resource-edit"),
    path(
        "catalog/curate/<int:pk>/retire/",
        curate.ResourceRetireView.as_view(),
        name="resource-retire",
    ),
    path("catalog/curate/unmapped/", curate.UnmappedQueueView.as_view(), name="unmapped"),
    path("catalog/curate/rules/", curate.RuleListView.as_view(), name="rules"),
    path("catalog/curate/rules/<int:pk>/", curate.RuleEditView.as_view(), name="rule-edit"),
    path("catalog/curate/rules/apply/", curate.RulesApplyView.as_view(), name="rules-apply"),
    path("catalog/curate/import/", imports.ImportView.as_view(), name="import"),
    path(
        "catalog/curate/import/<int:pk>/", imports.ImportDetailView.as_view(), name="import-detail"
    ),
    path(
        "catalog/curate/import/<int:pk>/status/",
        imports.ImportStatusView.as_view(),
        name="import-status",
    ),
    path(
        "catalog/curate/import/<int:pk>/confirm/",
        imports.ImportConfirmView.as_view(),
        name="import-confirm",
    ),
    path(
        "catalog/curate/certifications/",
        certifications.CertificationListView.as_view(),
        name="certifications",
    ),
    path(
        "catalog/curate/certifications/new/",
        certifications.CertificationEditView.as_view(),
        name="certification-create",
    ),
    path(
        "catalog/curate/certifications/<int:pk>/",
        certifications.CertificationEditView.as_view(),
        name="certification-edit",
    ),
]
