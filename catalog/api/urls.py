"""The catalog's API routes (under /api/v1/, ``api`` namespace: ``readiness.api.site``)."""

from rest_framework.routers import SimpleRouter

from catalog.api import curation, views

router = SimpleRouter()
router.register("providers", views.ProviderViewSet, basename="provider")
router.register("resources", views.TrainingResourceViewSet, basename="resource")
router.register("certifications", views.CertificationViewSet, basename="certification")
router.register("mapping-rules", curation.MappingRuleViewSet, basename="mapping-rule")
router.register(
    "unmapped-resources", curation.UnmappedResourceViewSet, basename="unmapped-resource"
)
router.register("import-runs", curation.ImportRunViewSet, basename="import-run")

urlpatterns = router.urls
