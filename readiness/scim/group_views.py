"""The SCIM Groups endpoints: thin views over ``readiness.scim.groups`` (same token rule and
error bodies as the Users ones, from ``ScimView``)."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from scim2_models import Context, Group, ListResponse, PatchOp

from readiness.scim import discovery
from readiness.scim.discovery import ScimUser
from readiness.scim.groups import (
    all_team_paths,
    group_delete,
    group_to_scim,
    group_write,
    members_of,
    read_group,
    target_of,
)
from readiness.scim.models import ScimGroup
from readiness.scim.users import ScimProblem, people_visible, person_to_scim, team_context
from readiness.scim.views import (
    DEFAULT_COUNT,
    FILTER_ATTRIBUTES,
    ScimView,
    _int_param,
    filter_query,
    scim_response,
)

_M = TypeVar("_M", bound=Model)

GROUP_FILTER_ATTRIBUTES = {
    ("displayName", None, None): "display_name",
    ("externalId", None, None): "external_id",
}


def entra_group_patch(body: dict) -> dict:
    """Entra ID adds a member as one ``{"value": id}`` object where RFC 7644 has a list, and
    removes members with ``"value": [{"value": id}]`` where RFC 7644 has a filter in the
    path: each becomes the standard form (one ``members[value eq "id"]`` per member)."""
    operations = body.get("Operations")
    if not isinstance(operations, list):
        return body
    standard: list[Any] = []
    for operation in operations:
        if not isinstance(operation, dict) or str(operation.get("path", "")).lower() != "members":
            standard.append(operation)
            continue
        value = operation.get("value")
        if isinstance(value, dict):
            value = [value]
        removed = (
            [m.get("value") if isinstance(m, dict) else None for m in value]
            if str(operation.get("op", "")).lower() == "remove" and isinstance(value, list)
            else None
        )
        if removed and all(isinstance(m, str) and '"' not in m for m in removed):
            standard += [
                {"op": operation["op"], "path": f'members[value eq "{m}"]'} for m in removed
            ]
        else:
            standard.append({**operation, "value": value} if "value" in operation else operation)
    body["Operations"] = standard
    return body


class GroupsView(ScimView):
    def get(self, request: HttpRequest) -> HttpResponse:
        return self.listing(request.GET)

    def listing(self, params: Any) -> HttpResponse:
        """A page of groups: ``filter`` (displayName, externalId), ``startIndex``, ``count``;
        ordered by id. The same number of queries whatever the page holds."""
        groups = ScimGroup.objects.order_by("pk")
        query = filter_query(params.get("filter"), GROUP_FILTER_ATTRIBUTES, "Groups")
        if query is not None:
            groups = groups.filter(query)
        start = _int_param(params.get("startIndex"), 1, 1)
        count = min(_int_param(params.get("count"), DEFAULT_COUNT, 0), discovery.MAX_RESULTS)
        selection = self.selection(params, Group)
        total = groups.count()
        page = list(groups[start - 1 : start - 1 + count]) if count else []
        paths = all_team_paths() if page else {}
        targets = [target_of(g, paths) for g in page]
        members = members_of(targets, paths) if page else {}
        body = ListResponse[Group](
            total_results=total, start_index=start, items_per_page=len(page)
        ).model_dump(scim_ctx=Context.SEARCH_RESPONSE)
        body["Resources"] = [
            self.dump(
                group_to_scim(g, members.get(t, []) if t else [], self.base),
                Context.SEARCH_RESPONSE,
                selection,
            )
            for g, t in zip(page, targets, strict=True)
        ]
        return scim_response(body)

    def post(self, request: HttpRequest) -> HttpResponse:
        resource = self.parse(Group, self.body(), Context.RESOURCE_CREATION_REQUEST)
        group = group_write(resource=resource, current=None, changed_by=self.token.user)
        created = read_group(group, self.base)
        return scim_response(
            self.dump(created, Context.RESOURCE_CREATION_RESPONSE),
            status=201,
            location=created.meta.location if created.meta else None,
        )


def search_params(body: dict) -> dict:
    return {
        name: ",".join(value) if isinstance(value, list) else value
        for name, value in body.items()
        if name in {"filter", "startIndex", "count", "attributes", "excludedAttributes"}
    }


class GroupsSearchView(GroupsView):
    """POST /Groups/.search (RFC 7644 §3.4.3)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        raise ScimProblem("Search with POST.", status=405)

    def post(self, request: HttpRequest) -> HttpResponse:
        return self.listing(search_params(self.body()))


