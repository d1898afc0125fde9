"""OpenAPI generation: every operation documents its error responses too — those it can answer,
and only those.

drf-spectacular describes the successful response of each operation; clients (and the
schemathesis run in the test suite) also need the refusals, decided per operation from its
view (``AutoSchema._refusals``): 401 unless the view allows anonymous callers, 403 where a
permission class can refuse somebody signed in (and on every write: the CSRF check of a
session), 404 on a path with an object id, a paginated list (a page past the end) or the
caller's own person (/me/), 400 with field errors for bad input or query parameters, 406 for
an Accept other than JSON, 415 where a body is read — each as the one ``Problem`` component
(RFC 9457 problem details).
"""

import copy

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent, build_examples_list
from drf_spectacular.utils import Direction, OpenApiResponse, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAuthenticated

from readiness.api.exceptions import PROBLEM_CODES, PROBLEM_CONTENT_TYPE
from readiness.models import Level

#: Operations under it act for the caller's own person: a 404 for an account without one.
OWN_PERSON_PREFIX = "/api/v1/me/"

#: Refusals a view makes in its own code, which ``AutoSchema._refusals`` cannot see: named in
#: the operation's ``extend_schema(responses=…)``.
NO_PERSON_RECORD = OpenApiResponse(description="This account has no person record.")
MEMBERS_REFUSED = OpenApiResponse(
    description="Leadership outside the team's management: its figures only, at "
    "teams/{id}/readiness/."
)

#: Targets and the levels a resource brings a learner to: 1 to 4 (0 is no target).
TARGET_LEVEL_CHOICES = Level.choices[1:]


#: The one error body of every 4xx (RFC 9457 problem details; readiness.api.exceptions).
PROBLEM_SCHEMA = {
    "type": "object",
    "description": "A refusal, as RFC 9457 problem details (application/problem+json). "
    "`code` is stable: branch on it; `title` and `detail` are for people. `errors` lists each "
    "refused field: `pointer` is a JSON Pointer into the request body (`#` for the body as a "
    "whole, `#/people/3/email` for a field of the fourth entry of a list), `parameter` names "
    "a refused query parameter.",
    "properties": {
        "type": {
            "type": "string",
            "description": "A URI naming the kind of problem.",
            "example": "urn:readiness:problem:invalid",
        },
        "title": {"type": "string", "example": "Invalid input."},
        "status": {"type": "integer", "example": 400},
        "code": {"type": "string", "enum": PROBLEM_CODES, "example": "invalid"},
        "detail": {"type": "string"},
        "instance": {"type": "string", "description": "The path of the request."},
        "errors": {
            "type": "array",
            "description": "Each refused field (validation errors only).",
            "items": {
                "type": "object",
                "properties": {
                    "pointer": {"type": "string", "example": "#/ratings/1/level"},
                    "parameter": {"type": "string", "example": "ordering"},
                    "code": {
                        "type": "string",
                        "example": "unknown_field",
                        "description": "Stable: required, invalid, unknown_field, "
                        "does_not_exist, max_length, invalid_choice…",
                    },
                    "detail": {"type": "string"},
                },
                "required": ["code", "detail"],
            },
        },
    },
    "required": ["type", "title", "status", "code", "detail"],
}


@extend_schema_field({"type": "integer", "minimum": Level.NONE, "maximum": Level.EXPERT})
class LevelField(serializers.IntegerField):
    """A proficiency level. The range is documented here but checked by the services, so that
    the API refuses a bad level with the same message as the forms."""


