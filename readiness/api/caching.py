"""API lists kept until the data changes (``readiness.caching``).

For lists that read the same for everyone allowed to read them (the skills framework, the
catalog's providers): the serialized page is kept under its full URL (host, path, filters,
ordering, page — the pagination links are absolute) and the data version.
"""

from __future__ import annotations

from typing import Any

from rest_framework import mixins
from rest_framework.request import Request
from rest_framework.response import Response

from readiness.caching import Shows, Viewer, kept_value


class CachedListMixin(mixins.ListModelMixin):
    """``list()`` from the cache while the data is unchanged."""

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:  # noqa: ANN401
        def build() -> Any:  # noqa: ANN401
            return super(CachedListMixin, self).list(request, *args, **kwargs).data

        return Response(
            kept_value(
                "api-list",
                viewer=Viewer.anyone_let_in(),
                shows=Shows.nobodys_rows(),
                parts=(type(self).__name__, request.build_absolute_uri()),
                build=build,
            )
        )
