"""Filters of the leadership pages (dashboard, plans, report)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def person_name(user: object, empty: str = "—") -> str:
    """A user's full name, else their username; ``empty`` when there is nobody."""
    if user is None or not hasattr(user, "get_username"):
        return empty
    return user.get_full_name() or user.get_username()
