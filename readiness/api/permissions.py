"""DRF permission classes over readiness.permissions: the API asks the same questions as the UI."""

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from readiness.models import ApiToken
from readiness.permissions import is_admin, is_curator, is_leadership, is_manager


class CuratorWriteOrReadOnly(BasePermission):
    """Everyone signed in reads; curators and admins create and update (the skills framework
    and the catalog)."""

    message = "Only curators and admins may change the skills framework and the catalog."
    reads_open = True  # readiness.api.schema: no 403 documented on its reads

    def has_permission(self, request: Request, view: APIView) -> bool:
        if request.method in SAFE_METHODS:
            return bool(request.user and request.user.is_authenticated)
        return is_curator(request.user)


class IsCurator(BasePermission):
    message = "Only curators and admins may use this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_curator(request.user)


class IsLeadership(BasePermission):
    message = "Only leadership and admins may use this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_leadership(request.user)


class LeadershipWriteOrManagerRead(BasePermission):
    """Leadership and admins read and write; managers read."""

    message = "Only leadership, admins and managers may read this; only leadership may change it."

    def has_permission(self, request: Request, view: APIView) -> bool:
        if is_leadership(request.user):
            return True
        return request.method in SAFE_METHODS and is_manager(request.user)


class IsAdmin(BasePermission):
    message = "Only admins may use this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_admin(request.user)


def token_allows_hr_upsert(request: Request) -> bool:
    return isinstance(request.auth, ApiToken) and request.auth.can_hr_upsert


class CanHrUpsert(BasePermission):
    """Admins, or a service token an admin gave the HR-upsert right."""

    message = "Only admins and service tokens with the HR upsert right may use this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_admin(request.user) or token_allows_hr_upsert(request)
