"""Filters of the leadership pages (dashboard, plans, report)."""

from __future__ import annotations

from django import template
from django.contrib.auth.models import User

register = template.Library()


@register.filter
def person_name(user: object, empty: str = "—") -> str:
    """A user's full name, else their username; ``empty`` when there is nobody."""
    if not isinstance(user, User):
        return empty
    return user.get_full_name() or user.get_username()
