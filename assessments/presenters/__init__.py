"""What a page shows, one module per area: cells, colours, tooltips, charts, ``<option>`` HTML.
Presenters take what the selectors read and never query on their own."""

from readiness.fragments import jinja2_fragment

__all__ = ["jinja2_fragment"]
