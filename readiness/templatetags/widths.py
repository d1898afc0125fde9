"""Widths without inline styles: the Content-Security-Policy refuses ``style=""`` attributes.

``{{ value|pct_class }}`` names one of the classes ``w-pct-0`` … ``w-pct-100`` that
``static/css/widths.css`` defines (width: N%), so a progress bar is
``<div class="progress-bar {{ completion.percent|pct_class }}">``.
"""

import math

from django import template

register = template.Library()


@register.filter
def pct_class(value: object) -> str:
    """``42`` → ``"w-pct-42"``: rounded to a whole percent and clamped to 0..100.

    ``None``, an empty or unreadable value (a share nobody is in scope for) gives ``w-pct-0``;
    floats and numeric strings are rounded half up (``33.5`` → ``w-pct-34``).
    """
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "w-pct-0"
    if math.isnan(number):
        return "w-pct-0"
    clamped = min(100.0, max(0.0, number))  # also turns ±infinity into 100 or 0
    return f"w-pct-{math.floor(clamped + 0.5)}"
