"""OpenAPI generation: every operation documents its error responses too.

drf-spectacular describes the successful response of each operation; clients (and the
schemathesis run in the test suite) also need the refusals: 401 without credentials, 403 when
the person may not do this, 404 for an object they cannot reach (or a page past the end), and
400 with field errors for bad input or bad filter values.
"""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from readiness.models import Level

#: Targets and the levels a resource brings a learner to: 1 to 4 (0 is no target).
TARGET_LEVEL_CHOICES = Level.choices[1:]


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


#: A 400: each field (or "non_field_errors") maps to its messages; a list field maps the
#: index of each refused item to that item's field errors.
VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": "Field errors: each field maps to its messages; a list field maps the "
    'index of each refused item to its field errors, e.g. {"ratings": {"1": {"level": [...]}}}.',
    "additionalProperties": {},
}


@extend_schema_field({"type": "integer", "minimum": Level.NONE, "maximum": Level.EXPERT})
class LevelField(serializers.IntegerField):
    """A proficiency level. The range is documented here but checked by the services, so that
    the API refuses a bad level with the same message as the forms."""


class AutoSchema(SpectacularAutoSchema):
    def _get_response_bodies(self, direction: str = "response") -> dict:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        errors = {
            "401": "Not authenticated.",
            "403": "Not allowed for this person.",
            "404": "Not found, or not visible to this person (past the last page; an account "
            "without a person record on /me/ endpoints).",
        }
        if self.method in {"POST", "PUT", "PATCH"} or (
            self.method == "GET" and self._is_list_view()
        ):
            responses.setdefault(
                "400",
                {
                    "content": {"application/json": {"schema": VALIDATION_ERROR_SCHEMA}},
                    "description": "Invalid input: field errors.",
                },
            )
        for code, description in errors.items():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code)
                response["description"] = description
                responses[code] = response
        return responses