class AutoSchema(SpectacularAutoSchema):
    def _problem_ref(self) -> dict:
        component = ResolvedComponent(
            # A copy: the enum post-processing hook rewrites the schema it is given in place.
            name="Problem",
            type=ResolvedComponent.SCHEMA,
            object="Problem",
            schema=copy.deepcopy(PROBLEM_SCHEMA),
        )
        self.registry.register_on_missing(component)
        return component.ref

    def _problem(self, description: str) -> dict:
        return {
            "content": {PROBLEM_CONTENT_TYPE: {"schema": self._problem_ref()}},
            "description": description,
        }

    def _get_parameters(self) -> list[dict]:
        parameters = super()._get_parameters()
        if self.method in {"PUT", "PATCH", "DELETE"}:
            parameters.append(
                {
                    "in": "header",
                    "name": "If-Match",
                    "required": False,
                    "schema": {"type": "string"},
                    "description": "The ETag of the object as last read (GET): a 412 if it "
                    "changed since. Required when API_REQUIRE_IF_MATCH is on.",
                }
            )
        return parameters

    def _get_response_headers_for_code(self, status_code: str, direction: str = "response") -> dict:
        headers = super()._get_response_headers_for_code(status_code, direction)
        if self.method == "GET" and status_code == "200":
            headers["ETag"] = {
                "schema": {"type": "string"},
                "description": "Send it back in If-Match to change the object.",
            }
        if status_code in {"201", "202"}:
            headers["Location"] = {
                "schema": {"type": "string", "format": "uri"},
                "description": "Where what was created (201), or the queued job (202), can be read.",
            }
        return headers

    def _get_request_body(self, direction: str = "request") -> dict | None:
        body = super()._get_request_body(direction)
        if body is not None:
            body["required"] = True  # JSON, even if only `{}`: a missing body is not a default
        return body

    def _get_response_bodies(self, direction: Direction = "response") -> dict:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, description in self._refusals().items():
            responses.setdefault(code, {"description": description})
        for code, response in responses.items():
            if code.startswith("4"):
                response.update(self._problem(response.get("description", "")))
                examples = self._problem_examples(code)
                if examples:
                    response["content"][PROBLEM_CONTENT_TYPE]["examples"] = examples
        return responses

    def _problem_examples(self, code: str) -> dict:
        """The operation's response examples for refusal ``code`` (``readiness.api.examples``),
        which the parent class leaves out: a refusal has no serializer to hang them on."""
        return build_examples_list(
            [
                example
                for example in self.get_examples()
                if example.response_only and code in (example.status_codes or ())
            ]
        )

    def _refusals(self) -> dict[str, str]:
        """The refusals this operation can answer, decided from the view: its permission
        classes, its method, its path and whether it reads a body. A refusal the view makes in
        its own code (a 403 or 404 the rules below cannot see) is in its ``extend_schema``.
        Never 405: a documented operation's method is allowed (another method of the path is
        answered 405 with ``Allow`` naming the documented ones)."""
        errors = {"406": "The Accept header asks for something other than JSON."}
        if not self._allows_anonymous():
            errors["401"] = "Not authenticated."
        writes = self.method not in SAFE_METHODS
        if writes:
            errors["403"] = (
                "Not allowed for this person, or, signed in with the session cookie, the CSRF "
                "token is missing."
            )
        elif self._may_refuse_a_signed_in_caller():
            errors["403"] = "Not allowed for this person."
        not_found = self._not_found()
        if not_found:
            errors["404"] = not_found
        errors["429"] = "Too many requests (API_THROTTLE_RATE): retry after Retry-After seconds."
        if self.method in {"PUT", "PATCH", "DELETE"}:
            errors["412"] = "If-Match names another ETag: the object changed since it was read."
            errors["428"] = "If-Match is required (API_REQUIRE_IF_MATCH) and was not sent."
        if writes and self.method != "DELETE" and self.get_request_serializer() is not None:
            errors["400"] = (
                "Invalid input, or a query parameter this operation does not read: "
                "the refused fields and parameters are in `errors`."
            )
            errors["415"] = "The body is not JSON (Content-Type: application/json)."
        else:  # a query parameter the operation does not document: readiness.api.query
            errors["400"] = (
                "Invalid query parameter, or one this operation does not read: "
                "the refused ones are in `errors`."
            )
        return errors

    def _permissions(self) -> list:
        return list(self.view.get_permissions())

    def _allows_anonymous(self) -> bool:
        return all(isinstance(permission, AllowAny) for permission in self._permissions())

    def _may_refuse_a_signed_in_caller(self) -> bool:
        """A read: whether a permission class can refuse somebody signed in. IsAuthenticated
        and AllowAny cannot; a class whose reads are open to all (``reads_open``) cannot on
        a read."""
        return any(
            not isinstance(permission, (IsAuthenticated, AllowAny))  # noqa: UP038 # DRF overloads |
            and not getattr(permission, "reads_open", False)
            for permission in self._permissions()
        )

    def _not_found(self) -> str:
        reasons = []
        if "{" in self.path:
            reasons.append("no such object, or not visible to this person")
        if self.path.startswith(OWN_PERSON_PREFIX):
            reasons.append("this account has no person record")
        if self.method == "GET" and self._is_list_view() and self._get_paginator() is not None:
            reasons.append("a page past the last")
        return (reasons[0][0].upper() + "; ".join(reasons)[1:] + ".") if reasons else ""


def any_of_for_blank_alternatives(
    result: dict, generator: object, request: object, public: bool
) -> dict:
    """A field that may be empty is ``oneOf`` [a URL or a choice, "" or null] in
    drf-spectacular's output: a value both alternatives accept ("" where the URL format is not
    asserted) fails ``oneOf``. They are alternatives, not exclusive: ``anyOf``."""

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "oneOf" in node:
                node["anyOf"] = node.pop("oneOf")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(result.get("components", {}).get("schemas", {}))
    return result
