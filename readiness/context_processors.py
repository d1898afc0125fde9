from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from readiness.permissions import persona_flags


def navigation(request: HttpRequest) -> dict:
    """What the navigation may show to the current user; read (one query) only by a page that
    renders the navigation, so the admin and JSON views pay nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": None}
    return {"nav": SimpleLazyObject(lambda: persona_flags(user))}
