from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.views import View

from readiness.permissions import is_curator


class CuratorRequiredMixin(View):
    """Curators (group "Curators") and admins only; everyone else gets 403.

    Anonymous visitors never get here: LoginRequiredMiddleware sends them to the login page.
    """

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not is_curator(request.user):
            raise PermissionDenied("Only curators may do this.")
        return super().dispatch(request, *args, **kwargs)
