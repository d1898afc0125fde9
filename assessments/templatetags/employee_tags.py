"""Small display helpers for the employee pages (the proficiency scale's names)."""

from django import template

from readiness.models import Level

register = template.Library()


@register.filter
def level_name(value: int | None) -> str:
    """``2`` → ``"Practitioner"``; empty for no level."""
    if value is None or value == "":
        return ""
    try:
        return Level(int(value)).label
    except (TypeError, ValueError):
        return ""


@register.filter
def hours(minutes: int | None) -> str:
    """A duration in minutes, as people say it: ``45 min``, ``1 h 30 min``, ``12 h``."""
    if minutes is None:
        return ""
    minutes = int(minutes)
    if minutes < 60:
        return f"{minutes} min"
    whole, rest = divmod(minutes, 60)
    return f"{whole} h {rest} min" if rest else f"{whole} h"


@register.filter
def get_item(mapping: dict, key: object) -> object:
    """``mapping|get_item:key`` — a dictionary lookup with a variable key."""
    return mapping.get(key) if mapping else None
