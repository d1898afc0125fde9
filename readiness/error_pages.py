"""The product's own 403, 404 and 500 pages, whatever DEBUG says.

With DEBUG on, Django answers an ``Http404`` raised by a view with its yellow technical page
(the URL list included) while a ``PermissionDenied`` gets the product's 403: two looks for the
same refusal, and the URL map shown to whoever is refused. This middleware renders
``templates/404.html`` and ``templates/403.html`` for both, and for a URL that matches nothing,
so a refusal looks the same under ``make run`` as in production.

A crash under DEBUG keeps Django's traceback page for staff (the developers, who need it);
anyone else gets ``templates/500.html`` and the traceback goes to the log. Without DEBUG,
Django's own ``handler500`` already renders that page (and logs and mails as configured).
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.views.defaults import page_not_found, permission_denied, server_error

logger = logging.getLogger("django.request")


class ProductErrorPagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # A URL that no pattern matched never reaches a view (no resolver match): under DEBUG
        # Django answered it with its technical page.
        if settings.DEBUG and response.status_code == 404 and request.resolver_match is None:
            return page_not_found(request, Http404())
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Http404):
            return page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return permission_denied(request, exception)
        user = getattr(request, "user", None)
        if settings.DEBUG and not (user is not None and user.is_staff):
            logger.error(
                "Internal Server Error: %s",
                request.path,
                exc_info=exception,
                extra={"status_code": 500, "request": request},
            )
            return server_error(request)
        return None
