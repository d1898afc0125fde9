from django.http import HttpRequest

from readiness.permissions import persona_flags


def navigation(request: HttpRequest) -> dict:
    """What the navigation may show to the current user (computed once per request)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": None}
    return {"nav": persona_flags(user)}
