"""The SCIM endpoints: thin views over ``readiness.scim.users`` and ``discovery``.

Authentication: ``Authorization: Bearer <service token>`` whose token carries the SCIM right
(``ApiToken.can_scim``); anything else is 401 (no or unknown token) or 403 (no right).
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from knox.auth import TokenAuthentication
from pydantic import ValidationError
from rest_framework.exceptions import AuthenticationFailed
from scim2_filter_parser.lexer import SCIMLexer
from scim2_filter_parser.parser import SCIMParser
from scim2_filter_parser.transpilers.django_q_object import Transpiler
from scim2_models import BaseModel, Context, Error, ListResponse, PatchOp, ResponseParameters

from readiness.models import ApiToken
from readiness.scim import discovery
from readiness.scim.discovery import ScimUser
from readiness.scim.users import (
    ScimProblem,
    people_visible,
    person_scim_deactivate,
    person_scim_write,
    person_to_scim,
    team_context,
)

SCIM_JSON = "application/scim+json"

_Model = TypeVar("_Model", bound=BaseModel)

FILTER_ATTRIBUTES = {
    ("userName", None, None): "user__username",
    ("externalId", None, None): "external_id",
    ("emails", "value", None): "user__email",
    ("emails", None, None): "user__email",
    ("active", None, None): "is_active",
    ("name", "givenName", None): "user__first_name",
    ("name", "familyName", None): "user__last_name",
    ("title", None, None): "job_title",
}


class _FilterQuery(Transpiler):
    """scim2-filter-parser's Django transpiler, refusing an attribute it cannot filter on
    (it would drop that part of the filter silently)."""

    def __init__(self, attributes: dict, kind: str) -> None:
        super().__init__(attributes)
        self.kind = kind

    def visit_AttrPath(self, node: Any) -> Any:
        field = super().visit_AttrPath(node)
        if field is None:
            raise ScimProblem(
                f"{self.kind} cannot be filtered on “{node.attr_name}”.", scim_type="invalidFilter"
            )
        return field


def filter_query(scim_filter: Any, attributes: dict, kind: str) -> Any:
    """The Django ``Q`` of a SCIM filter over ``attributes``; None without a filter."""
    if not scim_filter:
        return None
    if not isinstance(scim_filter, str):
        raise ScimProblem("The filter must be a string.", scim_type="invalidFilter")
    try:
        query = _FilterQuery(attributes, kind).transpile(
            SCIMParser().parse(SCIMLexer().tokenize(scim_filter))
        )
    except ScimProblem:
        raise
    except Exception as error:  # the parser raises bare exceptions on bad filters
        raise ScimProblem(
            f"This filter cannot be read: {scim_filter}", scim_type="invalidFilter"
        ) from error
    if query is None:
        raise ScimProblem(f"This filter cannot be read: {scim_filter}", scim_type="invalidFilter")
    return query


DEFAULT_COUNT = 100


def scim_response(body: Any, status: int = 200, location: str | None = None) -> HttpResponse:
    response = JsonResponse(body, status=status, content_type=SCIM_JSON, safe=False)
    if location:
        response["Location"] = location
    return response


def scim_error(detail: str, status: int, scim_type: str | None = None) -> HttpResponse:
    error = Error(status=status, detail=detail, scim_type=scim_type)
    return scim_response(error.model_dump(), status=status)


def _token(request: HttpRequest) -> ApiToken | HttpResponse:
    header = request.META.get("HTTP_AUTHORIZATION", "").split()
    if len(header) != 2 or header[0].lower() != "bearer":
        response = scim_error("Send a SCIM bearer token.", 401)
        response["WWW-Authenticate"] = 'Bearer realm="scim"'
        return response
    try:
        _user, token = TokenAuthentication().authenticate_credentials(header[1].encode())
    except AuthenticationFailed:
        return scim_error("This token is unknown, expired or revoked.", 401)
    if not token.can_scim:
        return scim_error("This token has no SCIM right.", 403)
    return token


@method_decorator(csrf_exempt, name="dispatch")
@method_decorator(login_not_required, name="dispatch")
class ScimView(View):
    """Authenticates every request; handlers turn ``ScimProblem`` into SCIM errors."""

    token: ApiToken

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        token = _token(request)
        if isinstance(token, HttpResponse):
            return token
        self.token = token
        self.base = request.build_absolute_uri(reverse("scim:root"))
        try:
            return super().dispatch(request, *args, **kwargs)
        except ScimProblem as problem:
            return scim_error(problem.detail, problem.status, problem.scim_type)

    def http_method_not_allowed(self, request: HttpRequest, *args: Any, **kwargs: Any):
        return scim_error(f"{request.method} is not supported here.", 405)

    def body(self) -> dict:
        try:
            data = json.loads(self.request.body or b"null")
        except (ValueError, UnicodeDecodeError) as error:
            raise ScimProblem("The body is not JSON.", scim_type="invalidSyntax") from error
        if not isinstance(data, dict):
            raise ScimProblem("The body must be a JSON object.", scim_type="invalidSyntax")
        return data

    def parse(self, model: type[_Model], data: dict, context: Context) -> _Model:
        try:
            return model.model_validate(data, scim_ctx=context)
        except ValidationError as error:
            detail = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}"
                for e in error.errors()
            )
            raise ScimProblem(detail, scim_type="invalidValue") from error

    def selection(self, params: dict, model: Any = ScimUser) -> Any:
        """The attributes the client asked for (``attributes`` / ``excludedAttributes``)."""
        chosen = {
            name: value
            for name in ("attributes", "excludedAttributes")
            if (value := params.get(name))
        }
        return self.parse(ResponseParameters[model], chosen, Context.DEFAULT) if chosen else None

    def dump(self, resource: Any, context: Context, selection: Any = None) -> dict:
        selection = selection or self.selection(self.request.GET, type(resource))
        return resource.model_dump(scim_ctx=context, response_parameters=selection)


class ServiceProviderConfigView(ScimView):
    def get(self, request: HttpRequest) -> HttpResponse:
        docs = request.build_absolute_uri("/") + "#provisioning-from-entra-id"
        return scim_response(discovery.service_provider_config(self.base, docs))


class ResourceTypesView(ScimView):
    def get(self, request: HttpRequest, name: str | None = None) -> HttpResponse:
        return _listed_or_one(discovery.resource_types(self.base), name)


class SchemasView(ScimView):
    def get(self, request: HttpRequest, name: str | None = None) -> HttpResponse:
        return _listed_or_one(discovery.schemas(self.base), name)


def _listed_or_one(resources: list[dict], name: str | None) -> HttpResponse:
    if name is not None:
        found = next((r for r in resources if r["id"] == name), None)
        return scim_response(found) if found else scim_error(f"No “{name}”.", 404)
    body = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": len(resources),
        "startIndex": 1,
        "itemsPerPage": len(resources),
        "Resources": resources,
    }
    return scim_response(body)


def _int_param(value: Any, default: int, minimum: int) -> int:
    if value is None or value == "":
        return default
    try:
        return max(minimum, min(int(value), 2**31 - 1))
    except (TypeError, ValueError) as error:
        raise ScimProblem(f"“{value}” is not a number.", scim_type="invalidValue") from error


class UsersView(ScimView):
    def get(self, request: HttpRequest) -> HttpResponse:
        return self.listing(request.GET)

    def listing(self, params: Any) -> HttpResponse:
        """A page of users: ``filter``, ``startIndex`` (from 1), ``count`` (at most
        ``MAX_RESULTS``), ordered by id. Five queries, however many on the page."""
        people = people_visible().order_by("pk")
        query = filter_query(params.get("filter"), FILTER_ATTRIBUTES, "Users")
        if query is not None:
            people = people.filter(query)
        start = _int_param(params.get("startIndex"), 1, 1)
        count = min(_int_param(params.get("count"), DEFAULT_COUNT, 0), discovery.MAX_RESULTS)
        selection = self.selection(params)
        total = people.count()
        page = list(people[start - 1 : start - 1 + count]) if count else []
        context = team_context(page)
        body = ListResponse[ScimUser](
            total_results=total, start_index=start, items_per_page=len(page)
        ).model_dump(scim_ctx=Context.SEARCH_RESPONSE)
        body["Resources"] = [
            self.dump(person_to_scim(p, context, self.base), Context.SEARCH_RESPONSE, selection)
            for p in page
        ]
        return scim_response(body)

    def post(self, request: HttpRequest) -> HttpResponse:
        resource = self.parse(ScimUser, self.body(), Context.RESOURCE_CREATION_REQUEST)
        taken = people_visible().filter(user__username=resource.user_name)
        if resource.external_id:
            taken = taken | people_visible().filter(external_id=resource.external_id)
        if taken.exists():
            raise ScimProblem("This user exists already.", status=409, scim_type="uniqueness")
        person = person_scim_write(
            resource=resource, current=None, previous=None, changed_by=self.token.user
        )
        created = person_to_scim(person, team_context([person]), self.base)
        return scim_response(
            self.dump(created, Context.RESOURCE_CREATION_RESPONSE),
            status=201,
            location=created.meta.location if created.meta else None,
        )


class SearchView(UsersView):
    """POST …/.search (RFC 7644 §3.4.3): the query in the body, for the users."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return scim_error("Search with POST.", 405)

    def post(self, request: HttpRequest) -> HttpResponse:
        body = self.body()
        params = {
            name: ",".join(value) if isinstance(value, list) else value
            for name, value in body.items()
            if name in {"filter", "startIndex", "count", "attributes", "excludedAttributes"}
        }
        return self.listing(params)


