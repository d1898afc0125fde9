"""The REST API's site: ``/api/v1/`` (each app's API routes), the OpenAPI schema and its
Swagger UI, all in the ``api`` namespace.

Each app lists its API routes in its own ``<app>/api/urls.py``; the project's root URLconf
(``readiness.urls``) names them, in order, to ``api_urls()``. The order matters where paths
overlap: ``assessments.api.urls`` comes before ``readiness.api.urls`` because
"teams/readiness/" is not team "readiness" (the router's detail route would take it).

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
from rest_framework.views import APIView

from readiness.api.conditional import conditional
from readiness.api.exceptions import PROBLEM_CONTENT_TYPE, problem_body
from readiness.api.openapi import openapi_schema
from readiness.api.throttling import add_headers


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
            body = problem_body(
                status=405,
                code="method_not_allowed",
                instance=request.path,
                detail=f'Method "{request.method}" not allowed.',
            )
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


class NotFoundView(APIView):
    """Anything else under /api/: a JSON 404 (not the HTML page), e.g. an id that is no id."""

    schema = None  # not an operation
    permission_classes = [AllowAny]

    def dispatch(self, request, *args, **kwargs):  # noqa: ANN001, ANN201
        return super().dispatch(request)

    def get(self, request: Request) -> Response:
        raise NotFound("No such API endpoint or object.")

    post = put = patch = delete = head = options = get


class SchemaView(SpectacularAPIView):
    """drf-spectacular's schema view serving the schema of the process (``openapi_schema``,
    built once) instead of generating it again at every request; a request for another
    language or version is generated as drf-spectacular does."""

    def _get_schema_response(self, request: Request) -> Response:
        if request.GET.get("lang") or request.version or self._get_version_parameter(request):
            return super()._get_schema_response(request)
        return Response(
            data=openapi_schema(),
            headers={
                "Content-Disposition": f'inline; filename="{self._get_filename(request, None)}"'
            },
        )


def api_urls(*app_urlconfs: str) -> tuple[list, str]:
    """The ``api`` namespace for ``include()``: the routes of ``app_urlconfs`` (module paths,
    in the order they are tried) under ``v1/``, then the schema, its docs and a JSON 404."""
    v1 = [path("", include(urlconf)) for urlconf in app_urlconfs]
    patterns = [
        path("v1/", include(_without_login_page(v1))),
        path("schema/", login_not_required(SchemaView.as_view()), name="schema"),
        # DRF marks its views login-not-required; the docs are a page: back to the login page.
        path(
            "docs/",
            login_required(SpectacularSwaggerView.as_view(url_name="api:schema")),
            name="docs",
        ),
        re_path(r"", NotFoundView.as_view(), name="not-found"),
    ]
    return patterns, "api"
