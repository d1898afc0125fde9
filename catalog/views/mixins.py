from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from readiness.permissions import is_curator


class CuratorRequiredMixin:
    """Curators (group "Curators") and admins only; everyone else gets 403.

    Anonymous visitors never get here: LoginRequiredMiddleware sends them to the login page.
    """

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not is_curator(request.user):
            raise PermissionDenied("Only curators may do this.")
        return super().dispatch(request, *args, **kwargs)