class UserView(ScimView):
    def person(self, pk: str):
        person = people_visible().filter(pk=int(pk)).first() if pk.isdigit() else None
        if person is None:
            raise ScimProblem(f"No user “{pk}”.", status=404)
        return person

    def current(self, pk: str):
        person = self.person(pk)
        return person, person_to_scim(person, team_context([person]), self.base)

    def answer(self, person, context: Context) -> HttpResponse:
        person = people_visible().get(pk=person.pk)
        return scim_response(
            self.dump(person_to_scim(person, team_context([person]), self.base), context)
        )

    def get(self, request: HttpRequest, pk: str) -> HttpResponse:
        _person, resource = self.current(pk)
        return scim_response(self.dump(resource, Context.RESOURCE_QUERY_RESPONSE))

    @transaction.atomic
    def put(self, request: HttpRequest, pk: str) -> HttpResponse:
        person, previous = self.current(pk)
        resource = self.parse(ScimUser, self.body(), Context.RESOURCE_REPLACEMENT_REQUEST)
        person = person_scim_write(
            resource=resource, current=person, previous=previous, changed_by=self.token.user
        )
        return self.answer(person, Context.RESOURCE_REPLACEMENT_RESPONSE)

    @transaction.atomic
    def patch(self, request: HttpRequest, pk: str) -> HttpResponse:
        person, previous = self.current(pk)
        operations = self.parse(
            PatchOp[ScimUser], entra_patch(self.body()), Context.RESOURCE_PATCH_REQUEST
        )
        resource = previous.model_copy(deep=True)
        try:
            operations.patch(resource)
        except Exception as error:  # scim2-models raises its SCIM exceptions (noTarget…)
            raise ScimProblem(
                str(error), scim_type=getattr(error, "scim_type", None) or "invalidValue"
            ) from error
        person = person_scim_write(
            resource=resource, current=person, previous=previous, changed_by=self.token.user
        )
        return self.answer(person, Context.RESOURCE_PATCH_RESPONSE)

    def delete(self, request: HttpRequest, pk: str) -> HttpResponse:
        person = self.person(pk)
        person_scim_deactivate(person=person, changed_by=self.token.user)
        return HttpResponse(status=204)


