"""Small display helpers of the catalog templates."""

from django import template

from readiness.models import Level

register = template.Library()


@register.filter
def minutes(value: int | None) -> str:
    """90 → "1 h 30 min"; None → "—"."""
    if value is None or value == "":
        return "—"
    hours, rest = divmod(int(value), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


@register.filter
def level_name(value: int | None) -> str:
    """2 → "Practitioner"."""
    if value is None or value == "":
        return "—"
    return Level(int(value)).label


@register.filter
def signed(value: float) -> str:
    """0.8 → "+0.8", -0.5 → "−0.5"."""
    number = float(value)
    text = f"{abs(number):.1f}".rstrip("0").rstrip(".") or "0"
    return f"+{text}" if number > 0 else (f"−{text}" if number < 0 else "0")
