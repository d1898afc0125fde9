"""Errors of the API: RFC 9457 problem details, one shape for every refusal.

Every 4xx (and the rare 5xx DRF answers itself) is an ``application/problem+json`` body::

    {"type": "urn:readiness:problem:invalid", "title": "Invalid input.", "status": 400,
     "code": "invalid", "detail": "…", "instance": "/api/v1/ratings/self-assessment/",
     "errors": [{"pointer": "#/ratings/1/level", "code": "invalid", "detail": "…"},
                {"parameter": "ordering", "code": "invalid_choice", "detail": "…"}]}

``code`` is stable (clients branch on it; ``title`` and ``detail`` are for people). ``errors``
lists each refused field: ``pointer`` is a JSON Pointer (RFC 6901, as a URI fragment) into the
request body — ``#`` for the body as a whole, ``#/people/3/email`` for a field of the fourth
entry of a list — and ``parameter`` names a refused query parameter.

Services raise Django's ``ValidationError`` (``RatingsInvalid`` for several ratings at once);
the forms show those messages at their fields, and the API answers them exactly like a
serializer's own refusal.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.exceptions import ErrorDetail
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:readiness:problem:"

#: Every top-level ``code`` the API answers, with its title (documented in the schema).
PROBLEM_TITLES = {
    "invalid": "Invalid input.",
    "invalid_parameter": "Invalid query parameter.",
    "parse_error": "Malformed request body.",
    "not_authenticated": "Not authenticated.",
    "authentication_failed": "Authentication failed.",
    "permission_denied": "Not allowed for this person.",
    "not_found": "Not found.",
    "method_not_allowed": "Method not allowed.",
    "not_acceptable": "Not acceptable.",
    "conflict": "Conflict with the current state.",
    "precondition_failed": "Precondition failed.",
    "precondition_required": "Precondition required.",
    "request_too_large": "Request too large.",
    "unsupported_media_type": "Unsupported media type: send application/json.",
    "throttled": "Too many requests.",
    "error": "Error.",
}
#: The same, as the schema's ``ProblemCodeEnum``.
PROBLEM_CODES = list(PROBLEM_TITLES)


class QueryParameterInvalid(exceptions.ValidationError):
    """A refused query parameter (a filter, ``ordering``, ``page``, ``dry_run``…): its errors
    name the ``parameter``, not a body ``pointer``."""

    default_code = "invalid_parameter"


class Conflict(exceptions.APIException):
    """The request contradicts the current state (a stale version): re-read, then retry."""

    status_code = 409
    default_code = "conflict"
    default_detail = "The object changed since it was read: read it again, then retry."


def validation_detail(error: DjangoValidationError) -> dict:
    """DRF's shape for a Django ValidationError, {field: [messages]}, keeping each code."""
    if hasattr(error, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): _details(
                errors
            )
            for field, errors in error.error_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: _details(error.error_list)}


def _details(errors: list[DjangoValidationError]) -> list[ErrorDetail]:
    return [
        ErrorDetail(message, code=error.code or "invalid")
        for error in errors
        for message in error.messages
    ]


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def field_errors(
    detail: Any, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], str, str]]:  # noqa: ANN401
    """Each (path, code, message) of a DRF error detail: {field: [messages]}, nested for
    nested serializers, a list of such dicts for a list of entries ({} for a valid entry)."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            inner = path if key == api_settings.NON_FIELD_ERRORS_KEY else (*path, str(key))
            yield from field_errors(value, inner)
    elif isinstance(detail, list):
        for index, item in enumerate(detail):
            if isinstance(item, dict | list):
                yield from field_errors(item, (*path, str(index)))
            else:
                yield from field_errors(item, path)
    else:
        yield path, getattr(detail, "code", None) or "invalid", str(detail)


def problem_errors(detail: Any, *, as_parameter: bool = False) -> list[dict]:  # noqa: ANN401
    """The ``errors`` of an invalid-input problem, one per message of a DRF error detail: where
    (the field's JSON ``pointer``, or the query ``parameter`` it names), its code and message.

    The one builder of them: a 400's, a failed HR upsert job's (kept on the job) and the
    schema's examples' (``readiness.api.examples``)."""
    entries = []
    for path, code, message in field_errors(detail):
        if as_parameter:
            where = {"parameter": path[0] if path else ""}
        else:
            where = {"pointer": "#" + "".join(f"/{_escape(token)}" for token in path)}
        entries.append({**where, "code": code, "detail": message})
    return entries


def errors_summary(errors: list[dict]) -> str:
    """The ``detail`` of an invalid-input problem: its first three errors, where and what."""
    return "; ".join(
        f"{entry.get('pointer', entry.get('parameter'))}: {entry['detail']}" for entry in errors[:3]
    ) + ("; …" if len(errors) > 3 else "")


def api_validation_error(error: DjangoValidationError) -> exceptions.ValidationError:
    """A service's refusal as a serializer's own: its ``api_detail`` when it lays its errors
    out as the request (``HrUpsertInvalid``), else {field: [messages]}."""
    return exceptions.ValidationError(
        getattr(error, "api_detail", None) or validation_detail(error)
    )


def problem_body(
    *,
    status: int,
    code: str,
    detail: str,
    instance: str | None = None,
    errors: list[dict] | None = None,
) -> dict:
    """The body of a problem: the members every problem has, and ``errors`` for invalid input
    (``problem_errors``)."""
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_PREFIX + code,
        "title": PROBLEM_TITLES.get(code, PROBLEM_TITLES["error"]),
        "status": status,
        "code": code,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if errors is not None:
        body["errors"] = errors
    return body


def problem(
    *,
    status: int,
    code: str,
    detail: str,
    instance: str | None = None,
    errors: list[dict] | None = None,
    headers: dict | None = None,
) -> Response:
    """An ``application/problem+json`` response."""
    body = problem_body(status=status, code=code, detail=detail, instance=instance, errors=errors)
    response = Response(body, status=status, headers=headers)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def _code(exc: exceptions.APIException) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return exc.default_code
    code = getattr(exc.detail, "code", None)
    return code if isinstance(code, str) and code in PROBLEM_TITLES else exc.default_code


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = api_validation_error(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()  # not "No Person matches the given query."
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*(exc.args[:1] or ()))
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    request = context.get("request")
    instance = request.path if request is not None else None
    if isinstance(exc, exceptions.ValidationError):
        errors = problem_errors(exc.detail, as_parameter=isinstance(exc, QueryParameterInvalid))
        return problem(
            status=response.status_code,
            code=_code(exc),
            detail=errors_summary(errors),
            instance=instance,
            errors=errors,
            headers=_kept_headers(response),
        )
    return problem(
        status=response.status_code,
        code=_code(exc),
        detail=str(exc.detail),
        instance=instance,
        headers=_kept_headers(response),
    )


def _kept_headers(response: Response) -> dict:
    return {
        name: response[name]
        for name in ("WWW-Authenticate", "Retry-After", "Allow")
        if response.has_header(name)
    }