def _filtered(
    queryset: QuerySet[_M], params: dict, attributes: dict, kind: str, problems: list[ScimProblem]
) -> QuerySet[_M]:
    """``queryset`` under the search's filter; none of it when the filter names an attribute
    ``kind`` lacks (the problem added to ``problems``)."""
    try:
        query = filter_query(params.get("filter"), attributes, kind)
    except ScimProblem as problem:
        problems.append(problem)
        return queryset.none()
    return queryset.filter(query) if query is not None else queryset


class RootSearchView(ScimView):
    """POST /.search: users then groups, one page over both (RFC 7644 §3.4.3). A filter on an
    attribute one type lacks matches none of that type; on one neither has, 400."""

    def get(self, request: HttpRequest) -> HttpResponse:
        raise ScimProblem("Search with POST.", status=405)

    def post(self, request: HttpRequest) -> HttpResponse:
        params = search_params(self.body())
        problems: list[ScimProblem] = []
        people = _filtered(
            people_visible().order_by("pk"), params, FILTER_ATTRIBUTES, "Users", problems
        )
        groups = _filtered(
            ScimGroup.objects.order_by("pk"), params, GROUP_FILTER_ATTRIBUTES, "Groups", problems
        )
        if len(problems) == 2:
            raise problems[0]
        start = _int_param(params.get("startIndex"), 1, 1)
        count = min(_int_param(params.get("count"), DEFAULT_COUNT, 0), discovery.MAX_RESULTS)
        total_people = people.count()
        total = total_people + groups.count()
        person_page = list(people[start - 1 : start - 1 + count]) if count else []
        skip = max(0, start - 1 - total_people)
        left = count - len(person_page)
        group_page = list(groups[skip : skip + left]) if left > 0 else []
        context = team_context(person_page)
        user_selection = self.selection(params, ScimUser)
        body = ListResponse[Group](
            total_results=total,
            start_index=start,
            items_per_page=len(person_page) + len(group_page),
        ).model_dump(scim_ctx=Context.SEARCH_RESPONSE)
        body["Resources"] = [
            self.dump(
                person_to_scim(p, context, self.base), Context.SEARCH_RESPONSE, user_selection
            )
            for p in person_page
        ] + self.groups(group_page, params)
        return scim_response(body)

    def groups(self, page: list[ScimGroup], params: dict) -> list[dict]:
        if not page:
            return []
        paths = all_team_paths()
        targets = [target_of(g, paths) for g in page]
        members = members_of(targets, paths)
        selection = self.selection(params, Group)
        return [
            self.dump(
                group_to_scim(g, members.get(t, []) if t else [], self.base),
                Context.SEARCH_RESPONSE,
                selection,
            )
            for g, t in zip(page, targets, strict=True)
        ]


class GroupView(ScimView):
    def group(self, pk: str) -> ScimGroup:
        group = (
            ScimGroup.objects.filter(pk=int(pk)).first() if pk.isdigit() and len(pk) < 19 else None
        )
        if group is None:
            raise ScimProblem(f"No group “{pk}”.", status=404)
        return group

    def answer(self, group: ScimGroup, context: Context) -> HttpResponse:
        return scim_response(self.dump(read_group(group, self.base), context))

    def get(self, request: HttpRequest, pk: str) -> HttpResponse:
        return self.answer(self.group(pk), Context.RESOURCE_QUERY_RESPONSE)

    @transaction.atomic
    def put(self, request: HttpRequest, pk: str) -> HttpResponse:
        group = self.group(pk)
        resource = self.parse(Group, self.body(), Context.RESOURCE_REPLACEMENT_REQUEST)
        group = group_write(resource=resource, current=group, changed_by=self.token.user)
        return self.answer(group, Context.RESOURCE_REPLACEMENT_RESPONSE)

    @transaction.atomic
    def patch(self, request: HttpRequest, pk: str) -> HttpResponse:
        group = self.group(pk)
        operations = self.parse(
            PatchOp[Group], entra_group_patch(self.body()), Context.RESOURCE_PATCH_REQUEST
        )
        resource = read_group(group, self.base)
        try:
            operations.patch(resource)
        except Exception as error:  # scim2-models raises its SCIM exceptions (noTarget…)
            raise ScimProblem(
                str(error), scim_type=getattr(error, "scim_type", None) or "invalidValue"
            ) from error
        group = group_write(resource=resource, current=group, changed_by=self.token.user)
        return self.answer(group, Context.RESOURCE_PATCH_RESPONSE)

    def delete(self, request: HttpRequest, pk: str) -> HttpResponse:
        group_delete(group=self.group(pk), changed_by=self.token.user)
        return HttpResponse(status=204)
