"""``pct_class`` and the stylesheet it names: widths as classes, no inline style."""

import math
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template

from readiness.templatetags.widths import pct_class

WIDTHS_CSS = Path(settings.BASE_DIR) / "static" / "css" / "widths.css"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "w-pct-0"),
        (1, "w-pct-1"),
        (42, "w-pct-42"),
        (100, "w-pct-100"),
        # Shares nobody is in scope for, or an unreadable value: an empty bar.
        (None, "w-pct-0"),
        ("", "w-pct-0"),
        ("n/a", "w-pct-0"),
        (float("nan"), "w-pct-0"),
        # Floats and decimals: rounded half up to a whole percent.
        (33.4, "w-pct-33"),
        (33.5, "w-pct-34"),
        (99.6, "w-pct-100"),
        (Decimal("12.5"), "w-pct-13"),
        ("57", "w-pct-57"),
        # Clamped to the bar.
        (-5, "w-pct-0"),
        (-0.4, "w-pct-0"),
        (140, "w-pct-100"),
        (math.inf, "w-pct-100"),
        (-math.inf, "w-pct-0"),
    ],
)
def test_pct_class_names_a_whole_percent_between_0_and_100(value: object, expected: str) -> None:
    assert pct_class(value) == expected


def test_the_filter_loads_in_a_template() -> None:
    template = Template('{% load widths %}<div class="progress-bar {{ p|pct_class }}"></div>')
    assert template.render(Context({"p": 7})) == '<div class="progress-bar w-pct-7"></div>'
    assert template.render(Context({})) == '<div class="progress-bar w-pct-0"></div>'


def test_the_stylesheet_defines_every_class_the_filter_names() -> None:
    rules = dict(re.findall(r"\.(w-pct-\d+) \{ width: (\d+)%; \}", WIDTHS_CSS.read_text()))
    assert rules == {f"w-pct-{n}": str(n) for n in range(101)}