class NotFoundView(ScimView):
    """Any other URL under /scim/v2/: a SCIM error, not an HTML page."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return scim_error(f"Nothing at {request.path}.", 404)

    post = put = patch = delete = get


MANAGER_PATH = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:manager"


def entra_patch(body: dict) -> dict:
    """Entra ID sends the manager as a bare id string (or a one-item list) where RFC 7643
    has a complex ``{"value": id}``, and may send a path-less operation whose ``value`` holds
    dotted paths and extension URNs as keys: that one is split into one operation per key, so
    the manager in it is read the same way. The rest of its quirks (op casing,
    "True"/"False") scim2-models accepts as they are."""
    operations = body.get("Operations")
    if isinstance(operations, list):
        body["Operations"] = [
            split for operation in operations for split in _split_pathless(operation)
        ]
    for operation in body.get("Operations") or []:
        if not isinstance(operation, dict):
            continue
        if str(operation.get("path", "")).lower() == MANAGER_PATH:
            value = operation.get("value")
            if isinstance(value, list) and len(value) == 1:
                value = value[0]
            if isinstance(value, str):
                value = {"value": value} if value else None
            if isinstance(value, dict) and not value.get("value"):
                operation["op"], value = "remove", None
            operation["value"] = value
    return body


def _split_pathless(operation: Any) -> list[Any]:
    if (
        not isinstance(operation, dict)
        or operation.get("path")
        or not isinstance(operation.get("value"), dict)
        or str(operation.get("op", "")).lower() == "remove"
    ):
        return [operation]
    return [
        {"op": operation.get("op"), "path": key, "value": value}
        for key, value in operation["value"].items()
    ]
