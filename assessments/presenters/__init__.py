"""What a page shows, one module per area: cells, colours, tooltips, charts, ``<option>`` HTML.
Presenters take what the selectors read and never query on their own."""

from django.template import engines
from django.utils.safestring import SafeString, mark_safe


def jinja2_fragment(template_name: str, **context: object) -> SafeString:
    """``template_name`` (``templates/jinja2/``) rendered with ``context`` only, as HTML for a
    Django page: the one place a presenter's fragment becomes safe HTML. The bare Jinja2
    template renders only the values given (no request context; the stubs do not know the
    backend's ``template`` attribute); the environment autoescapes (``settings.TEMPLATES``),
    so every value is escaped unless a template says otherwise — the team grids' cell loops,
    which say why in their own header."""
    template = engines["jinja2"].get_template(template_name)
    html = template.template.render(**context)  # type: ignore[attr-defined]
    return mark_safe(html)  # noqa: S308 - rendered by an autoescaping Jinja2 template  # nosec B308 B703
