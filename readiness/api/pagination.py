"""Pages of every API list: ``?page=`` and ``?page_size=`` (bounded), both validated.

DRF answers ``?page=abc`` with a 404 (as it does for a page past the end) and ignores a bad
``page_size``; here a value that is no page number is a 400 naming the parameter, and a page
past the end stays a 404.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework import pagination
from rest_framework.exceptions import ErrorDetail
from rest_framework.request import Request

from readiness.api.exceptions import QueryParameterInvalid


def _positive(request: Request, name: str, default: int, maximum: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        number = int(raw)
    except ValueError:
        number = 0
    if not 1 <= number <= maximum:
        message = f"A whole number from 1 to {maximum}."
        raise QueryParameterInvalid({name: [ErrorDetail(message, code="invalid")]})
    return number


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    page_size: int  # REST_FRAMEWORK["PAGE_SIZE"] (the stubs allow None: unset)

    @property
    def max_page_size(self) -> int:  # type: ignore[override]
        return settings.API_MAX_PAGE_SIZE

    def get_page_number(self, request: Request, paginator: Any) -> int:  # noqa: ANN401
        return _positive(request, self.page_query_param, 1, 2**63 - 1)

    def get_page_size(self, request: Request) -> int:
        return _positive(request, self.page_size_query_param, self.page_size, self.max_page_size)

    def get_schema_operation_parameters(self, view: Any) -> list[dict]:  # noqa: ANN401
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"] = {"type": "integer", "minimum": 1}
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(maximum=self.max_page_size, default=self.page_size)
                parameter["description"] = (
                    f"Results per page: 1 to {self.max_page_size} (default {self.page_size})."
                )
            else:
                parameter["description"] = "A page number (1 is the first; past the last: 404)."
        return parameters
