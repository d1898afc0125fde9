"""OpenAPI generation: every operation documents its error responses too.

drf-spectacular describes the successful response of each operation; clients (and the
schemathesis run in the test suite) also need the refusals: 401 without credentials, 403 when
the person may not do this, 404 for an object they cannot reach (or a page past the end), and
400 with field errors for bad input or bad filter values, 406 and 415 for anything but JSON —
each as the one ``Problem`` component (RFC 9457 problem details).
"""

import copy

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import Direction, extend_schema_field
from rest_framework import serializers

from readiness.api.exceptions import PROBLEM_CODES, PROBLEM_CONTENT_TYPE
from readiness.models import Level

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
        if status_code == "201":
            headers["Location"] = {
                "schema": {"type": "string", "format": "uri"},
                "description": "Where what was created can be read.",
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
        errors = {
            "401": "Not authenticated.",
            "403": "Not allowed for this person.",
            "404": "Not found, or not visible to this person (past the last page; an account "
            "without a person record on /me/ endpoints).",
            "406": "The Accept header asks for something other than JSON.",
            "429": "Too many requests (API_THROTTLE_RATE): retry after Retry-After seconds.",
        }
        if self.method in {"PUT", "PATCH", "DELETE"}:
            errors["412"] = "If-Match names another ETag: the object changed since it was read."
            errors["428"] = "If-Match is required (API_REQUIRE_IF_MATCH) and was not sent."
        if self.method in {"POST", "PUT", "PATCH"}:
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
        for code, description in errors.items():
            responses.setdefault(code, {"description": description})
        for code, response in responses.items():
            if code.startswith("4"):
                response.update(self._problem(response.get("description") or errors.get(code, "")))
        return responses


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
