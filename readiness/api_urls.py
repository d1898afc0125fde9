"""The REST API: ``/api/v1/`` (one router), the OpenAPI schema and its Swagger UI.

API views answer token clients that have no session, so they are exempt from
``LoginRequiredMiddleware`` (DRF ≥ 3.15 marks its views so; ``_without_login_page`` says it
here too): DRF's ``IsAuthenticated`` refuses anonymous requests with a 401 JSON body instead
of a redirect to the login page. The Swagger UI is a page for people: it stays behind the
login page.
"""

import functools
from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required, login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from assessments.api import me as me_api
from assessments.api import plans as plans_api
from assessments.api import views as assessments_api
from catalog.api import curation as curation_api
from catalog.api import views as catalog_api
from readiness.api import views as readiness_api
from readiness.api.conditional import conditional
from readiness.api.exceptions import PROBLEM_CONTENT_TYPE, problem_body
from readiness.api.throttling import add_headers
from readiness.webhooks import api as webhooks_api

router = SimpleRouter()
# The skills framework
router.register("audiences", readiness_api.AudienceViewSet, basename="audience")
router.register("skill-categories", readiness_api.SkillCategoryViewSet, basename="skill-category")
router.register("skills", readiness_api.SkillViewSet, basename="skill")
router.register("roles", readiness_api.RoleViewSet, basename="role")
router.register("role-requirements", readiness_api.RoleRequirementViewSet, basename="role-requirement")
router.register(
    "audience-requirements", readiness_api.AudienceRequirementViewSet,
    basename="audience-requirement",
)
# The organization
router.register("teams", readiness_api.TeamViewSet, basename="team")
router.register("people", readiness_api.PersonViewSet, basename="person")
router.register("plans", plans_api.ReadinessPlanViewSet, basename="plan")
router.register("concerns", readiness_api.ConcernViewSet, basename="concern")
# The catalog
router.register("providers", catalog_api.ProviderViewSet, basename="provider")
router.register("resources", catalog_api.TrainingResourceViewSet, basename="resource")
router.register("mapping-rules", curation_api.MappingRuleViewSet, basename="mapping-rule")
router.register("unmapped-resources", curation_api.UnmappedResourceViewSet,
                basename="unmapped-resource")
router.register("import-runs", curation_api.ImportRunViewSet, basename="import-run")
# The person side
router.register("ratings", assessments_api.SkillRatingViewSet, basename="rating")
router.register("plan-items", assessments_api.PlanItemViewSet, basename="plan-item")
router.register("cycles", assessments_api.AssessmentCycleViewSet, basename="cycle")
# Access
router.register("tokens", readiness_api.ApiTokenViewSet, basename="token")
router.register("service-tokens", readiness_api.ServiceTokenViewSet, basename="service-token")
router.register("webhooks", webhooks_api.WebhookEndpointViewSet, basename="webhook")

v1 = [
    # Before the router: "teams/readiness/" is not team "readiness".
    path("me/", assessments_api.MeView.as_view(), name="me"),
    path("me/skills/", assessments_api.MySkillsView.as_view(), name="me-skills"),
    path("me/confirm/", me_api.MyConfirmView.as_view(), name="me-confirm"),
    path("me/recommendations/", me_api.MyRecommendationsView.as_view(),
         name="me-recommendations"),
    path("me/plan-suggestion/", me_api.MyPlanSuggestionView.as_view(),
         name="me-plan-suggestion"),
    path("people/<int:person_id>/skills/", assessments_api.PersonSkillsView.as_view(),
         name="person-skills"),
    path("people/<int:person_id>/readiness/", assessments_api.PersonReadinessView.as_view(),
         name="person-readiness"),
    path("teams/readiness/", assessments_api.TeamReadinessListView.as_view(),
         name="team-readiness-list"),
    path("teams/<int:team_id>/readiness/", assessments_api.TeamReadinessView.as_view(),
         name="team-readiness"),
    path("teams/<int:team_id>/skills/", assessments_api.TeamSkillsView.as_view(),
         name="team-skills"),
    path("teams/<int:team_id>/gaps/", assessments_api.TeamGapsView.as_view(), name="team-gaps"),
    path("audiences/readiness/", assessments_api.AudienceReadinessListView.as_view(),
         name="audience-readiness-list"),
    path("audiences/<int:audience_id>/readiness/",
         assessments_api.AudienceReadinessView.as_view(), name="audience-readiness"),
    path("hr/upsert/", readiness_api.HrUpsertView.as_view(), name="hr-upsert"),
    *router.urls,
]


def _allowed_methods(callback: Callable) -> list[str]:
    actions = getattr(callback, "actions", None)  # a viewset route: its method → action map
    cls = callback.cls  # type: ignore[attr-defined]
    methods = set(actions) if actions else {m for m in cls.http_method_names if hasattr(cls, m)}
    methods.add("options")
    if "get" in methods:
        methods.add("head")
    return sorted(m.upper() for m in methods)


def _method_first(callback: Callable) -> Callable:
    """A method the URL does not take is a 405 for everybody, before authentication and
    permissions (DRF checks those first: ``DELETE /skills/1/`` was a 403 for an employee and
    a 405 for a curator); then ETags and ``If-Match`` (``readiness.api.conditional``)."""
    allowed = _allowed_methods(callback)
    with_etags = conditional(callback, allowed)

    @functools.wraps(callback)
    def view(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.method not in allowed:
            body = problem_body(status=405, code="method_not_allowed", instance=request.path,
                                detail=f'Method "{request.method}" not allowed.')
            response = JsonResponse(body, status=405, content_type=PROBLEM_CONTENT_TYPE)
            response["Allow"] = ", ".join(allowed)
            return response
        return add_headers(request, with_etags(request, *args, **kwargs))

    return view


def _without_login_page(patterns: list) -> list:
    """Let DRF, not the login page, answer anonymous requests to these views; a method a
    route does not take is a 405 whoever asks."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _without_login_page(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            pattern.callback = _method_first(login_not_required(pattern.callback))
    return patterns


app_name = "api"

class NotFoundView(APIView):
    """Anything else under /api/: a JSON 404 (not the HTML page), e.g. an id that is no id."""

    schema = None  # not an operation
    permission_classes = [AllowAny]

    def dispatch(self, request, *args, **kwargs):  # noqa: ANN001, ANN201
        return super().dispatch(request)

    def get(self, request: Request) -> Response:
        raise NotFound("No such API endpoint or object.")

    post = put = patch = delete = head = options = get


urlpatterns = [
    path("v1/", include(_without_login_page(v1))),
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    # DRF marks its views login-not-required; the docs are a page: back to the login page.
    path("docs/", login_required(SpectacularSwaggerView.as_view(url_name="api:schema")),
         name="docs"),
    re_path(r"", NotFoundView.as_view(), name="not-found"),
]
