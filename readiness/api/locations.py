"""``Location`` of every 201: where what was created can be read.

One object: its detail URL. A batch (a self-assessment, manager ratings, an assignment, a
confirmation): the list, filtered to what the batch wrote where a filter says it, or the
resource it changed (``/me/``).
"""

from __future__ import annotations

from typing import Any, Protocol
from urllib.parse import urlencode

from django.urls import reverse
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response


def location(request: Request, url_name: str, query: dict | None = None, **kwargs: Any) -> str:  # noqa: ANN401
    url = reverse(f"api:{url_name}", kwargs=kwargs or None)
    if query:
        url = f"{url}?{urlencode(query)}"
    return request.build_absolute_uri(url)


def created(
    request: Request,
    data: Any,
    url_name: str,
    query: dict | None = None,  # noqa: ANN401
    **kwargs: Any,
) -> Response:  # noqa: ANN401
    """A 201 with ``data`` and the ``Location`` of what was created."""
    return Response(
        data,
        status=status.HTTP_201_CREATED,
        headers={"Location": location(request, url_name, query, **kwargs)},
    )


class _ViewSet(Protocol):
    basename: str
    request: Request


class LocationOnCreateMixin:
    """For DRF's ``CreateModelMixin``: the new object's detail URL."""

    def get_success_headers(self: _ViewSet, data: Any) -> dict:  # noqa: ANN401
        return {"Location": location(self.request, f"{self.basename}-detail", pk=data["id"])}
